"""Named loggers (crm_desktop.*) written to a rotating file in the platform log folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

from crm_desktop import APP_NAME

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_file() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "crm-desktop.log"


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Send crm_desktop.* records to a 1 MB × 5 rotating file; returns its path (None if unwritable)."""
    root = logging.getLogger("crm_desktop")
    root.setLevel(level)
    path = log_file()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    return path
