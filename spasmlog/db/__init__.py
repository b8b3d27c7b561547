"""Storage: the models, the engine, migrations and every SQL statement live in this package."""
