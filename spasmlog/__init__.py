"""spasmlog: a private, local muscle-spasm diary."""

__version__ = "0.1.0"
