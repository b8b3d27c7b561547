"""Every SELECT the use cases, the importer and the exports need, one module per table."""
