"""Reading money and moments the way spreadsheets write them, for deal and purchase imports.

Amounts come as "1,234.50", "1.234,50", "€ 1 200" or "1200 USD"; they become integer minor units of their
currency, never floats. Dates come as ISO, as day/month/year or month/day/year with any separator, with
or without a time, or with English month names; a date without a time is taken at noon in the business
time zone, so it stays the same calendar day when read in any nearby zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Literal

from babel.numbers import get_currency_precision, list_currencies

DateOrder = Literal["dmy", "mdy"]
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy")
DATE_ORDER_LABELS = {"dmy": "day/month/year", "mdy": "month/day/year"}
NOON = time(12)
_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "₪": "ILS", "₽": "RUB", "zł": "PLN"}
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"})
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f'’]")
_NUMBER = re.compile(r"[0-9.,]+")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?)?"
_NUMERIC = re.compile(rf"(\d{{1,2}})([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}", re.IGNORECASE)
_YEAR_FIRST = re.compile(rf"(\d{{4}})[./](\d{{1,2}})[./](\d{{1,2}}){_TIME}", re.IGNORECASE)
_DAY_MONTH_NAME = re.compile(rf"(\d{{1,2}})[ .-]*([a-z]{{3,9}})\.?[ ,.-]*(\d{{4}}){_TIME}", re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(
    rf"([a-z]{{3,9}})\.?[ -]*(\d{{1,2}})(?:st|nd|rd|th)?,?[ -]*(\d{{4}}){_TIME}", re.IGNORECASE
)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_code(text: str) -> str | None:
    """An ISO 4217 code written as a code ("eur") or a symbol ("€"); None when it is neither."""
    value = text.strip()
    if value.upper() in _currencies():
        return value.upper()
    return _SYMBOLS.get(value)


def parse_amount(text: str, *, default_currency: str) -> tuple[Decimal, str | None]:
    """The amount in a cell and the currency it names, if any ("€ 1 200" → (1200, "EUR")).

    The decimal separator is the last of "," and "." when both occur; a lone separator followed by exactly
    three digits ("1,200", "1.200") groups thousands, otherwise it is the decimal point. Raises ValueError.
    """
    value = text.strip()
    if value.startswith("-") or (value.startswith("(") and value.endswith(")")) or "-" in value.lstrip("-"):
        raise ValueError(f"{text.strip()!r} is negative or not an amount")
    currency = None
    letters = re.findall(r"[A-Za-z]{3}", value)
    for word in letters:
        if word.upper() in _currencies():
            currency = word.upper()
            value = value.replace(word, " ")
    for symbol, code in _SYMBOLS.items():
        if symbol in value:
            currency = currency or code
            value = value.replace(symbol, " ")
    if "$" in value:
        currency = currency or (default_currency if default_currency in _DOLLARS else "USD")
        value = re.sub(r"[A-Z]{0,2}\$", " ", value)
    digits = _SPACES.sub("", value)
    if not digits or not _NUMBER.fullmatch(digits) or not any(ch.isdigit() for ch in digits):
        raise ValueError(f"{text.strip()!r} is not an amount")
    return _decimal(digits, text), currency


def _decimal(digits: str, original: str) -> Decimal:
    last_comma, last_dot = digits.rfind(","), digits.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        decimal_mark = "," if last_comma > last_dot else "."
    elif last_comma >= 0 or last_dot >= 0:
        mark = "," if last_comma >= 0 else "."
        tail = digits.rsplit(mark, 1)[1]
        grouping = digits.count(mark) > 1 or (len(tail) == 3 and digits.index(mark) > 0)
        if grouping and not _is_grouped(digits, "." if mark == "," else ","):
            raise ValueError(f"{original.strip()!r} is not an amount")
        decimal_mark = "" if grouping else mark
    else:
        decimal_mark = ""
    whole, _, fraction = digits.rpartition(decimal_mark) if decimal_mark else (digits, "", "")
    whole = whole.replace(",", "").replace(".", "")
    if decimal_mark and not _is_grouped(digits[: len(digits) - len(fraction) - 1], decimal_mark):
        raise ValueError(f"{original.strip()!r} is not an amount")
    try:
        return Decimal(f"{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        raise ValueError(f"{original.strip()!r} is not an amount") from None


def _is_grouped(whole: str, decimal_mark: str) -> bool:
    """The part before the decimal mark uses only the other mark, and only between digit groups of three."""
    other = "." if decimal_mark == "," else ","
    if decimal_mark in whole:
        return False
    groups = whole.split(other)
    return len(groups) == 1 or (all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3)


def minor_units(amount: Decimal, currency: str) -> int:
    """The amount in the currency's minor units (cents), rounded half up: EUR 12.345 → 1235, JPY 1200 → 1200."""
    places = get_currency_precision(currency)
    return int((amount * (10**places)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class DateReading:
    """How the dates of one file are read: day or month first, and whether that was a guess."""

    order: DateOrder
    guessed: bool = False  # the file only had ambiguous dates (03/04/2025): the order came from the region
    ambiguous_example: str | None = None

    def note(self, region: str) -> str | None:
        """A sentence for the report when the order was a guess; None otherwise."""
        if not self.guessed or self.ambiguous_example is None:
            return None
        other = "mdy" if self.order == "dmy" else "dmy"
        return (
            f"Dates such as {self.ambiguous_example} could be day/month or month/day; they were read as "
            f"{DATE_ORDER_LABELS[self.order]} (the business region is {region}). If that is wrong, import again "
            f"with --date-format {other}."
        )


def detect_date_order(texts: Iterable[str], *, fallback: DateOrder) -> DateReading:
    """The order the file's numeric dates use: 25/03/2025 proves day first, 03/25/2025 month first.

    Raises ValueError when the file holds both kinds; dotted dates (25.03.2025) are always day first and
    say nothing about the slashed ones.
    """
    day_first = month_first = ambiguous = None
    for text in texts:
        match = _NUMERIC.match(text.strip())
        if match is None or match[2] == ".":
            continue
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            day_first = day_first or text.strip()
        elif second > 12 >= first:
            month_first = month_first or text.strip()
        elif first <= 12 and second <= 12 and first != second:
            ambiguous = ambiguous or text.strip()
    if day_first and month_first:
        raise ValueError(
            f"the file mixes day/month dates ({day_first}) and month/day dates ({month_first}); "
            "choose one with --date-format dmy or mdy"
        )
    if day_first or month_first:
        return DateReading("dmy" if day_first else "mdy")
    return DateReading(fallback, guessed=ambiguous is not None, ambiguous_example=ambiguous)


def parse_moment(text: str, *, order: DateOrder, zone: tzinfo) -> tuple[datetime, bool]:
    """An aware UTC instant from a date or date-time cell, and whether the cell held a time of day.

    Times without an offset are in `zone` (the business time zone); a date alone is taken at noon there.
    Raises ValueError with a reason for text that is no date.
    """
    value = " ".join(text.strip().split())
    if not value:
        raise ValueError("it is empty")
    parsed = _iso(value) or _named(value, order)
    if parsed is None:
        raise ValueError(f"{value!r} is not a date")
    moment, has_time = parsed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC), has_time


def _iso(value: str) -> tuple[datetime, bool] | None:
    if not re.match(r"\d{4}-\d\d-\d\d", value) and not re.fullmatch(r"\d{8}", value):
        return None
    text = value.replace("Z", "+00:00").replace(" UTC", "+00:00")
    try:
        if len(text) <= 10:
            return datetime.combine(date.fromisoformat(text), NOON), False
        return datetime.fromisoformat(text), True
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None


def _named(value: str, order: DateOrder) -> tuple[datetime, bool] | None:
    """Numeric d/m/y or m/d/y (dots: always day first), y/m/d with slashes or dots, and month names."""
    match = _NUMERIC.fullmatch(value)
    if match:
        first, second = int(match[1]), int(match[3])
        day_first = order == "dmy" or match[2] == "."
        day, month = (first, second) if day_first else (second, first)
        if month > 12 and day <= 12 and match[2] != ".":
            label = DATE_ORDER_LABELS[order]
            raise ValueError(f"{value!r} is not a {label} date (choose the other --date-format if the file uses it)")
        return _build(_year(match[4]), month, day, match, 5, value)
    match = _YEAR_FIRST.fullmatch(value)
    if match:
        return _build(int(match[1]), int(match[2]), int(match[3]), match, 4, value)
    for pattern, day_group, month_group in ((_DAY_MONTH_NAME, 1, 2), (_MONTH_NAME_DAY, 2, 1)):
        match = pattern.fullmatch(value)
        if match and match[month_group][:3].casefold() in _MONTHS:
            month = _MONTHS[match[month_group][:3].casefold()]
            return _build(int(match[3]), month, int(match[day_group]), match, 4, value)
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 70 else 1900) if len(text) == 2 else year


def _build(year: int, month: int, day: int, match: re.Match[str], first_time: int, value: str) -> tuple[datetime, bool]:
    hour, minute, second, meridiem = (
        match[first_time],
        match[first_time + 1],
        match[first_time + 2],
        match[first_time + 3],
    )
    try:
        if hour is None:
            return datetime.combine(date(year, month, day), NOON), False
        h = int(hour)
        if meridiem:
            if not 1 <= h <= 12:
                raise ValueError
            h = h % 12 + (12 if meridiem.casefold().startswith("p") else 0)
        return datetime(year, month, day, h, int(minute), int(second or 0)), True
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date") from None
