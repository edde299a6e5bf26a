"""Contacts import (DESIGN §7): CSV and vCard files into contacts, organizations and their channels.

The API, in the order a wizard or the command line uses it:

- `read_source(path, format=None)` → `SourceTable` (CSV: headers, rows, encoding, delimiter) or `CardFile`
  (vCard: one `ContactRecord` per card). `read_table` and `read_vcards` read one format. A file that is no
  readable table or vCard at all raises `ValidationError` with one clear sentence.
- `detect_preset(headers)` → the `Preset` (Google, Outlook, Thunderbird, CRM Desktop) the header comes from;
  `suggest_mapping(headers, preset=None)` → (preset, [ColumnMapping]) falling back to `guess_mapping`,
  a fuzzy guess from header words in several languages. `FIELDS` lists what a column can map to.
- `ImportPlan(mapping, on_match="update"|"skip"|"create", region, tags, source)`;
  `preview(session=..., source=..., plan=..., limit=50)` → the first records as they would arrive (or fail).
- `run_import(db, source, plan, dry_run=False, progress=None, should_cancel=None)` → `ImportReport`
  (created, updated, unchanged, skipped, failed [(row or card number, reason)], warnings), all in one
  transaction: Cancel (`Cancelled`) or any error leaves nothing behind; a dry run writes nothing.
  `import_contacts(session=..., ...)` does the same inside a caller's transaction (a larger unit of work).

Organizations, deals and purchases come from CSV the same way, each with its fields, plan and runner:
`ORGANIZATION_FIELDS`, `OrganizationPlan`, `run_organization_import`; `DEAL_FIELDS`, `DealPlan`, `run_deal_import`;
`PURCHASE_FIELDS`, `PurchasePlan`, `run_purchase_import` — each returning a `TableReport`.
"""

from crm_desktop.services.importing.deal_writer import run_deal_import
from crm_desktop.services.importing.deals import DEAL_FIELDS, DealPlan
from crm_desktop.services.importing.fields import (
    FIELD_BY_KEY,
    FIELDS,
    IGNORE,
    ON_MATCH_CHOICES,
    ColumnMapping,
    ContactRecord,
    ImportField,
    OnMatch,
)
from crm_desktop.services.importing.guess import guess_field, guess_mapping
from crm_desktop.services.importing.organizations_csv import (
    ORGANIZATION_FIELDS,
    OrganizationPlan,
    run_organization_import,
)
from crm_desktop.services.importing.presets import (
    PRESET_NAMES,
    PRESETS,
    Preset,
    detect_preset,
    preset_named,
    suggest_mapping,
)
from crm_desktop.services.importing.preview import PreviewRow, preview
from crm_desktop.services.importing.purchases_csv import PURCHASE_FIELDS, PurchasePlan, run_purchase_import
from crm_desktop.services.importing.report import ImportReport
from crm_desktop.services.importing.runner import (
    ImportPlan,
    Source,
    import_contacts,
    read_source,
    records_of,
    run_import,
)
from crm_desktop.services.importing.table_import import TableReport
from crm_desktop.services.importing.tables import SourceTable, read_table
from crm_desktop.services.importing.vcards import CardFile, read_vcards

__all__ = [
    "DEAL_FIELDS", "FIELDS", "FIELD_BY_KEY", "IGNORE", "ON_MATCH_CHOICES", "ORGANIZATION_FIELDS", "PRESETS",
    "PRESET_NAMES", "PURCHASE_FIELDS",
    "CardFile", "ColumnMapping", "ContactRecord", "DealPlan", "ImportField", "ImportPlan", "ImportReport", "OnMatch",
    "OrganizationPlan", "Preset", "PreviewRow", "PurchasePlan", "Source", "SourceTable", "TableReport",
    "detect_preset", "guess_field", "guess_mapping", "import_contacts", "preset_named", "preview", "read_source",
    "read_table", "read_vcards", "records_of", "run_deal_import", "run_import", "run_organization_import",
    "run_purchase_import", "suggest_mapping",
]  # fmt: skip
