"""What differs between the deal, organization and purchase CSV imports in the GUI: fields, plan, runner, texts.

The services word some messages for the command line ("import with --create-missing"); `gui_words`
rewrites those phrases into the wizard's own option names, so a message never names a flag the user
cannot see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_desktop.services.errors import ValidationError
from crm_desktop.services.importing import deal_writer, organizations_csv, purchases_csv
from crm_desktop.services.importing.deals import DATE_FIELDS, DEAL_FIELDS, DealPlan
from crm_desktop.services.importing.table_import import TableField, TableReport, guess_columns
from crm_desktop.services.importing.tables import SourceTable
from crm_desktop.services.importing.values import DateOrder

CREATE_MISSING = "Create missing pipelines and stages"
MATCH_STAGES = "Match stage names…"
DAY_FIRST, MONTH_FIRST = "Day first", "Month first"
_GUI_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"Map stage names with --stage-map '?NAME=STAGE'?,? or import with --create-missing to add them",
         f"Match stage names with “{MATCH_STAGES}”, or tick “{CREATE_MISSING}” to add them"),
        (r"map it with --stage-map '?NAME=STAGE'? or import with --create-missing",
         f"match it with “{MATCH_STAGES}”, or tick “{CREATE_MISSING}” to add it"),
        (r"rename them in the file, or on the command line map them with --stage-map '?NAME=STAGE'?",
         f"choose other stages with “{MATCH_STAGES}”"),
        (r"import with --create-missing", f"tick “{CREATE_MISSING}”"),
        (r"leave the pipeline column out \(--map ignore=COLUMN\)", "set the pipeline column to “Don't import”"),
        (r"import again with --date-format dmy", f"choose “{DAY_FIRST}” under Dates and check again"),
        (r"import again with --date-format mdy", f"choose “{MONTH_FIRST}” under Dates and check again"),
        (r"choose one with --date-format dmy or mdy", f"choose “{DAY_FIRST}” or “{MONTH_FIRST}” under Dates"),
        (r"choose the other --date-format", "choose the other date order under Dates"),
        (r"map one with --map", "choose it for one of the columns"),
    )
)  # fmt: skip


def gui_words(text: str) -> str:
    """A service message with its command-line hints put in the wizard's words."""
    for pattern, replace in _GUI_WORDS:
        text = pattern.sub(replace, text)
    return text


@dataclass(frozen=True)
class TableChoices:
    """The options the user picked (each kind reads the ones it has)."""

    on_match: str
    date_format: DateOrder | None = None
    create_missing: bool = False
    award_points: bool = False
    stage_map: Mapping[str, str] = field(default_factory=dict)  # the file's stage name → ours (deals)


@dataclass(frozen=True)
class TableKind:
    """One kind of table import: its fields and how the wizard words, plans and runs it."""

    key: str  # "deals", "organizations", "purchases"
    title: str  # window title
    plural: str  # "deals"
    fields: tuple[TableField, ...]
    run: Callable[..., TableReport]  # as run_deal_import: (db, source, plan, *, dry_run, progress, ...)
    make_plan: Callable[[dict[str, int], TableChoices], Any]
    on_match: tuple[tuple[str, str], ...]  # (choice, radio text); the first is the default
    match_question: str
    match_hint: str
    file_hint: str
    after_note: str
    date_fields: tuple[str, ...] = ()
    create_missing: bool = False
    award_points: bool = False
    guess: Callable[[SourceTable], dict[str, int]] | None = None  # reads the cells too; else the header names

    def guess_columns(self, source: SourceTable) -> dict[str, int]:
        """Field → column, as the command line guesses it for the same file."""
        return self.guess(source) if self.guess is not None else guess_columns(source.headers, self.fields)

    def missing(self, mapping: Mapping[str, int]) -> str | None:
        """What must still be mapped before the file can be checked, as a sentence; None when nothing."""
        labels = [f.label for f in self.fields if f.required and f.key not in mapping]
        if labels:
            return f"Choose the column that holds the {' and the '.join(labels).lower()}."
        if self.key == "purchases" and "contact_email" not in mapping and "contact_name" not in mapping:
            return "Choose the column that holds the customer's e-mail or name."
        return None


def _runner(module: Any, name: str) -> Callable[..., TableReport]:
    """Calls the service by its module attribute (looked up per run) and puts its messages in GUI words."""

    def run(*args: Any, **kwargs: Any) -> TableReport:
        try:
            report: TableReport = getattr(module, name)(*args, **kwargs)
        except ValidationError as exc:
            raise ValidationError(gui_words(str(exc)), field=exc.field) from None
        report.failed = [(n, _sentence(gui_words(reason))) for n, reason in report.failed]
        report.warnings = [(n, _sentence(gui_words(reason))) for n, reason in report.warnings]
        report.notes = [gui_words(note) for note in report.notes]
        return report

    return run


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _deal_plan(mapping: dict[str, int], choices: TableChoices) -> DealPlan:
    return DealPlan(
        mapping=mapping, date_format=choices.date_format, create_missing=choices.create_missing,
        on_match="create" if choices.on_match == "create" else "skip", award_points=choices.award_points,
        stage_map=dict(choices.stage_map),
    )  # fmt: skip


def _organization_plan(mapping: dict[str, int], choices: TableChoices) -> organizations_csv.OrganizationPlan:
    on_match = choices.on_match if choices.on_match in ("update", "skip", "create") else "update"
    return organizations_csv.OrganizationPlan(mapping=mapping, on_match=on_match)  # type: ignore[arg-type]


def _purchase_plan(mapping: dict[str, int], choices: TableChoices) -> purchases_csv.PurchasePlan:
    return purchases_csv.PurchasePlan(
        mapping=mapping, date_format=choices.date_format, award_points=choices.award_points,
        on_match="create" if choices.on_match == "create" else "skip",
    )  # fmt: skip


_UNDO = "An import is not a step of Edit → Undo: it is written in one go, in bulk. "
KINDS: dict[str, TableKind] = {
    "deals": TableKind(
        key="deals", title="Import deals", plural="deals", fields=DEAL_FIELDS,
        run=_runner(deal_writer, "run_deal_import"), make_plan=_deal_plan,
        on_match=(("skip", "Leave it out"), ("create", "Import it again")),
        match_question="When a deal is already here:",
        match_hint="The same title, created the same day.",
        file_hint="A CSV file of deals, open, won and lost: a Pipedrive or HubSpot export, or a spreadsheet "
        "with a title, stage, value and dates on each row.",
        after_note=_UNDO + "The deals are on the Pipeline tab; ones you do not want can be deleted there (they go "
        "to the Trash). Won deals also recorded a purchase for their customer.",
        date_fields=DATE_FIELDS, create_missing=True, award_points=True, guess=deal_writer.guess_deal_columns,
    ),
    "organizations": TableKind(
        key="organizations", title="Import organizations", plural="organizations",
        fields=organizations_csv.ORGANIZATION_FIELDS,
        run=_runner(organizations_csv, "run_organization_import"), make_plan=_organization_plan,
        on_match=(("update", "Update it with the file's values"), ("skip", "Leave it as it is"),
                  ("create", "Add a new organization anyway")),
        match_question="When an organization is already here:",
        match_hint="Matched by external reference, then by name.",
        file_hint="A CSV file of companies: a CRM export or a spreadsheet with a name on each row.",
        after_note=_UNDO + "New organizations you do not want can be moved to the Trash from the Organizations "
        "list; changes to existing ones are listed in their History.",
    ),
    "purchases": TableKind(
        key="purchases", title="Import purchases", plural="purchases", fields=purchases_csv.PURCHASE_FIELDS,
        run=_runner(purchases_csv, "run_purchase_import"), make_plan=_purchase_plan,
        on_match=(("skip", "Leave it out"), ("create", "Import it again")),
        match_question="When a purchase is already recorded:",
        match_hint="The same customer, day and amount.",
        file_hint="A CSV file of sales: a shop's order export or a spreadsheet with the customer, date and "
        "amount on each row. Customers not found by e-mail or name are added.",
        after_note=_UNDO + "The purchases are listed on each customer's page; customers the import added can be "
        "moved to the Trash from the Contacts tab.",
        date_fields=("date",), award_points=True,
    ),
}  # fmt: skip


def kind_named(key: str) -> TableKind:
    """The kind for "deals", "organizations" or "purchases"; ValueError for anything else."""
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"{key!r} is not a table import; choose one of {', '.join(KINDS)}") from None
