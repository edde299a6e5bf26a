"""Locale-aware dates, numbers and money (babel), configured once from the business settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_currency, format_decimal

from crm_desktop.services.settings import get_setting
from crm_desktop.services.workspace import Workspace


@dataclass(frozen=True)
class Formatter:
    """How this business writes dates and money; views share one instance per workspace."""

    locale: str = "en_GB"
    currency: str = "EUR"
    region: str = "GB"
    timezone: str = "UTC"
    business_name: str = "My Business"

    @classmethod
    def load(cls, db: Workspace) -> Formatter:
        """Read the shared settings; unknown locales or zones fall back to safe defaults."""
        with db.read_session() as session:
            values = {
                key: get_setting(session=session, key=key)
                for key in ("locale", "currency", "default_region", "timezone", "business_name")
            }
        locale = str(values["locale"])
        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            locale = cls.locale
        return cls(
            locale=locale,
            currency=str(values["currency"]),
            region=str(values["default_region"]),
            timezone=str(values["timezone"]),
            business_name=str(values["business_name"]),
        )

    @property
    def zone(self) -> tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def date(self, value: date | datetime | None, *, fmt: str = "medium") -> str:
        """A calendar date in the business time zone, e.g. '3 Mar 2025'."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date() if value.tzinfo else value.date()
        return babel_format_date(value, format=fmt, locale=self.locale)

    def moment(self, value: datetime | None) -> str:
        """A date and time of day in the business time zone, e.g. '3 Mar 2025 14:05'."""
        if value is None:
            return ""
        local = value.astimezone(self.zone) if value.tzinfo else value
        return f"{self.date(local)} {babel_format_time(local.time(), format='short', locale=self.locale)}"

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, cents: int | None, currency: str | None = None, *, whole: bool = False) -> str:
        """Minor units as money; `whole` drops the decimals for compact displays like card totals."""
        if cents is None:
            return ""
        amount = Decimal(cents) / 100
        code = currency or self.currency
        if not whole:
            return format_currency(amount, code, locale=self.locale)
        pattern = Locale.parse(self.locale).currency_formats["standard"].pattern.split(";")[0]
        pattern = pattern.replace(".00", "").replace(".##", "")
        return format_currency(
            amount.quantize(Decimal(1)), code, format=pattern, locale=self.locale, currency_digits=False
        )

    def count(self, n: int, singular: str, plural: str | None = None) -> str:
        """'1 contact', '1,234 contacts' with locale digit grouping."""
        word = singular if n == 1 else (plural or singular + "s")
        return f"{self.number(n)} {word}"
