"""CRM Desktop: an offline-first desktop CRM for small businesses."""

__version__ = "0.1.0"
APP_NAME = "crm-desktop"
