"""The typed errors services raise, re-exported so ui/ and cli never import lower layers for them."""

from crm_desktop.domain.errors import (
    Cancelled,
    Conflict,
    CRMError,
    NewerSchemaError,
    NotFound,
    StorageError,
    SyncedFolderWarning,
    ValidationError,
)

__all__ = [
    "CRMError", "Cancelled", "Conflict", "NewerSchemaError", "NotFound", "StorageError", "SyncedFolderWarning",
    "ValidationError",
]  # fmt: skip
