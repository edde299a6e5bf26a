"""Property tests: any table a CSV writer makes reads back cell for cell, and no text makes cleaning crash."""

from __future__ import annotations

import csv
import io
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing import ContactRecord, read_table
from crm_desktop.services.importing.cleaning import Lookups, clean_record
from crm_desktop.services.importing.vcards import parse_card

cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
headers = st.lists(st.from_regex(r"[A-Za-z]{1,8}( [A-Za-z]{1,8})?", fullmatch=True), min_size=2, max_size=6,
                   unique_by=str.casefold)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=headers, data=st.data(), delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))  # fmt: skip
def test_written_tables_read_back(header: list[str], data: st.DataObject, delimiter: str, encoding: str) -> None:
    rows = data.draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), min_size=1, max_size=8))
    rows = [r for r in rows if any(c.strip() for c in r)] or [["x"] * len(header)]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        table = read_table(path)
    assert table.headers == header
    assert table.delimiter == delimiter
    assert table.rows == rows


LOOKUPS = Lookups(region="GB", day_first=True)
FIELD_NAMES = ["display_name", "given_name", "family_name", "organization", "title", "city", "country", "birthday",
               "street", "lifecycle_stage", "marketing_consent", "id", "birth_year"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(values=st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=60), max_size=8),
       emails=st.lists(st.text(max_size=30), max_size=3), phones=st.lists(st.text(max_size=20), max_size=3),
       notes=st.lists(st.text(max_size=50), max_size=2))  # fmt: skip
def test_cleaning_any_text_gives_a_contact_or_a_readable_reason(
    values: dict[str, str], emails: list[str], phones: list[str], notes: list[str]
) -> None:
    record = ContactRecord(2, values=values, emails=[(e, None) for e in emails], phones=[(p, "work") for p in phones],
                           notes=notes)  # fmt: skip
    try:
        clean = clean_record(record, LOOKUPS)
    except ValidationError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    name = clean.fields.get("display_name") or ""
    assert not any(unicodedata.category(ch) == "Cc" for ch in name)
    assert any(unicodedata.category(ch)[0] in "LNPS" for ch in name)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=10))
def test_any_card_content_gives_a_record(lines: list[str]) -> None:
    record = parse_card(1, ["VERSION:3.0", *lines])
    assert record.number == 1
    assert record.error is None or record.error.startswith("the card could not be read")
