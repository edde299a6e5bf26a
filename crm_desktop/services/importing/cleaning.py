"""Validating one read record into the values a contact (or organization) will get, with the same checks
as the contact dialog: a record that cannot become a contact raises ValidationError with the reason.

Lenient where address books are sloppy and nothing is lost: a phone number that cannot be read as a real
number is kept as written (in a phone channel, without an E.164 form) with a warning; an unknown country,
a birthday without a year or an unknown owner are left out with a warning. Strict where a value would be
wrong: a record whose only e-mail addresses are all malformed, or without any name, fails.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

import phonenumbers

from crm_desktop.domain import Contact, Organization
from crm_desktop.domain.enums import LeadStatus, LifecycleStage
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services.importing import formats
from crm_desktop.services.importing.emails import clean_email
from crm_desktop.services.importing.fields import ContactRecord

phonenumbers.enable_pattern_cache()  # keep its compiled metadata patterns: an import checks thousands of numbers
_TEXT = ("title", "city", "region", "postal_code", "source", "external_ref", "consent_how")
_NAMED_ADDRESS = re.compile(r"[^<>]*<\s*([^<>\s]+)\s*>\s*")  # John Doe <john@x.com>, "Doe, John" <john@x.com>
_URI_SCHEME = re.compile(r"(?:mailto|smtp|sip):", re.IGNORECASE)  # mailto:john@x.com, Exchange's SMTP:john@x.com
_EXTENSION = re.compile(r"(?:;\s*ext\s*=|\bext\.?|\bextension|\bx|#)\s*(\d{1,7})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Lookups:
    """What cleaning needs from the workspace: the phone region, date order, and team/campaign names."""

    region: str
    day_first: bool
    users: Mapping[str, uuid.UUID] = field(default_factory=dict)  # casefolded name or email → id
    campaigns: Mapping[str, uuid.UUID] = field(default_factory=dict)  # casefolded name → id
    tags: tuple[str, ...] = ()  # added to every imported contact
    source: str | None = None  # for new contacts whose record names none


@dataclass
class CleanContact:
    """A validated record: contact columns it sets, its organization's name and its labelled channels."""

    number: int
    fields: dict[str, Any]
    organization: str | None = None
    emails: list[tuple[str, str | None]] = field(default_factory=list)  # (normalized address, label)
    phones: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (value, E.164 or None, label)
    websites: list[tuple[str, str | None]] = field(default_factory=list)
    contact_id: uuid.UUID | None = None  # this app's own id, from its own export
    is_organization: bool = False
    derived_name: bool = False  # display_name was made from the names or e-mail, not read from the file
    warnings: list[str] = field(default_factory=list)

    @property
    def email_keys(self) -> list[str]:
        return [e.casefold() for e, _ in self.emails]

    @property
    def phone_keys(self) -> list[str]:
        return [p for _, p, _ in self.phones if p]


def scrub(text: str, *, multiline: bool = False) -> str:
    """Text without control characters (they break search and display); one line unless `multiline`."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)  # "é" typed on a Mac is two characters until normalized
    if text.isprintable():  # the common case, fast
        return " ".join(text.split())
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in kept):  # only invisible marks: blank
        return ""
    if multiline:
        return "\n".join(line.rstrip() for line in kept.replace("\t", " ").splitlines()).strip()
    return " ".join(kept.split())


def _scrubbed(record: ContactRecord) -> ContactRecord:
    def pairs(items: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        return [(scrub(value), label and scrub(label)) for value, label in items]

    clean = ContactRecord(record.number, is_organization=record.is_organization, warnings=record.warnings)
    clean.values = {k: scrub(v, multiline=k == "street") for k, v in record.values.items()}
    clean.emails, clean.phones, clean.websites = pairs(record.emails), pairs(record.phones), pairs(record.websites)
    clean.notes = [scrub(n, multiline=True) for n in record.notes]
    clean.tags = [scrub(t) for t in record.tags]
    return clean


def clean_record(record: ContactRecord, lookups: Lookups) -> CleanContact:
    """The contact values `record` gives; ValidationError (with a readable reason) when it cannot be one."""
    if record.error:
        raise ValidationError(record.error)
    record = _scrubbed(record)
    values = {k: v for k, v in record.values.items() if v}
    clean = CleanContact(record.number, {}, is_organization=record.is_organization, warnings=list(record.warnings))
    _names(clean, values)
    if values.get("is_company") and formats.is_company_flag(values["is_company"]):
        clean.is_organization = True  # Odoo lists companies and people together: the row is the company itself
        clean.organization = clean.fields.get("display_name") or clean.organization
    _emails(clean, record.emails)
    if not clean.fields.get("display_name") and not clean.is_organization:
        clean.fields["display_name"] = derive_display_name(clean.fields)
        clean.derived_name = True
    _phones(clean, record.phones, lookups.region)
    _websites(clean, record.websites)
    _address(clean, values)
    _birthday(clean, values, lookups.day_first)
    _crm_fields(clean, values, lookups)
    for key in _TEXT:
        if key in values:
            clean.fields[key] = _text(values[key], field=key, model=Contact)
    if "source" not in clean.fields and lookups.source:
        clean.fields["source"] = lookups.source
    notes = "\n\n".join(formats.plain_text(n) for n in record.notes if n)
    if notes:
        clean.fields["notes"] = notes
    _tags(clean, [*record.tags, *lookups.tags])
    if clean.is_organization:
        if not clean.organization:
            raise ValidationError("The card describes an organization but gives no name for it")
    elif not clean.fields.get("display_name"):
        raise ValidationError("No name and no e-mail address: a contact needs at least one of them")
    return clean


@cache
def _limit(model: type[Any], key: str) -> int | None:
    return v.max_length(model, key)


def _text(value: str, *, field: str, model: type[Any]) -> str | None:
    """`_validate.clean_text` for text, with each column's length limit looked up once per run."""
    text = value.strip()
    if not text:
        return None
    limit = _limit(model, field)
    if limit is not None and len(text) > limit:
        return v.clean_text(value, field=field, model=model)  # refuses it, in the shared wording
    return text


def _names(clean: CleanContact, values: Mapping[str, str]) -> None:
    given = " ".join(values[k].strip() for k in ("given_name", "middle_name") if values.get(k, "").strip())
    family = values.get("family_name", "")
    for key, text in (("given_name", given), ("family_name", family)):
        if text.strip():
            clean.fields[key] = _text(text, field=key, model=Contact)
    if values.get("organization", "").strip():
        clean.organization = _text(values["organization"], field="organization", model=Organization)
        if clean.organization and len(clean.organization) > 300:
            raise ValidationError("Organization is too long (at most 300 characters)", field="organization")
    display = values.get("display_name", "").strip()
    if display:
        clean.fields["display_name"] = _text(display, field="display_name", model=Contact)


def derive_display_name(fields: Mapping[str, Any]) -> str | None:
    """The name shown for a contact given no full name: first and last name, else the e-mail address."""
    name = " ".join(part for part in (fields.get("given_name"), fields.get("family_name")) if part)
    name = name or fields.get("email") or ""
    return name[:400] or None


def bare_address(text: str) -> str:
    """The address itself from the ways address books write one: "Jo <jo@x.com>", "mailto:jo@x.com", "<jo@x.com>"."""
    value = text.strip()
    named = _NAMED_ADDRESS.fullmatch(value)
    if named:
        value = named.group(1)
    if _URI_SCHEME.match(value):
        value = value.split(":", 1)[1].split("?", 1)[0].replace("%40", "@").strip()
    return value


def _emails(clean: CleanContact, emails: list[tuple[str, str | None]]) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for raw, label in emails:
        if raw.strip().lower().startswith("/o="):  # Outlook's internal Exchange address: no e-mail to keep
            clean.warnings.append(
                f"{raw.strip()[:60]!r} is an Exchange directory name, not an e-mail address; it was left out"
            )
            continue
        try:
            email = clean_email(bare_address(raw) if "@" in raw else raw)
        except ValidationError as exc:
            problems.append(str(exc))
            continue
        if email and email.casefold() not in seen:
            seen.add(email.casefold())
            clean.emails.append((email, _label(label)))
    if problems and not clean.emails:
        raise ValidationError(problems[0], field="email")
    clean.warnings.extend(f"{p.rstrip('.')}; it was left out" for p in problems)
    if clean.emails:
        clean.fields["email"] = clean.emails[0][0]


def _phones(clean: CleanContact, phones: list[tuple[str, str | None]], region: str) -> None:
    seen: set[str] = set()
    for raw, label in phones:
        text = raw.strip()
        if text.lower().startswith("tel:"):
            text = text[4:]
        if not text:
            continue
        if formats.spreadsheet_mangled(text):
            clean.warnings.append(f"phone {text[:20]!r} was shortened by a spreadsheet, its digits are lost; left out")
            continue
        e164 = _e164(text, region)
        key = e164 or text.casefold()
        if key in seen:
            continue
        seen.add(key)
        extension = _EXTENSION.search(text) if e164 else None
        if extension:
            clean.warnings.append(
                f"phone {text[:40]!r} was kept as {e164} without its extension {extension.group(1)}"
                " (phone numbers are stored without extensions)"
            )
        if e164 is None:
            if len(text) > 40:
                clean.warnings.append(f"phone {text[:20]!r}… is too long to be a number; it was left out")
                continue
            clean.warnings.append(f"phone {text!r} is not a valid number for region {region}; kept as written")
        clean.phones.append((e164 or text, e164, _label(label)))
    first_valid = next((p for _, p, _ in clean.phones if p), None)
    if first_valid:
        clean.fields["phone"] = first_valid


@lru_cache(maxsize=65_536)
def _e164(text: str, region: str) -> str | None:
    """The number in E.164, or None when it is not a valid one (cached: files repeat switchboard numbers)."""
    try:
        return v.clean_phone(text, region=region)
    except ValidationError:
        return None


def _websites(clean: CleanContact, websites: list[tuple[str, str | None]]) -> None:
    seen: set[str] = set()
    for raw, label in websites:
        url = formats.clean_website(raw)
        if url is None:
            clean.warnings.append(f"{raw.strip()[:60]!r} is not a web address; it was left out")
        elif url.casefold() not in seen:
            seen.add(url.casefold())
            clean.websites.append((url, _label(label)))


def _label(label: str | None) -> str | None:
    text = " ".join((label or "").split())[:40]
    return text or None


def _address(clean: CleanContact, values: Mapping[str, str]) -> None:
    lines = [values.get(k, "") for k in ("street", "street_2")]
    street = ", ".join(part.strip() for line in lines for part in line.splitlines() if part.strip())
    if street:
        clean.fields["street"] = _text(street, field="street", model=Contact)
    country = values.get("country", "").strip()
    if country:
        code = formats.country_code(country)
        if code is None:
            clean.warnings.append(f"country {country[:60]!r} is not one we know; it was left out")
        else:
            clean.fields["country"] = code


def _birthday(clean: CleanContact, values: Mapping[str, str], day_first: bool) -> None:
    try:
        if values.get("birthday"):
            text = values["birthday"]
            born = formats.parse_date(text, day_first=day_first)
        elif any(values.get(k) for k in ("birth_year", "birth_month", "birth_day")):
            parts = [values.get(k, "").strip() for k in ("birth_year", "birth_month", "birth_day")]
            text = "-".join(parts)
            born = formats.date_from_parts(*parts)
        else:
            return
    except ValueError as exc:
        reason = str(exc) if "year" in str(exc) else "it is not a date"
        clean.warnings.append(f"birthday {text[:30]!r} was left out: {reason}")
        return
    if born is not None and born > date.today():
        clean.warnings.append(f"birthday {born.isoformat()} is in the future; it was left out")
    elif born is not None:
        clean.fields["birthday"] = born


def _crm_fields(clean: CleanContact, values: Mapping[str, str], lookups: Lookups) -> None:
    """The fields only this app's own export (or a careful mapping) carries."""
    for key, read, vocabulary in (("lifecycle_stage", formats.lifecycle_stage, LifecycleStage),
                                  ("lead_status", formats.lead_status, LeadStatus)):  # fmt: skip
        if values.get(key):
            found = read(values[key])
            if found is None:
                choices = ", ".join(member.value for member in vocabulary)
                clean.warnings.append(
                    f"{key.replace('_', ' ')} {values[key][:40]!r} is not one of {choices}; it was left out"
                )
            else:
                clean.fields[key] = found
    for key, parse in (("marketing_consent", formats.parse_consent), ("do_not_contact", formats.parse_bool)):
        if values.get(key):
            flag = parse(values[key])
            if flag is None:
                clean.warnings.append(f"{key.replace('_', ' ')} {values[key][:20]!r} is not yes or no; left out")
            else:
                clean.fields[key] = flag
    _consent_dates(clean, values, lookups.day_first)
    for key, table, what in (("owner", lookups.users, "team member"), ("campaign", lookups.campaigns, "campaign")):
        name = values.get(key, "").strip()
        if name:
            found = table.get(name.casefold())
            if found is None:
                clean.warnings.append(f"there is no {what} called {name[:60]!r}; the {key} was left empty")
            else:
                clean.fields[f"{key}_id"] = found
    if values.get("id"):
        try:
            clean.contact_id = uuid.UUID(values["id"].strip())
        except ValueError:
            clean.warnings.append(f"{values['id'][:40]!r} is not a CRM Desktop id; it was ignored")


def _consent_dates(clean: CleanContact, values: Mapping[str, str], day_first: bool) -> None:
    """Mailchimp's OPTIN_TIME (consent given then) and Salesforce's "Email Opt Out" (no consent, whatever else)."""
    if values.get("consent_at") and clean.fields.get("marketing_consent") is not False:
        try:
            given = formats.parse_datetime(values["consent_at"], day_first=day_first)
        except ValueError:
            clean.warnings.append(f"consent date {values['consent_at'][:30]!r} is not a date; it was left out")
        else:
            if given is not None:
                clean.fields.update(marketing_consent=True, consent_at=given)
    if values.get("marketing_opt_out"):
        flag = formats.parse_bool(values["marketing_opt_out"])
        if flag is None:
            try:
                flag = formats.parse_datetime(values["marketing_opt_out"], day_first=day_first) is not None
            except ValueError:
                clean.warnings.append(f"opted out {values['marketing_opt_out'][:20]!r} is not yes or no; left out")
        if flag:
            clean.fields["marketing_consent"] = False
            clean.fields.pop("consent_at", None)


def _tags(clean: CleanContact, tags: list[str]) -> None:
    usable = []
    for tag in tags:
        if len(" ".join(tag.split())) > 60:
            clean.warnings.append(f"tag {tag[:20]!r}… is too long (at most 60 characters); it was left out")
        else:
            usable.append(tag)
    cleaned = v.clean_tags(usable)
    if cleaned:
        clean.fields["tags"] = cleaned
