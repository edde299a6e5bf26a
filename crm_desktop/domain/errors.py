"""Typed errors with messages a user can read; the UI turns them into dialogs, the CLI into one line."""


class CRMError(Exception):
    """Base of every error CRM Desktop raises on purpose."""


class ValidationError(CRMError):
    """Input was rejected; `field` names the offending field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(CRMError):
    """The record asked for does not exist (or is in the Trash)."""


class Conflict(CRMError):
    """The action clashes with the current state (e.g. not enough points, a closed deal)."""


class StorageError(CRMError):
    """The environment failed us: a corrupt, locked or unreadable database, a full disk."""


class NewerSchemaError(StorageError):
    """The database was written by a newer CRM Desktop; opening it could lose data."""


class SyncedFolderWarning(StorageError):
    """The live database sits in a cloud-synced folder or on a network share."""


class Cancelled(CRMError):
    """The user pressed Cancel; the work was rolled back."""
