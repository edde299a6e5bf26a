"""Column mappings recognised from a CSV header: Google, Outlook, Thunderbird and this app's own export.

A preset lists header patterns and the field each feeds, in priority order: the first email or phone
column that holds a value becomes the contact's primary one. `detect_preset` picks the preset whose
signature columns the header has; `suggest_mapping` falls back to a guess for unknown files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.contact_csv import CONTACT_CSV_COLUMNS
from crm_desktop.services.importing.fields import FIELD_BY_KEY, IGNORE, ColumnMapping, field_keys
from crm_desktop.services.importing.guess import guess_field, guess_mapping


@dataclass(frozen=True)
class Entry:
    """Columns matching `pattern` (a full, case-insensitive regex) feed `field`.

    `label_column` is a template for the column holding the label ("E-mail {n} - Type", where {n} is the
    pattern's first group); `group` (which may use {n} too) ties address columns into one block.
    """

    pattern: str
    field: str
    label: str | None = None
    label_column: str | None = None
    group: str = ""


@dataclass(frozen=True)
class Preset:
    """A known export format: how to recognise its header and how its columns map to contact fields."""

    name: str
    label: str
    required: frozenset[str]  # lower-cased headers that must all be present
    any_of: frozenset[str]  # ... and at least one of these (empty: no further condition)
    entries: tuple[Entry, ...]

    def matches(self, headers: list[str]) -> bool:
        names = {h.casefold() for h in headers}
        return self.required <= names and (not self.any_of or bool(self.any_of & names))

    def mapping(self, headers: list[str]) -> list[ColumnMapping]:
        """The columns of `headers` this preset knows, in the preset's priority order."""
        by_name = {h.casefold(): i for i, h in reversed(list(enumerate(headers)))}
        used: set[int] = set()
        result: list[ColumnMapping] = []
        for entry in self.entries:
            regex = re.compile(entry.pattern, re.IGNORECASE)
            hits = [(i, m) for i, h in enumerate(headers) if (m := regex.fullmatch(h)) and i not in used]
            hits.sort(key=lambda hit: _index_of(hit[1]))
            for column, match in hits:
                used.add(column)
                if entry.field == IGNORE:
                    continue
                n = match.group(1) if match.groups() else ""
                label_column = by_name.get(entry.label_column.format(n=n).casefold()) if entry.label_column else None
                group = entry.group.format(n=n)
                result.append(ColumnMapping(column, entry.field, entry.label, label_column, group))
        return result

    def known_columns(self, headers: list[str]) -> set[int]:
        """The columns this preset has an entry for (mapped or deliberately ignored)."""
        regexes = [re.compile(entry.pattern, re.IGNORECASE) for entry in self.entries]
        return {i for i, h in enumerate(headers) if any(regex.fullmatch(h) for regex in regexes)}


def _index_of(match: re.Match[str]) -> int:
    """E-mail 2 after E-mail 1; unnumbered columns first."""
    groups = [g for g in match.groups() if g and g.isdigit()]
    return int(groups[0]) if groups else 0


def _e(pattern: str, field: str, label: str | None = None, label_column: str | None = None, group: str = "") -> Entry:
    return Entry(pattern, field, label, label_column, group)


_ADDRESS_PARTS = (("Street", "street"), ("Extended Address", "street_2"), ("City", "city"), ("Region", "region"),
                  ("Postal Code", "postal_code"), ("Country", "country"))  # fmt: skip
_GOOGLE_SHARED = (
    _e("Birthday", "birthday"),
    _e("Notes", "notes"),
    _e(r"E-mail (\d+) - Value", "email", label_column="E-mail {n} - Type"),
    _e(r"Phone (\d+) - Value", "phone", label_column="Phone {n} - Type"),
    *(_e(rf"Address (\d+) - {header}", field, group="{n}") for header, field in _ADDRESS_PARTS),
    _e(r"Website (\d+) - Value", "website", label_column="Website {n} - Type"),
)
GOOGLE_OLD = Preset(
    "google", "Google Contacts",
    frozenset({"given name", "family name"}),
    frozenset({"e-mail 1 - value", "phone 1 - value", "group membership", "organization 1 - name"}),
    (
        _e("Name", "display_name"), _e("Given Name", "given_name"), _e("Additional Name", "middle_name"),
        _e("Family Name", "family_name"), _e("Organization 1 - Name", "organization"),
        _e("Organization 1 - Title", "title"), _e("Group Membership", "tags"), *_GOOGLE_SHARED,
    ),
)  # fmt: skip
GOOGLE_NEW = Preset(
    "google", "Google Contacts",
    frozenset({"first name", "last name"}),
    frozenset({"e-mail 1 - value", "phone 1 - value", "organization name", "labels"}),
    (
        _e("First Name", "given_name"), _e("Middle Name", "middle_name"), _e("Last Name", "family_name"),
        _e("Organization Name", "organization"), _e("Organization Title", "title"), _e("Labels", "tags"),
        *(Entry(e.pattern, e.field, e.label, e.label_column.replace("Type", "Label"), e.group)
          if e.label_column else e for e in _GOOGLE_SHARED),
    ),
)  # fmt: skip


def _outlook_address(prefix: str, group: str) -> tuple[Entry, ...]:
    return (
        _e(f"{prefix} Street", "street", group=group), _e(rf"{prefix} Street [23]", "street_2", group=group),
        _e(f"{prefix} City", "city", group=group), _e(f"{prefix} State", "region", group=group),
        _e(f"{prefix} Postal Code", "postal_code", group=group),
        _e(f"{prefix} Country(/Region)?", "country", group=group),
    )  # fmt: skip


OUTLOOK = Preset(
    "outlook", "Microsoft Outlook",
    frozenset({"first name", "last name"}),
    frozenset({"e-mail address", "business phone", "mobile phone", "company"}),
    (
        _e("Title", IGNORE),  # Outlook's "Title" is Mr./Ms.; the job title is "Job Title"
        _e("First Name", "given_name"), _e("Middle Name", "middle_name"), _e("Last Name", "family_name"),
        _e("Company", "organization"), _e("Job Title", "title"),
        _e(r"E-mail( (\d))? Address", "email"),
        _e("Primary Phone", "phone"), _e("Business Phone", "phone", "work"), _e("Mobile Phone", "phone", "mobile"),
        _e("Home Phone", "phone", "home"), _e("Business Phone 2", "phone", "work"),
        _e("Home Phone 2", "phone", "home"), _e("Company Main Phone", "phone", "work"),
        _e("Other Phone", "phone", "other"), _e("Car Phone", "phone", "car"),
        _e("Assistant's Phone", "phone", "assistant"), _e("Business Fax", "phone", "work fax"),
        _e("Home Fax", "phone", "home fax"), _e("Other Fax", "phone", "fax"), _e("Pager", "phone", "pager"),
        *_outlook_address("Business", "work"), *_outlook_address("Home", "home"),
        *_outlook_address("Other", "other"),
        _e("Web Page", "website", "work"), _e("Personal Web Page", "website", "home"),
        _e("Birthday", "birthday"), _e("Notes", "notes"), _e("Categories", "tags"),
    ),
)  # fmt: skip


def _thunderbird_address(prefix: str, group: str) -> tuple[Entry, ...]:
    return (
        _e(f"{prefix} Address", "street", group=group), _e(f"{prefix} Address 2", "street_2", group=group),
        _e(f"{prefix} City", "city", group=group), _e(f"{prefix} State", "region", group=group),
        _e(f"{prefix} ZipCode", "postal_code", group=group), _e(f"{prefix} Country", "country", group=group),
    )  # fmt: skip


THUNDERBIRD = Preset(
    "thunderbird", "Mozilla Thunderbird",
    frozenset({"first name", "last name"}),
    frozenset({"primary email", "mobile number", "display name"}),
    (
        _e("First Name", "given_name"), _e("Last Name", "family_name"), _e("Display Name", "display_name"),
        _e("Primary Email", "email"), _e("Secondary Email", "email"),
        _e("Work Phone", "phone", "work"), _e("Mobile Number", "phone", "mobile"),
        _e("Home Phone", "phone", "home"), _e("Fax Number", "phone", "fax"), _e("Pager Number", "phone", "pager"),
        *_thunderbird_address("Work", "work"), *_thunderbird_address("Home", "home"),
        _e("Job Title", "title"), _e("Organization", "organization"),
        _e("Web Page 1", "website", "work"), _e("Web Page 2", "website", "home"),
        _e("Birth Year", "birth_year"), _e("Birth Month", "birth_month"), _e("Birth Day", "birth_day"),
        _e("Notes", "notes"),
    ),
)  # fmt: skip

_OWN_FIELDS = {"created_at": IGNORE, "updated_at": IGNORE}
CRM = Preset(
    "crm", "CRM Desktop",
    frozenset({"display_name", "given_name", "family_name"}),
    frozenset(),
    (
        *(_e(column, _OWN_FIELDS.get(column, column)) for column in CONTACT_CSV_COLUMNS),
        _e(r"email_(\d+)", "email"), _e(r"phone_(\d+)", "phone"),
    ),
)  # fmt: skip

PRESETS: tuple[Preset, ...] = (CRM, GOOGLE_OLD, GOOGLE_NEW, OUTLOOK, THUNDERBIRD)
PRESET_NAMES: tuple[str, ...] = ("google", "outlook", "thunderbird", "crm")


def detect_preset(headers: list[str]) -> Preset | None:
    """The known format this header comes from, or None (then guess the mapping)."""
    candidates = [p for p in PRESETS if p.matches(headers)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (len(p.mapping(headers)), -PRESETS.index(p)))


def preset_named(name: str, headers: list[str]) -> Preset:
    """The preset called `name` (google, outlook, thunderbird, crm) that best fits these headers."""
    choices = [p for p in PRESETS if p.name == name.casefold()]
    if not choices:
        raise ValidationError(f"unknown preset {name!r}; choose one of {', '.join(PRESET_NAMES)}", field="preset")
    return max(choices, key=lambda p: (p.matches(headers), len(p.mapping(headers))))


def suggest_mapping(headers: list[str], preset: str | None = None) -> tuple[Preset | None, list[ColumnMapping]]:
    """The mapping to start from: the named or detected preset's, or a guess from the header names."""
    chosen = preset_named(preset, headers) if preset else detect_preset(headers)
    if chosen is None:
        return None, guess_mapping(headers)
    return chosen, with_guesses(chosen, headers, chosen.mapping(headers))


def with_guesses(preset: Preset, headers: list[str], mapping: list[ColumnMapping]) -> list[ColumnMapping]:
    """The preset's mapping plus the columns it does not know whose header plainly names a field ("Email" or
    "Work Street" in a file that otherwise looks like Outlook's), so a near-miss header loses no column.

    Only plain readings count, no near spellings; columns about a channel ("E-mail Display Name", "Phone 1 -
    Label") stay out; a single field (or address part of a block) the preset already fills stays as it is, and a
    display name is not taken from a column such as "File As" when the preset maps the name's parts.
    """
    known = preset.known_columns(headers)
    filled = {(m.field, m.group if FIELD_BY_KEY[m.field].address else "") for m in mapping}
    if {"given_name", "family_name"} & {m.field for m in mapping}:
        filled.add(("display_name", ""))
    extra: list[ColumnMapping] = []
    for column, header in enumerate(headers):
        guess = None if column in known else guess_field(header, fuzzy=False)
        if guess is None:
            continue
        key, label = guess
        spec = FIELD_BY_KEY[key]
        group = label if spec.address and label in _GROUP_LABELS else ""
        if (key, group) in filled and not (spec.multiple or spec.fallback):
            continue
        filled.add((key, group))
        extra.append(ColumnMapping(column, key, label if spec.multiple else None, None, group))
    return mapping + extra


_GROUP_LABELS = frozenset({"work", "home", "other"})


def override_mapping(
    headers: list[str], mapping: list[ColumnMapping], overrides: list[tuple[str, str, str | None]]
) -> list[ColumnMapping]:
    """`mapping` with some columns, named by header, mapped by hand: (header, field or "ignore", label).

    Hand-mapped columns come first, so a hand-mapped e-mail or phone becomes the primary one.
    """
    by_name = {h.casefold(): i for i, h in reversed(list(enumerate(headers)))}
    chosen: list[ColumnMapping] = []
    columns: set[int] = set()
    for header, field, label in overrides:
        column = by_name.get(" ".join(header.split()).casefold())
        if column is None:
            raise ValidationError(
                f"there is no column called {header!r} (the columns are: {', '.join(headers)[:300]})", field="mapping"
            )
        if field != IGNORE and field not in FIELD_BY_KEY:
            raise ValidationError(f"{field!r} is not a contact field; choose one of {', '.join(field_keys())}")
        columns.add(column)
        if field != IGNORE:
            chosen.append(ColumnMapping(column, field, label if FIELD_BY_KEY[field].multiple else None))
    return chosen + [m for m in mapping if m.column not in columns]


def describe_mapping(headers: list[str], mapping: list[ColumnMapping]) -> str:
    """ "E-Mail → email, Firma → organization": what a mapping does, for a terminal or a log."""
    return ", ".join(f"{headers[m.column]} → {m.field}{f' ({m.label})' if m.label else ''}" for m in mapping)
