"""Reading and writing the business settings declared in crm_desktop.domain.config.

`set_setting` only checks a value's type (code and tests store what they need); what a person types goes
through `clean_setting` / `update_settings`, which check and normalise each value the way the app reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from crm_desktop.domain import Setting
from crm_desktop.domain.config import SETTINGS, SettingDef
from crm_desktop.domain.enums import CasePriority
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v

PAPER_SIZES = ("A4", "Letter")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_CHECKLIST_ITEMS = 50
_PICTURE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def get_setting(*, session: Session, key: str) -> Any:
    """The stored value of a business setting, or its declared default."""
    definition = _definition(key)
    row = session.exec(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None))).first()  # type: ignore[union-attr]
    return definition.default if row is None or row.value is None else row.value


def set_setting(*, session: Session, key: str, value: Any) -> None:
    """Store a business setting (journaled like any shared record)."""
    definition = _definition(key)
    if not isinstance(value, definition.kind) or (definition.kind is int and isinstance(value, bool)):
        raise ValidationError(f"{definition.label} must be a {definition.kind.__name__}", field=key)
    row = session.exec(select(Setting).where(Setting.key == key, Setting.deleted_at.is_(None))).first()  # type: ignore[union-attr]
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    session.flush()


def read_settings(*, session: Session, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Several settings at once (all declared ones by default), defaults filled in."""
    return {key: get_setting(session=session, key=key) for key in (keys or tuple(SETTINGS))}


def update_settings(*, session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check every value first, then store those that differ from what is stored; returns what was written.

    All or nothing: one bad value stores none. Phones are read with the region being saved alongside, if any.
    """
    if "default_region" in values:
        region = str(clean_setting("default_region", values["default_region"], region=""))
    else:
        region = str(get_setting(session=session, key="default_region"))
    cleaned = {key: clean_setting(key, value, region=region) for key, value in values.items()}
    written: dict[str, Any] = {}
    for key, value in cleaned.items():
        if get_setting(session=session, key=key) != value:
            set_setting(session=session, key=key, value=value)
            written[key] = value
    return written


def clean_setting(key: str, value: Any, *, region: str) -> Any:
    """The value as it would be stored, or a ValidationError (its field is the setting's key) saying what is wrong.

    `region` is the default phone region used to read a local business phone number.
    """
    definition = _definition(key)
    check = _CHECKS.get(key)
    if check is None:
        if not isinstance(value, definition.kind):
            raise ValidationError(f"{definition.label} must be a {definition.kind.__name__}", field=key)
        return value
    return check(key, value, region)


def display_phone(value: str, *, region: str) -> str:
    """A stored business phone as people write it: national format at home, international abroad."""
    return v.format_phone(value, region)


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes a business can price in today (legal tender somewhere), from babel's data."""
    from babel import Locale
    from babel.numbers import get_territory_currencies

    codes: set[str] = set()
    for territory in Locale("en").territories:
        if len(territory) == 2 and territory.isalpha():
            codes.update(get_territory_currencies(territory))
    return frozenset(codes)


@cache
def time_zones() -> frozenset[str]:
    """Every IANA time zone name this computer knows."""
    from zoneinfo import available_timezones

    return frozenset(available_timezones()) | {"UTC"}


@cache
def phone_regions() -> frozenset[str]:
    """Two-letter country codes phone numbers can be read for."""
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


# --- the checks, one per setting people edit -------------------------------------------------------


def _text(limit: int, *, required: bool = False) -> Callable[[str, Any, str], str]:
    def check(key: str, value: Any, _region: str) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"{v.label_of(key)} must be text", field=key)
        lines = [line.rstrip() for line in value.strip().splitlines()]
        text = "\n".join(lines).strip()
        if required and not text:
            raise ValidationError(f"{v.label_of(key)} is required", field=key)
        if len(text) > limit:
            raise ValidationError(f"{v.label_of(key)} is too long (at most {limit} characters)", field=key)
        return text

    return check


def _whole(minimum: int, maximum: int) -> Callable[[str, Any, str], int]:
    def check(key: str, value: Any, _region: str) -> int:
        return v.check_int(value, field=key, minimum=minimum, maximum=maximum)

    return check


def _email(key: str, value: Any, _region: str) -> str:
    return v.clean_email(_as_text(key, value), field=key) or ""


def _phone(key: str, value: Any, region: str) -> str:
    return v.clean_phone(_as_text(key, value), region=region, field=key) or ""


def _logo(key: str, value: Any, _region: str) -> str:
    text = _as_text(key, value).strip()
    if not text:
        return ""
    path = Path(text).expanduser()
    if path.suffix.lower() not in LOGO_SUFFIXES:
        raise ValidationError("The logo must be a PNG or JPEG picture", field=key)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        raise ValidationError(f"The logo {str(path)!r} cannot be read (was it moved or deleted?)", field=key) from None
    if not head.startswith(_PICTURE_SIGNATURES):
        raise ValidationError(f"{path.name!r} is not a PNG or JPEG picture", field=key)
    return str(path.resolve())


def _currency(key: str, value: Any, _region: str) -> str:
    code = v.check_currency(value, field=key)
    if code not in currency_codes():
        raise ValidationError(f"{code} is not a currency in use today; choose one from the list", field=key)
    return code


def _locale(key: str, value: Any, _region: str) -> str:
    from babel import Locale, UnknownLocaleError

    text = _as_text(key, value).strip().replace("-", "_")
    try:
        return str(Locale.parse(text))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(f"{text!r} is not a language and country such as en_GB or de_DE", field=key) from None


def _timezone(key: str, value: Any, _region: str) -> str:
    text = _as_text(key, value).strip()
    if text not in time_zones():
        raise ValidationError(f"{text!r} is not a time zone; choose one such as Europe/London", field=key)
    return text


def _region_code(key: str, value: Any, _region: str) -> str:
    code = v.check_country(value, field=key)
    if code is None or code not in phone_regions():
        raise ValidationError("Choose the country whose phone numbers you dial without a country code", field=key)
    return code


def _paper(key: str, value: Any, _region: str) -> str:
    for size in PAPER_SIZES:
        if isinstance(value, str) and value.strip().casefold() == size.casefold():
            return size
    raise ValidationError(f"Paper size must be {' or '.join(PAPER_SIZES)}", field=key)


def _sla(key: str, value: Any, _region: str) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise ValidationError("Case SLA hours must give hours for each priority", field=key)
    hours: dict[str, int] = {}
    for priority in CasePriority:
        given = value.get(priority.value)
        if not isinstance(given, int) or isinstance(given, bool) or not 1 <= given <= 8760:
            name = priority.value.capitalize()
            raise ValidationError(f"{name} priority cases need a response time of 1 to 8760 hours", field=key)
        hours[priority.value] = given
    return hours


def _checklist(key: str, value: Any, _region: str) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise ValidationError("The onboarding checklist must be a list of tasks", field=key)
    if len(value) > MAX_CHECKLIST_ITEMS:
        raise ValidationError(f"The onboarding checklist can hold at most {MAX_CHECKLIST_ITEMS} tasks", field=key)
    items: list[dict[str, Any]] = []
    for number, item in enumerate(value, start=1):
        given = item.get("title") if isinstance(item, Mapping) else None
        days = item.get("due_days", 0) if isinstance(item, Mapping) else None
        title = " ".join(given.split()) if isinstance(given, str) else ""
        if not title:
            raise ValidationError(f"Onboarding task {number} needs a title", field=key)
        if len(title) > 300:
            raise ValidationError(f"Onboarding task {number}: the title is too long (at most 300)", field=key)
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3650:
            raise ValidationError(f"Onboarding task {number}: days after the win must be 0 to 3650", field=key)
        items.append({"title": title, "due_days": days})
    return items


def _as_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{v.label_of(key)} must be text", field=key)
    return value


_CHECKS: dict[str, Callable[[str, Any, str], Any]] = {
    "business_name": _text(200, required=True),
    "business_address": _text(1000),
    "business_email": _email,
    "business_phone": _phone,
    "business_logo": _logo,
    "quote_validity_days": _whole(1, 3650),
    "quote_terms": _text(4000),
    "currency": _currency,
    "locale": _locale,
    "timezone": _timezone,
    "default_region": _region_code,
    "paper_size": _paper,
    "churn_inactivity_days": _whole(1, 3650),
    "points_per_currency_unit": _whole(0, 10_000),
    "points_expiry_days": _whole(0, 36_500),
    "case_sla_hours": _sla,
    "onboarding_checklist": _checklist,
}


def _definition(key: str) -> SettingDef:
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError(f"unknown setting {key!r}", field=key) from None
