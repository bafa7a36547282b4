"""Returns Desk core: domain rules, storage, services and hardware adapters. Never imports Qt."""

__version__ = "0.1.0"
