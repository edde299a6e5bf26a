"""Where things live on disk: the default database, logs, backups (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from crm_desktop import APP_NAME

DB_ENV_VAR = "CRM_DESKTOP_DB"
SYNCED_FOLDER_MARKERS = (
    "dropbox",
    "onedrive",
    "google drive",
    "googledrive",
    "icloud",
    "nextcloud",
    "owncloud",
)
NETWORK_FS_TYPES = frozenset({"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "afpfs", "9p", "davfs"})


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    """`CRM_DESKTOP_DB` if set, else crm.sqlite in the user data dir."""
    override = os.environ.get(DB_ENV_VAR)
    return Path(override) if override else data_dir() / "crm.sqlite"


def is_database_url(location: str) -> bool:
    return "://" in location


def backup_dir(db_path: Path) -> Path:
    """Backups sit beside the database, so they travel with it."""
    return db_path.parent / f"{db_path.stem}-backups"


def synced_folder_reason(path: Path) -> str | None:
    """Why this path looks like a cloud-synced folder or network share, or None if it looks local."""
    resolved = path.resolve()
    for part in resolved.parent.parts:  # the folders only: a file may be called "icloud-export.sqlite"
        lowered = part.lower()
        if any(marker in lowered for marker in SYNCED_FOLDER_MARKERS):
            return f"it is inside '{part}', a cloud-synced folder"
    for parent in [resolved.parent, *resolved.parents]:
        if (parent / ".stfolder").exists():
            return f"it is inside a Syncthing folder ({parent})"
    fs_type = _filesystem_type(resolved)
    if fs_type in NETWORK_FS_TYPES:
        return f"it is on a network share ({fs_type})"
    return None


def _filesystem_type(path: Path) -> str | None:
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, best_type = "", None
    for line in mounts:
        fields = line.split()
        if len(fields) >= 3 and str(path).startswith(fields[1]) and len(fields[1]) > len(best):
            best, best_type = fields[1], fields[2]
    return best_type
