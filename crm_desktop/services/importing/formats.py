"""Reading the loose text of address-book exports: country names, dates in many orders, yes/no, web addresses."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, date, datetime
from functools import cache, lru_cache

from babel import Locale

_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "u s a": "US", "u s": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "gbr": "GB", "deu": "DE", "fra": "FR", "esp": "ES", "ita": "IT",
    "nld": "NL", "che": "CH", "aut": "AT", "bel": "BE", "can": "CA", "aus": "AU", "irl": "IE", "holland": "NL",
    "the netherlands": "NL", "schweiz": "CH", "suisse": "CH", "osterreich": "AT", "turkey": "TR",
}  # fmt: skip
_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "pl", "nb", "fi", "cs", "hu", "ro", "tr", "el", "ru",
            "uk", "ja", "zh", "ko", "ar", "he")  # fmt: skip
_TRUE = frozenset({"yes", "y", "true", "t", "1", "x", "ja", "j", "oui", "si", "sí", "wahr", "on", "checked"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "nein", "non", "falsch", "off", "unchecked", ""})
_EMPTY_DATES = frozenset({"0/0/00", "00/00/0000", "0000-00-00", "00.00.0000", "1/0/00", "0/0/0000"})
# How mailing tools and shops write a marketing permission (Mailchimp, Pipedrive, Square, Shopify, HubSpot).
_CONSENTED = frozenset(
    {
        "subscribed",
        "opted in",
        "opt in",
        "optin",
        "confirmed",
        "granted",
        "consented",
        "accepted",
        "single opt in",
        "double opt in",
        "marketing contact",
        "abonniert",
        "angemeldet",
    }
)
_NOT_CONSENTED = frozenset(
    {
        "unsubscribed",
        "not subscribed",
        "no consent",
        "opted out",
        "opt out",
        "optout",
        "cleaned",
        "archived",
        "bounced",
        "revoked",
        "withdrawn",
        "declined",
        "never subscribed",
        "abgemeldet",
        "nicht abonniert",
    }
)
_MONTH_LOCALES = ("en", "de", "fr", "es", "it", "nl")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split()).replace("ö", "o").replace("é", "e")


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in _LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_key(name), code)
    names.update(_COUNTRY_ALIASES)
    return names


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The ISO code of a country written as a code or a name in a common language; None if unknown."""
    value = text.strip()
    if len(value) == 2 and value.isascii() and value.isalpha():
        code = "GB" if value.upper() == "UK" else value.upper()
        return code if code in _country_names().values() else None
    return _country_names().get(_key(value))


def parse_bool(text: str) -> bool | None:
    """Yes/no in the ways spreadsheets write it; None when it is neither."""
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def parse_consent(text: str) -> bool | None:
    """A marketing permission as yes/no or as a mailing tool's status ("subscribed", "no consent"); None if neither."""
    flag = parse_bool(text)
    if flag is not None:
        return flag
    value = " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
    return True if value in _CONSENTED else False if value in _NOT_CONSENTED else None


def _plain(text: str) -> str:
    """Lower case without accents: "März" → "marz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _month_numbers() -> dict[str, int]:
    """Month names and abbreviations in common languages, without dots or accents: "apr" → 4, "marz" → 3."""
    names: dict[str, int] = {}
    for locale in _MONTH_LOCALES:
        months = Locale.parse(locale).months["format"]
        for width in ("wide", "abbreviated"):
            for number, name in months[width].items():
                names.setdefault(_plain(name).strip("."), number)
    names.update({"sept": 9, "mrz": 3})
    return names


def _named_month_date(value: str) -> date | None:
    """ "April 12, 1985", "12 Apr 2023", "12. März 1985", "Apr-12-1985"; None when it is not written that way."""
    words = re.findall(r"[^\W\d_]+|\d+", _plain(value))
    months = [w for w in words if not w.isdigit()]
    numbers = [w for w in words if w.isdigit()]
    if len(months) != 1 or months[0] not in _month_numbers():
        return None
    month = _month_numbers()[months[0]]
    if len(numbers) == 1:
        raise ValueError("it has no year")
    if len(numbers) != 2:
        return None
    day, year = (numbers[0], numbers[1]) if len(numbers[1]) == 4 or len(numbers[0]) <= 2 else numbers[::-1]
    if len(year) != 4 and len(day) == 4:
        day, year = year, day
    return date(_full_year(year), month, int(day))


def parse_datetime(text: str, *, day_first: bool) -> datetime | None:
    """A moment from an export ("2023-04-12 09:31:22", "2023-04-12T09:31:22Z", a date alone) in UTC; None if empty.

    Times without a zone are taken as UTC (exports write them so); raises ValueError for text that is no date.
    """
    value = text.strip()
    if not value:
        return None
    iso = value.replace("Z", "+00:00").replace(" UTC", "+00:00")
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        day = parse_date(value, day_first=day_first)
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_date(text: str, *, day_first: bool) -> date | None:
    """A calendar date from ISO, compact, dotted or slashed forms; None for empty placeholders.

    Raises ValueError with a reason for text that is not a full date ("--0322" has no year).
    """
    value = text.strip()
    if not value or value in _EMPTY_DATES:
        return None
    if value.startswith("--") or re.match(r"0000-?\d\d-?\d\d", value):  # vCard's and Android's "no year"
        raise ValueError("it has no year")
    value = re.split(r"[T ]", value, maxsplit=1)[0] if re.match(r"\d{4}-?\d\d-?\d\d[T ]", value) else value
    if re.fullmatch(r"\d{8}", value):
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = re.fullmatch(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})", value)
    if match:
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
        dotted = match[2] == "."  # 22.03.1980 is always day first
        if dotted or first > 12 or (day_first and second <= 12):
            return date(year, second, first)
        return date(year, first, second)
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}\.?", value):  # Mailchimp's and Square's "04/12": no year
        raise ValueError("it has no year")
    named = _named_month_date(value)
    if named is not None:
        return named
    raise ValueError("it is not a date")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= date.today().year % 100 else 1900
    return year


def date_from_parts(year: str, month: str, day: str) -> date | None:
    """Thunderbird's birthday in three columns; None when all are empty."""
    if not (year or month or day):
        return None
    if not year.strip():
        raise ValueError("it has no year")
    return date(int(year), int(month or 1), int(day or 1))


def clean_website(text: str) -> str | None:
    """A web address with its scheme ("www.acme.com" → "https://www.acme.com"); None when it is not one."""
    value = text.strip().replace("\\:", ":").replace("\\,", ",")
    if not value or any(ch.isspace() for ch in value) or len(value) > 500:
        return None
    url = value if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", value) else f"https://{value}"
    host = url.split("://", 1)[1].split("/", 1)[0]
    return url if "." in host else None


def day_first_for(region: str) -> bool:
    """Whether 03/04/2020 means 3 April in this region (everywhere but the US, Canada and a few others)."""
    return region.upper() not in {"US", "CA", "PH", "FM", "MH", "PW", "BZ"}


# The stages and lead statuses other CRMs export, in this app's words (HubSpot, Salesforce, Zoho, Pipedrive).
_STAGES = {
    "subscriber": "subscriber", "newsletter subscriber": "subscriber",
    "lead": "lead", "new lead": "lead", "prospect": "lead", "marketing qualified lead": "lead", "mql": "lead",
    "sales qualified lead": "lead", "sql": "lead", "marketingqualifiedlead": "lead", "salesqualifiedlead": "lead",
    "opportunity": "opportunity", "customer": "customer", "client": "customer", "evangelist": "customer",
    "active customer": "customer", "churned": "churned", "former customer": "churned", "lost customer": "churned",
    "other": "other",
}  # fmt: skip
_STATUSES = {
    "open": "open", "new": "open", "not contacted": "open", "open not contacted": "open", "unassigned": "open",
    "contacted": "contacted", "in progress": "contacted", "working": "contacted", "working contacted": "contacted",
    "attempted to contact": "contacted", "connected": "contacted", "contact in future": "contacted",
    "nurturing": "contacted", "qualified": "qualified", "open deal": "qualified", "converted": "qualified",
    "closed converted": "qualified", "pre qualified": "qualified", "unqualified": "unqualified",
    "not qualified": "unqualified", "disqualified": "unqualified", "closed not converted": "unqualified",
    "junk lead": "unqualified", "lost lead": "unqualified",
}  # fmt: skip


def lifecycle_stage(text: str) -> str | None:
    """This app's lifecycle stage for a stage as CRMs export it ("Marketing Qualified Lead" → lead); None if unknown."""
    return _STAGES.get(" ".join(re.sub(r"[^\w]+", " ", text.casefold()).split()))


def lead_status(text: str) -> str | None:
    """This app's lead status for a status as CRMs export it ("Attempted to Contact" → contacted); None if unknown."""
    return _STATUSES.get(" ".join(re.sub(r"[^\w]+", " ", text.casefold()).split()))


def is_company_flag(text: str) -> bool | None:
    """Whether a row describes a company: yes/no, or Odoo's "Company Type" (company / individual)."""
    value = text.strip().casefold()
    if value in ("company", "organization", "organisation", "business"):
        return True
    if value in ("individual", "person", "contact"):
        return False
    return parse_bool(value)


_HTML_TAG = re.compile(r"</?(?:p|br|div|span|b|i|u|em|strong|ul|ol|li|a|font|h\d)\b[^>]*>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h\d)>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Notes some CRMs export as HTML ("<p>Met at the <b>fair</b></p>", Odoo) as plain lines; other text as it is."""
    if not _HTML_TAG.search(text):
        return text
    lines = _HTML_TAG.sub("", _HTML_BREAK.sub("\n", text))
    return html.unescape("\n".join(line.strip() for line in lines.splitlines() if line.strip()))


def spreadsheet_mangled(text: str) -> bool:
    """A number a spreadsheet shortened ("4.91711E+11"): its digits are lost, so it is no phone number."""
    return re.fullmatch(r"[+-]?\d(?:[.,]\d+)?E\+?\d{1,2}", text.strip(), re.IGNORECASE) is not None
