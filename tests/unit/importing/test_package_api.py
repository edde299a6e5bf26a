"""The import package's public face: every CSV import is reachable from the package, and no module leans on
another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import crm_desktop.services.importing as importing
from crm_desktop.services.importing import deal_writer, deals, organizations_csv, purchases_csv, table_import

PACKAGE = Path(importing.__file__).parent
SHARED_HELPERS = {"_validate", "_common"}  # the services' own helper modules, meant for every service


def test_every_csv_import_is_offered_by_the_package() -> None:
    assert (importing.DealPlan, importing.run_deal_import, importing.DEAL_FIELDS) == (
        deals.DealPlan, deal_writer.run_deal_import, deals.DEAL_FIELDS,
    )  # fmt: skip
    assert (importing.OrganizationPlan, importing.run_organization_import, importing.ORGANIZATION_FIELDS) == (
        organizations_csv.OrganizationPlan, organizations_csv.run_organization_import,
        organizations_csv.ORGANIZATION_FIELDS,
    )  # fmt: skip
    assert (importing.PurchasePlan, importing.run_purchase_import, importing.PURCHASE_FIELDS) == (
        purchases_csv.PurchasePlan, purchases_csv.run_purchase_import, purchases_csv.PURCHASE_FIELDS,
    )  # fmt: skip
    assert importing.TableReport is table_import.TableReport
    assert all(hasattr(importing, name) for name in importing.__all__)


def test_no_module_imports_a_private_name_from_another() -> None:
    private = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crm_desktop"):
                names = [a.name for a in node.names if a.name.startswith("_") and a.name not in SHARED_HELPERS]
                private += [f"{path.name}: {name} from {node.module}" for name in names]
    assert private == []
