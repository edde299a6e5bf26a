"""The columns of this app's own contacts CSV: written by the exporter, recognised by the importer's preset."""

from __future__ import annotations

# Header names, in order. Multi-valued fields are joined with "; " (tags) or written as extra columns
# (email_2, phone_2, ...) by the exporter; the importer accepts both forms.
CONTACT_CSV_COLUMNS: tuple[str, ...] = (
    "id", "display_name", "given_name", "family_name", "title", "organization", "email", "phone",
    "street", "postal_code", "city", "region", "country", "birthday", "lifecycle_stage", "lead_status",
    "source", "campaign", "owner", "tags", "marketing_consent", "consent_at", "consent_how", "do_not_contact",
    "external_ref", "notes", "created_at", "updated_at",
)  # fmt: skip
TAG_SEPARATOR = "; "
