"""What an import can fill in: the contact fields a column maps to, and the record every source is read into.

CSV rows (through a column mapping) and vCards (through their properties) both become `ContactRecord`s:
raw text per field, lists of labelled emails, phones and web addresses, so one cleaning and matching step
serves every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

OnMatch = Literal["update", "skip", "create"]
ON_MATCH_CHOICES: tuple[OnMatch, ...] = ("update", "skip", "create")


@dataclass(frozen=True)
class ImportField:
    """A field a column can be mapped to, as the mapping step shows it."""

    key: str
    label: str
    multiple: bool = False  # several columns may feed it (emails, phones, web addresses)
    address: bool = False  # part of a postal address (a row keeps the first complete address block)
    fallback: bool = False  # several columns may feed it; a row keeps the first that holds a value


IGNORE = "ignore"

FIELDS: tuple[ImportField, ...] = (
    ImportField("display_name", "Full name"),
    ImportField("given_name", "First name"),
    ImportField("middle_name", "Middle name"),
    ImportField("family_name", "Last name"),
    ImportField("title", "Job title"),
    ImportField("organization", "Organization"),
    ImportField("email", "Email", multiple=True),
    ImportField("phone", "Phone", multiple=True),
    ImportField("website", "Web address", multiple=True),
    ImportField("street", "Street", address=True),
    ImportField("street_2", "Street (second line)", address=True),
    ImportField("city", "City", address=True),
    ImportField("region", "State / region", address=True),
    ImportField("postal_code", "Postal code", address=True),
    ImportField("country", "Country", address=True),
    ImportField("birthday", "Birthday"),
    ImportField("birth_year", "Birth year"),
    ImportField("birth_month", "Birth month"),
    ImportField("birth_day", "Birth day"),
    ImportField("notes", "Notes", multiple=True),
    ImportField("tags", "Tags", multiple=True),
    ImportField("source", "Source"),
    ImportField("campaign", "Campaign"),
    ImportField("owner", "Owner"),
    ImportField("lifecycle_stage", "Lifecycle stage"),
    ImportField("lead_status", "Lead status"),
    ImportField("marketing_consent", "Marketing consent"),
    ImportField("consent_at", "Consent given on", fallback=True),  # a date: consent was given then
    ImportField("consent_how", "Consent given how"),
    ImportField("marketing_opt_out", "Opted out of marketing"),  # yes (or a date): no marketing consent
    ImportField("do_not_contact", "Do not contact"),
    ImportField("external_ref", "External reference"),
    ImportField("is_company", "Row is an organization"),  # Odoo's "Is a Company": the row becomes an organization
    ImportField("id", "CRM Desktop id"),
)
FIELD_BY_KEY: dict[str, ImportField] = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class ColumnMapping:
    """One column of the table feeding one field; emails and phones may carry a label ("work", "mobile").

    `label_column` names a second column whose cell holds the label (Google's "Phone 1 - Type"), and
    `group` ties address columns into one block ("work", "home"): a row keeps the first block it fills.
    """

    column: int
    field: str
    label: str | None = None
    label_column: int | None = None
    group: str = ""


@dataclass
class ContactRecord:
    """One row or card, read but not yet validated: text as found in the file."""

    number: int  # spreadsheet row (header = 1) or card number (first card = 1)
    values: dict[str, str] = field(default_factory=dict)  # single-valued fields (display_name, city, ...)
    emails: list[tuple[str, str | None]] = field(default_factory=list)  # (address, label) in file order
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    websites: list[tuple[str, str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    is_organization: bool = False  # a vCard describing a company, not a person
    error: str | None = None  # why the record could not be read at all
    warnings: list[str] = field(default_factory=list)  # what was left out while reading it


def field_keys() -> list[str]:
    """Every field name a mapping may use (plus "ignore")."""
    return [f.key for f in FIELDS] + [IGNORE]
