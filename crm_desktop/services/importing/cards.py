"""One parsed vCard (a vobject component) turned into a `ContactRecord`: names, organization, labelled
e-mails, phones and web addresses, the preferred address, birthday, notes and categories.

A card describes an organization rather than a person when it says so (KIND:org in vCard 4.0, Apple's
X-ABShowAs:COMPANY) or when it names an organization and no person. A contact group (KIND:group, or Apple's
and DAVx5's X-ADDRESSBOOKSERVER-KIND:group) is no contact at all: it becomes a failed record saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crm_desktop.services.importing.fields import ContactRecord

_PHONE_TYPES = {"cell": "mobile", "mobile": "mobile", "iphone": "mobile", "work": "work", "home": "home",
                "fax": "fax", "pager": "pager", "main": "main", "car": "car", "other": "other"}  # fmt: skip
_EMAIL_TYPES = {"work": "work", "home": "home", "other": "other", "school": "school"}
_URL_TYPES = {"work": "work", "home": "home"}
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_SYSTEM_CATEGORIES = frozenset({"my contacts", "mycontacts", "starred in android", "starred"})
_NOT_LABELS = frozenset({"x-internet", "x-voice", "x-pref"})


def _text(value: Any) -> str:
    """vobject gives a string, or a list of strings for comma-separated parts."""
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if _text(v))
    return " ".join(str(value or "").split()) if "\n" not in str(value or "") else str(value).strip()


def _children(card: Any, name: str) -> list[Any]:
    return [child for child in card.getChildren() if child.name == name]


def _types(child: Any) -> list[str]:
    types: list[str] = []
    for key in ("TYPE",):
        for value in child.params.get(key, []):
            types.extend(part.strip().strip('"').lower() for part in str(value).split(",") if part.strip())
    types.extend(str(p).lower() for p in getattr(child, "singletonparams", []))
    return types


def _preferred_first(children: list[Any]) -> list[Any]:
    def rank(child: Any) -> int:
        pref = child.params.get("PREF", [])
        if pref:
            try:
                return int(str(pref[0]))
            except ValueError:
                return 1
        return 0 if "pref" in _types(child) else 1000

    return sorted(children, key=rank)


def _group_labels(card: Any) -> dict[str, str]:
    """Apple's item1.X-ABLabel:_$!<Mobile>!$_ names the property of group item1."""
    labels = {}
    for child in _children(card, "X-ABLABEL"):
        text = _text(child.value).removeprefix("_$!<").removesuffix(">!$_").strip()
        if child.group and text:
            labels[child.group.lower()] = text.lower()
    return labels


def _label(child: Any, known: dict[str, str], groups: dict[str, str]) -> str | None:
    if child.group and child.group.lower() in groups:
        return groups[child.group.lower()]
    types = _types(child)
    found = [known[t] for t in types if t in known]
    if "fax" in found and len(found) > 1:
        return " ".join(dict.fromkeys([f for f in found if f != "fax"] + ["fax"]))
    if not found:  # Android writes a custom label as an extended type: TEL;X-Summer house:...
        found = [t[2:].strip() for t in types if t.startswith("x-") and t not in _NOT_LABELS and t[2:].strip()]
    return found[0] if found else None


def _labelled(card: Any, name: str, known: dict[str, str], groups: dict[str, str]) -> list[tuple[str, str | None]]:
    values = []
    for child in _preferred_first(_children(card, name)):
        text = _text(child.value)
        if text:
            values.append((text, _label(child, known, groups)))
    return values


def _first(card: Any, name: str) -> Any | None:
    children = _children(card, name)
    return children[0].value if children else None


def _organization(card: Any) -> str:
    value = _first(card, "ORG")
    if isinstance(value, list | tuple):
        return _text(value[0]) if value else ""
    return _text(value or "")


def _person(card: Any) -> tuple[str, str, str]:
    """(given names, family name, full name) of the card."""
    given = family = ""
    name = _first(card, "N")
    if name is not None and hasattr(name, "given"):
        given = " ".join(p for p in (_text(name.given), _text(name.additional)) if p)
        family = _text(name.family)
    elif isinstance(name, str):  # a card vobject could not structure: "Family;Given;..."
        parts = name.split(";")
        family, given = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
    full = _text(_first(card, "FN") or "")
    return given, family, full


def _is_organization(card: Any, given: str, family: str, full: str, organization: str) -> bool:
    kind = _text(_first(card, "KIND") or "").lower()
    if kind in ("org", "organization"):
        return True
    if _text(_first(card, "X-ABSHOWAS") or "").upper() == "COMPANY":
        return bool(organization or full)
    no_person = not given and not family and (not full or full.casefold() == organization.casefold())
    return bool(organization) and no_person


def _group_name(card: Any) -> str | None:
    """The name of a contact group card (vCard 4.0 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND:group)."""
    kinds = {_text(_first(card, key) or "").lower() for key in ("KIND", "X-ADDRESSBOOKSERVER-KIND")}
    if "group" not in kinds:
        return None
    return _text(_first(card, "FN") or "") or "without a name"


def _birthday(card: Any) -> str:
    """BDAY as written; Apple marks a birthday without a year with X-APPLE-OMIT-YEAR=1604 and year 1604."""
    children = _children(card, "BDAY")
    if not children:
        return ""
    text = _text(children[0].value or "")
    omitted = [str(y).strip() for y in children[0].params.get("X-APPLE-OMIT-YEAR", [])]
    if omitted and omitted[0] and text.startswith(omitted[0]):
        return "--" + text[len(omitted[0]) :].lstrip("-")
    return text


def _address(card: Any, record: ContactRecord) -> None:
    addresses = _preferred_first(_children(card, "ADR"))
    if not addresses:
        return
    adr = addresses[0].value
    if not hasattr(adr, "street"):
        return
    streets = [_text(adr.street), _text(adr.extended)] if adr.street else [_text(adr.box), _text(adr.extended)]
    parts = {
        "street": "\n".join(s for s in streets if s), "city": _text(adr.city), "region": _text(adr.region),
        "postal_code": _text(adr.code), "country": _text(adr.country),
    }  # fmt: skip
    record.values.update({k: v for k, v in parts.items() if v})


def _categories(card: Any) -> Iterable[str]:
    for child in _children(card, "CATEGORIES"):
        values = child.value if isinstance(child.value, list | tuple) else [child.value]
        for value in values:
            for part in str(value).split(","):
                tag = part.strip()
                if tag and tag.casefold() not in _SYSTEM_CATEGORIES:
                    yield tag


def record_from_card(number: int, card: Any) -> ContactRecord:
    """The record one vobject vCard component gives."""
    group = _group_name(card)
    if group is not None:
        return ContactRecord(number, error=f"the card is a contact group ({group[:60]}), not a person; not imported")
    given, family, full = _person(card)
    organization = _organization(card)
    record = ContactRecord(number)
    record.is_organization = _is_organization(card, given, family, full, organization)
    if record.is_organization:
        record.values["organization"] = organization or full
    else:
        names = {"given_name": given, "family_name": family, "display_name": full, "organization": organization}
        record.values.update({k: v for k, v in names.items() if v})
        title = _text(_first(card, "TITLE") or "")
        if title:
            record.values["title"] = title
    groups = _group_labels(card)
    record.emails = _labelled(card, "EMAIL", _EMAIL_TYPES, groups)
    record.phones = _labelled(card, "TEL", _PHONE_TYPES, groups)
    record.websites = _labelled(card, "URL", _URL_TYPES, groups)
    _address(card, record)
    birthday = _birthday(card)
    if birthday:
        record.values["birthday"] = birthday
    record.notes = [_text(child.value) for child in _children(card, "NOTE") if _text(child.value)]
    record.tags = list(_categories(card))
    uid = _text(_first(card, "UID") or "")
    if uid and len(uid) <= 200:
        record.values["external_ref"] = uid
        bare = uid.removeprefix("urn:uuid:")
        if _UUID.fullmatch(bare):  # perhaps this app's own id (its vCard export writes urn:uuid:<id>)
            record.values["id"] = bare
    return record
