"""Reading the loose text of address-book exports: country names, dates in many orders, yes/no, web addresses."""

from __future__ import annotations

import re
from datetime import date
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
