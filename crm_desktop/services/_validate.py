"""Input checks shared by the service modules: text, email, phone, tags, vocabularies, references.

Each check raises `ValidationError` with the offending field named and a sentence a user can read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import phonenumbers
import pydantic
from annotated_types import MaxLen
from sqlmodel import Session, SQLModel, col, select

from crm_desktop.domain import CustomFieldDef
from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services._common import get_live

M = TypeVar("M", bound=pydantic.BaseModel)


def parse_input(model: type[M], values: Mapping[str, Any]) -> M:
    """Build an input model, turning pydantic's complaints into one readable ValidationError."""
    unknown = sorted(set(values) - set(model.model_fields))
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0])
    try:
        return model.model_validate(dict(values))
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else None
        label = field.replace("_", " ").capitalize() if field else "A value"
        raise ValidationError(f"{label}: {error['msg'].lower()}", field=field) from None


def label_of(field: str) -> str:
    return field.replace("_", " ").capitalize()


def max_length(model: type[SQLModel], field: str) -> int | None:
    """The column's declared maximum length (SQLite does not enforce it, PostgreSQL does)."""
    info = model.model_fields.get(field)
    if info is None:
        return None
    for item in info.metadata:
        if isinstance(item, MaxLen):
            return item.max_length
    return None


def clean_text(value: Any, *, field: str, model: type[SQLModel] | None = None, required: bool = False) -> str | None:
    """Trimmed text or None when blank; too long or missing (when required) is refused."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValidationError(f"{label_of(field)} must be text", field=field)
    if not text:
        if required:
            raise ValidationError(f"{label_of(field)} is required", field=field)
        return None
    limit = max_length(model, field) if model is not None else None
    if limit is not None and len(text) > limit:
        raise ValidationError(f"{label_of(field)} is too long (at most {limit} characters)", field=field)
    return text


def require_text(value: Any, *, field: str, model: type[SQLModel] | None = None) -> str:
    """Trimmed text that must not be blank."""
    text = clean_text(value, field=field, model=model, required=True)
    assert text is not None  # clean_text raised otherwise
    return text


def clean_email(value: str | None, *, field: str = "email") -> str | None:
    """The normalized address, or None when blank; a malformed address is refused."""
    text = (value or "").strip()
    if not text:
        return None
    from email_validator import EmailNotValidError, validate_email  # 30 ms to import: not at every start

    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"{text!r} is not a valid email address: {exc}", field=field) from None


def clean_phone(value: str | None, *, region: str, field: str = "phone") -> str | None:
    """The number in E.164 form (+4420...), read with the business's default region when local."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"{text!r} is not a valid phone number (add the country code, e.g. +44, for numbers abroad)",
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None, region: str) -> str:
    """A stored number for display: national format at home, international format abroad."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region.upper() or None)
    except phonenumbers.NumberParseException:
        return e164
    if not phonenumbers.is_possible_number(number):
        return e164
    home = phonenumbers.region_code_for_number(number) == region.upper()
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def clean_tags(values: Iterable[Any] | None, *, field: str = "tags") -> list[str]:
    """Tags trimmed, blanks dropped, duplicates (ignoring case) removed, first spelling kept."""
    tags: list[str] = []
    seen: set[str] = set()
    for value in values or ():
        if not isinstance(value, str):
            raise ValidationError("Tags must be text", field=field)
        tag = " ".join(value.split())
        if len(tag) > 60:
            raise ValidationError(f"Tag {tag[:20]!r}… is too long (at most 60 characters)", field=field)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def check_choice(value: Any, vocabulary: type[StrEnum], *, field: str) -> str:
    """A value from a closed vocabulary (given as its string), or a message listing the choices."""
    allowed = [member.value for member in vocabulary]
    if value not in allowed:
        raise ValidationError(f"{label_of(field)} must be one of {', '.join(allowed)} (got {value!r})", field=field)
    return str(value)


def check_optional_choice(value: Any, vocabulary: type[StrEnum], *, field: str) -> str | None:
    """Like `check_choice`, but None (not chosen) is allowed."""
    return None if value is None else check_choice(value, vocabulary, field=field)


def check_country(value: Any, *, field: str = "country") -> str | None:
    """A two-letter ISO country code, upper-cased."""
    text = clean_text(value, field=field)
    if text is None:
        return None
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise ValidationError("Country must be a two-letter code such as GB, DE or US", field=field)
    return text.upper()


def check_ref(session: Session, model: type[Any], row_id: uuid.UUID | None, *, field: str, what: str) -> None:
    """A referenced record must exist and not be in the Trash (no foreign keys do this for us)."""
    if row_id is None:
        return
    try:
        get_live(session, model, row_id, what=what)
    except NotFound:
        message = f"The {what.lower()} chosen does not exist (it may have been deleted)"
        raise ValidationError(message, field=field) from None


def check_int(value: Any, *, field: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number within bounds (booleans are not numbers here)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{label_of(field)} must be a whole number", field=field)
    if minimum is not None and value < minimum:
        raise ValidationError(f"{label_of(field)} must be at least {minimum}", field=field)
    if maximum is not None and value > maximum:
        raise ValidationError(f"{label_of(field)} must be at most {maximum}", field=field)
    return value


def check_currency(value: Any, *, field: str = "currency") -> str:
    """An ISO 4217 code: three letters, upper-cased."""
    if not isinstance(value, str) or len(value.strip()) != 3 or not value.strip().isalpha():
        raise ValidationError("Currency must be a three-letter code such as EUR, GBP or USD", field=field)
    return value.strip().upper()


def check_paging(*, offset: int, limit: int) -> None:
    check_int(offset, field="offset", minimum=0)
    check_int(limit, field="limit", minimum=0)


def check_sort(sort: str, keys: Iterable[str]) -> None:
    allowed = tuple(keys)
    if sort not in allowed:
        raise ValidationError(f"cannot sort by {sort!r}; choose one of {', '.join(allowed)}", field="sort")


def like_pattern(search: str) -> str:
    """A LIKE pattern matching `search` anywhere, with %, _ and the escape character taken literally."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def check_custom(session: Session, *, entity: str, custom: Mapping[str, Any] | None) -> dict[str, Any]:
    """Custom values must be declared for the entity and match their declared type."""
    values = dict(custom or {})
    if not values:
        return {}
    defs = {
        d.key: d
        for d in session.exec(
            select(CustomFieldDef).where(CustomFieldDef.entity == entity, col(CustomFieldDef.deleted_at).is_(None))
        )
    }
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        definition = defs.get(key)
        if definition is None:
            raise ValidationError(f"{key!r} is not a custom field of {entity}s; add it first", field="custom")
        if value is None or value == "":
            continue
        cleaned[key] = _custom_value(definition, value)
    return cleaned


def _custom_value(definition: CustomFieldDef, value: Any) -> Any:
    kind, label = definition.field_type, definition.label
    ok = True
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind in ("bool", "checkbox"):
        ok = isinstance(value, bool)
    elif kind == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            ok = False
    elif kind == "choice":
        ok = value in definition.choices
    elif kind == "text":
        ok = isinstance(value, str)
    if not ok:
        raise ValidationError(f"{label}: {value!r} is not a valid {kind}", field="custom")
    return value
