"""The personal-data report for a data-subject access request: everything held about one person, readable.

Fed the plain dictionary `services.privacy.contact_data` builds (this layer never queries); laid out like the
other reports (DejaVu Sans, business name in the header, "Page n of m"), tables repeating their header row.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crm_desktop.reports.fonts import ReportFonts, register_fonts
from crm_desktop.reports.layout import (
    EDGE,
    FAINT,
    INK,
    MARGIN,
    MID,
    Formatter,
    PageDecor,
    Styles,
    numbered_canvas,
    page_size,
    table_style,
)
from crm_desktop.reports.sections import titled

TITLE = "Personal data held"
Row = Mapping[str, Any]
Column = tuple[str, Callable[[Row], Any], float]  # header, cell value, share of the width
RECORD_NAMES = {
    "contact": "Contact", "contact_channel": "Email/phone", "deal": "Deal", "deal_line": "Deal item",
    "deal_stage_change": "Deal stage", "support_case": "Case", "case_event": "Case event", "activity": "Activity",
    "task": "Task", "purchase": "Purchase", "purchase_line": "Purchase item", "subscription": "Subscription",
    "points_entry": "Points", "referral": "Referral", "feedback": "Feedback", "lead_status_change": "Lead status",
    "lifecycle_change": "Lifecycle",
}  # fmt: skip
DETAILS = (
    ("Name", "display_name"), ("Given name", "given_name"), ("Family name", "family_name"), ("Job title", "title"),
    ("Organization", "organization"), ("Email", "email"), ("Phone", "phone"), ("Street", "street"),
    ("Postal code", "postal_code"), ("City", "city"), ("Region", "region"), ("Country", "country"),
    ("Birthday", "birthday"), ("Tags", "tags"), ("Notes", "notes"), ("Custom fields", "custom"),
    ("Lifecycle stage", "lifecycle_stage"), ("Lead status", "lead_status"), ("Source", "source"),
    ("Campaign", "campaign"), ("Owner", "owner"), ("External reference", "external_ref"),
    ("Created", "created_at"), ("Last changed", "updated_at"), ("Moved to the Trash", "deleted_at"),
)  # fmt: skip
CONSENT = (
    ("Marketing consent", "marketing_consent"), ("Consent given", "consent_at"), ("How", "consent_how"),
    ("Do not contact", "do_not_contact"),
)  # fmt: skip


def build_contact_data_pdf(
    *, out: Path, data: Mapping[str, Any], business_name: str, paper_size: str = "A4", locale: str = "en_GB"
) -> Path:
    """Write the report to `out` (through a temporary file, so a failure never leaves half a PDF)."""
    fonts = register_fonts()
    styles = Styles.create(fonts)
    fmt = Formatter.create(locale, "EUR")
    size = page_size(paper_size)
    name = str(data["contact"].get("display_name") or "")
    story = _Story(data, fmt, styles, fonts, size[0] - 2 * EDGE).build(business_name)
    decor = PageDecor(fonts, business_name, TITLE, name, fmt.day(date.today()))
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        doc = SimpleDocTemplate(
            str(temporary), pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN, title=f"{TITLE}: {name}", author=business_name, creator="CRM Desktop",
        )  # fmt: skip
        doc.build(story, onFirstPage=decor.draw, onLaterPages=decor.draw, canvasmaker=numbered_canvas(fonts))
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return out


class _Story:
    """Builds the flowables: details first, then one table per kind of record, then the change history."""

    def __init__(self, data: Mapping[str, Any], fmt: Formatter, styles: Styles, fonts: ReportFonts, width: float):
        self.data, self.fmt, self.styles, self.fonts, self.width = data, fmt, styles, fonts, width
        self.empty: list[str] = []
        self.deal_titles = {d["id"]: d["title"] for d in data.get("deals", [])}
        self.case_refs = {c["id"]: c["reference"] for c in data.get("cases", [])}
        self.purchase_days = {p["id"]: p["occurred_at"] for p in data.get("purchases", [])}
        self.purchase_currency = {p["id"]: p["currency"] for p in data.get("purchases", [])}

    def build(self, business_name: str) -> list[Flowable]:
        """Every flowable of the report, in reading order."""
        contact, s = self.data["contact"], self.styles
        story: list[Flowable] = [
            Paragraph(escape(f"Personal data we hold about {contact.get('display_name') or 'this contact'}"), s.title),
            Paragraph(
                escape(
                    f"Prepared by {business_name} on {self.fmt.day(date.today())} in answer to a request for access "
                    "to personal data (GDPR Article 15). It lists every record CRM Desktop holds about this person, "
                    "records in the Trash included, and the history of changes to them. Times are in UTC. "
                    f"Contact ID: {contact['id']}."
                ),
                s.subtitle,
            ),
            *titled("Contact details", None, self._pairs(contact, DETAILS), s, rows=len(DETAILS)),
            *titled("Consent", None, self._pairs(contact, CONSENT), s, rows=len(CONSENT)),
        ]
        for title, key, columns, intro in self._sections():
            story += self._section(title, self.data.get(key, []), columns, intro)
        if self.empty:
            story += [Spacer(1, 4 * mm), Paragraph(escape("Nothing recorded: " + ", ".join(self.empty) + "."), s.body)]
        return story

    def _sections(self) -> list[tuple[str, str, list[Column], str | None]]:
        f, when, day = self.fmt, self._when, self._day
        balance = f"Points balance today: {f.count(int(self.data.get('points_balance') or 0))}."
        return [
            ("Duplicates merged into this contact", "merged_contacts",
             [("Name", _get("display_name"), 3), ("Email", _get("email"), 3), ("Phone", _get("phone"), 2),
              ("Created", lambda r: when(r["created_at"]), 2.6)], None),
            ("Other emails, phones and profiles", "channels",
             [("Kind", _get("kind"), 1.3), ("Label", _get("label"), 1.5), ("Value", _get("value"), 4),
              ("Added", lambda r: when(r["created_at"]), 2.6)], None),
            ("Deals", "deals",
             [("Title", _get("title"), 4), ("Stage", _get("stage"), 2), ("Status", _get("status"), 1.2),
              ("Value", lambda r: self._money(r["value_cents"], r["currency"]), 1.8),
              ("Created", lambda r: day(r["created_at"]), 1.8)], None),
            ("Deal stage history", "deal_stage_changes",
             [("When", lambda r: when(r["at"]), 2.6), ("Deal", lambda r: self.deal_titles.get(r["deal_id"]), 4),
              ("From", _get("from_stage"), 2), ("To", _get("to_stage"), 2)], None),
            ("Support cases", "cases",
             [("Case", _get("reference"), 1.5), ("Subject", _get("subject"), 4), ("Status", _get("status"), 1.3),
              ("Priority", _get("priority"), 1.3), ("Opened", lambda r: when(r["opened_at"]), 2.6)], None),
            ("Case history", "case_events",
             [("When", lambda r: when(r["at"]), 2.6), ("Case", lambda r: self.case_refs.get(r["case_id"]), 1.5),
              ("Event", _get("kind"), 1.5), ("Detail", _event_detail, 5)], None),
            ("Calls, emails, meetings and notes", "activities",
             [("When", lambda r: when(r["occurred_at"]), 2.6), ("Kind", _get("kind"), 1.2),
              ("Subject", _get("subject"), 3), ("Notes", _get("body"), 4)], None),
            ("Tasks", "tasks",
             [("Due", lambda r: day(r["due_at"]), 1.8), ("Task", _get("title"), 4), ("Notes", _get("notes"), 3),
              ("Done", lambda r: day(r["done_at"]), 1.8)], None),
            ("Purchases", "purchases",
             [("Date", lambda r: day(r["occurred_at"]), 2), ("Amount", lambda r: self._money(r["amount_cents"],
              r["currency"]), 2), ("Channel", _get("channel"), 2), ("Note", _get("note"), 4)], None),
            ("Items bought", "purchase_lines",
             [("Date", lambda r: day(self.purchase_days.get(r["purchase_id"])), 2), ("Item", _get("description"), 5),
              ("Quantity", _get("quantity"), 1.2), ("Unit price", lambda r: self._money(r["unit_price_cents"],
              self.purchase_currency.get(r["purchase_id"])), 2)], None),
            ("Subscriptions", "subscriptions",
             [("Plan", _get("plan"), 3), ("Per month", lambda r: self._money(r["monthly_amount_cents"],
              r["currency"]), 2), ("Started", lambda r: day(r["started_at"]), 2),
              ("Cancelled", lambda r: day(r["cancelled_at"]), 2), ("Reason", _get("cancel_reason"), 3)], None),
            ("Loyalty points", "points",
             [("When", lambda r: when(r["at"]), 2.6), ("Points", _get("delta"), 1.2), ("Reason", _get("reason"), 1.8),
              ("Expires", lambda r: day(r["expires_at"]), 2), ("Note", _get("note"), 4)], balance),
            ("Referrals", "referrals",
             [("When", lambda r: when(r["at"]), 2.6), ("Status", _get("status"), 2),
              ("Role", lambda r: "referrer" if r["referrer_id"] == self.data["contact"]["id"] else "referred", 2)],
             None),
            ("Feedback", "feedback",
             [("When", lambda r: when(r["at"]), 2.6), ("Kind", _get("kind"), 1.2), ("Score", _get("score"), 1),
              ("Comment", _get("comment"), 6)], None),
            ("Lead status history", "lead_status_history",
             [("When", lambda r: when(r["at"]), 2.6), ("From", _get("from_status"), 2), ("To", _get("to_status"), 2)],
             None),
            ("Lifecycle history", "lifecycle_history",
             [("When", lambda r: when(r["at"]), 2.6), ("From", _get("from_stage"), 2), ("To", _get("to_stage"), 2)],
             None),
            ("History of changes", "changes",
             [("When", lambda r: when(r["at"]), 2.6), ("Record", lambda r: RECORD_NAMES.get(r["table"], r["table"]),
              1.7), ("Field", lambda r: str(r["field"]).replace("_", " "), 2), ("Value", self._change_value, 5.2),
              ("By", _get("by"), 1.5)],
             "Every change recorded to these records, oldest first: who set which field to what, and when."),
        ]  # fmt: skip

    def _section(self, title: str, rows: Sequence[Row], columns: list[Column], intro: str | None) -> list[Flowable]:
        if not rows:
            self.empty.append(title.lower() if self.empty else title)
            return []
        total = sum(share for _, _, share in columns)
        widths = [self.width * share / total for _, _, share in columns]
        cells: list[list[Any]] = [[Paragraph(escape(header), self.styles.cell_bold) for header, _, _ in columns]]
        for row in rows:
            texts = [_text(value(row)) for _, value, _ in columns]
            if row.get("deleted_at"):
                texts[0] += " (in the Trash)"
            cells.append([self._cell(t) for t in texts])
        table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style(self.fonts, numeric_from=len(columns)))
        return titled(title, intro, table, self.styles, rows=len(cells))

    def _pairs(self, row: Row, fields: Sequence[tuple[str, str]]) -> Flowable:
        pairs = [(label, self._value(key, row.get(key))) for label, key in fields]
        cells = [[Paragraph(escape(label), self.styles.cell_bold), self._cell(text)] for label, text in pairs if text]
        if not cells:
            return Paragraph("Nothing recorded.", self.styles.body)
        table = Table(cells, colWidths=[self.width * 0.28, self.width * 0.72], hAlign="LEFT")
        table.setStyle(
            TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 0.9, INK),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, MID), ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.white, FAINT]),
                ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ])
        )  # fmt: skip
        return table

    def _change_value(self, change: Row) -> str:
        value = change["value"]
        if isinstance(value, str) and str(change["field"]).endswith("_at"):
            try:
                return self._when(value)
            except ValueError:
                return value
        return _json(value)

    def _cell(self, text: str) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), self.styles.cell)

    def _value(self, key: str, value: Any) -> str:
        if key.endswith("_at"):
            return self._when(value)
        if key == "birthday":
            return self._day(value)
        if key == "tags":
            return ", ".join(value or [])
        if key == "custom":
            return "\n".join(f"{k}: {_text(v)}" for k, v in (value or {}).items())
        return _text(value)

    def _when(self, text: str | None) -> str:
        if not text:
            return ""
        moment = datetime.fromisoformat(text)
        return f"{self.fmt.day(moment.date())} {moment:%H:%M}"

    def _day(self, text: str | None) -> str:
        if not text:
            return ""
        return self.fmt.day(date.fromisoformat(text[:10]))

    def _money(self, cents: int | None, currency: str | None) -> str:
        if cents is None:
            return ""
        return Formatter.create(self.fmt.locale, currency or self.fmt.currency).money(cents)


def _get(key: str) -> Callable[[Row], Any]:
    return lambda row: row.get(key)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _json(value: Any) -> str:
    """A journal value as a reader expects it: text as is, lists and objects as compact JSON, null as "(none)"."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _event_detail(row: Row) -> str:
    if row.get("body"):
        return str(row["body"])
    if row.get("from_value") or row.get("to_value"):
        return f"{row.get('from_value') or '–'} → {row.get('to_value') or '–'}"
    return ""
