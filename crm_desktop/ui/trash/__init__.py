"""The Trash: deleted contacts and organizations, restorable (nothing is ever erased)."""
