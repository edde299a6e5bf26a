"""Exports (DESIGN §7): contacts as CSV and vCard 4.0, and the whole workspace as a JSON Lines archive."""

from crm_desktop.services.exporting.csv_export import export_contacts_csv
from crm_desktop.services.exporting.vcard_export import export_contacts_vcard
from crm_desktop.services.exporting.workspace_jsonl import export_workspace, import_workspace

__all__ = ["export_contacts_csv", "export_contacts_vcard", "export_workspace", "import_workspace"]
