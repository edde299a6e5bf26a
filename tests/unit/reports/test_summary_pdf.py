"""The summary PDF prints the analytics figures it was given, pages n of m, and the definitions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.reports.layout import Formatter
from crm_desktop.reports.summary import build_summary_pdf
from crm_desktop.services.reporting import report_json, summary_data, write_summary_pdf
from crm_desktop.services.settings import set_setting
from tests.unit.analytics.builders import contact, deal, purchase, subscription

START, END = date(2024, 3, 1), date(2024, 4, 30)


@pytest.fixture(scope="module")
def shop(module_workspace):
    """A small business: customers buying and churning (W = 30), leads and deals, a Unicode name."""
    with module_workspace.session() as s:
        set_setting(session=s, key="business_name", value="Kaffeerösterei Łódź & Søn")
        set_setting(session=s, key="churn_inactivity_days", value=30)
        a = contact(s, "Ada Müller", created="2023-12-01")
        for day in ("2024-01-10", "2024-02-20", "2024-04-10"):
            purchase(s, a, day)
        purchase(s, contact(s, "Bo Chen", created="2024-03-01", source="Website"), "2024-03-05")
        subscription(s, contact(s, "Cy Diaz", created="2023-11-01"), "2023-12-01", "2024-03-10", cents=2500)
        subscription(s, contact(s, "Eve Fox", created="2023-10-01"), "2023-10-01", None, cents=1000)
        purchase(s, contact(s, "Dee Ekwueme", created="2024-04-20", source="Referral"), "2024-04-25")
        g = contact(s, "Gil Ortega", created="2024-03-02", source="Website")
        purchase(s, g, "2024-02-25")
        lead = contact(s, "Lena Nowak", created="2024-03-03", statuses=(("open", ""), ("contacted", "2024-03-04")))
        deal(s, "Big order", created="2024-03-04", current="Won", status="won", closed="2024-03-20", who=lead,
             value=123_456, history=(("Qualification", "2024-03-04"), ("Won", "2024-03-20")))  # fmt: skip
        deal(s, "Small order", created="2024-03-05", current="Lost", status="lost", closed="2024-03-25")
        deal(s, "Pending", created="2024-03-06", current="Proposal")
    return module_workspace


@pytest.fixture(scope="module")
def pdf(shop, tmp_path_factory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("pdf") / "summary.pdf"
    steps: list[float] = []
    path = write_summary_pdf(db=shop, start=START, end=END, out=out, progress=lambda f, _m: steps.append(f))
    assert path == out and steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps)
    return out, [page.extract_text() for page in PdfReader(out).pages]


def kpi(text: str, label: str) -> str:
    """The value printed on the KPI card just above `label` on page 1."""
    match = re.search(rf"(\S[^\n]*)\n{re.escape(label)}\n", text)
    assert match, f"no KPI card {label!r}"
    return match.group(1).strip()


def test_kpis_on_page_one_are_the_analytics_results(shop, pdf):
    with shop.read_session() as s:
        conversion, churn = summary_data(session=s, start=START, end=END)
    fmt = Formatter.create("en_GB", "EUR")
    page1 = pdf[1][0]
    assert kpi(page1, "Leads created") == str(conversion.leads_created)
    assert kpi(page1, "Lead conversion") == fmt.percent(conversion.lead_conversion_rate)
    assert kpi(page1, "Win rate") == fmt.percent(conversion.win_rate) == "50.0%"
    assert kpi(page1, "Deals won") == str(conversion.deals_won)
    assert kpi(page1, "Won value") == "€1,234.56" == fmt.money(conversion.won_value_cents)
    assert kpi(page1, "Customers at start") == str(churn.customers_start)
    assert kpi(page1, "Customers at end") == str(churn.customers_end)
    assert kpi(page1, "Churned") == str(churn.churned)
    assert kpi(page1, "Churn rate") == fmt.percent(churn.churn_rate)
    assert kpi(page1, "Revenue churn") == fmt.percent(churn.revenue_churn_rate)
    assert (churn.customers_start, churn.churn_rate) == (4, 0.75)  # not degenerate: some stay, some go
    assert kpi(page1, "Churn rate") == "75.0%" and kpi(page1, "Revenue churn") == "71.4%"


def test_only_embedded_dejavu_fonts(pdf):
    for page in PdfReader(pdf[0]).pages:
        fonts = page["/Resources"]["/Font"]
        assert {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()} <= {
            "DejaVuSans",
            "DejaVuSans-Bold",
        }


def test_header_footer_and_page_count(pdf):
    pages = pdf[1]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Kaffeerösterei Łódź & Søn" in text  # embedded Unicode font, name in every header
        assert "1 Mar 2024 – 30 Apr 2024" in text


def test_tables_and_definitions_are_present(pdf, shop):
    with shop.read_session() as s:
        _, churn = summary_data(session=s, start=START, end=END)
    text = " ".join(" ".join(pdf[1]).split())  # table cells come out one per line
    fmt = Formatter.create("en_GB", "EUR")
    for month in churn.monthly:
        c = month.counts
        row = f"{month.month} {c.customers_start} {c.new} {c.reactivated} {c.churned} {c.churned_from_start} "
        assert row + f"{c.customers_end} {fmt.percent(c.churn_rate)}" in text
    for heading in (
        "Funnels",
        "Cohort retention",
        "Customers month by month",
        "By source",
        "At-risk customers",
    ):
        assert heading in text
    definitions = text[text.index("Definitions") :]
    terms = (
        "Leads created.",
        "Lead conversion.",
        "Win rate.",
        "Sales cycle.",
        "Churn rate.",
        "Revenue churn.",
    )
    for term in (*terms, "Cohort retention.", "At risk.", "nothing to divide by"):
        assert term in definitions
    assert "less than 30 days" in definitions  # the window in force is stated


def test_letter_paper_and_locale(shop, tmp_path):
    with shop.read_session() as s:
        conversion, churn = summary_data(session=s, start=START, end=END)
    out = build_summary_pdf(out=tmp_path / "de.pdf", conversion=conversion, churn=churn, start=START, end=END,
                            business_name="Test", paper_size="Letter", locale="de_DE")  # fmt: skip
    reader = PdfReader(out)
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == (612, 792)
    assert "1.234,56 €" in reader.pages[0].extract_text()


def test_a_failed_build_leaves_no_file(shop, tmp_path):
    with shop.read_session() as s:
        conversion, churn = summary_data(session=s, start=START, end=END)

    def cancel_midway(fraction: float, _message: str) -> None:
        if fraction > 0.5:
            raise Cancelled("stop")

    out = tmp_path / "summary.pdf"
    with pytest.raises(Cancelled):
        build_summary_pdf(
            out=out,
            conversion=conversion,
            churn=churn,
            start=START,
            end=END,
            business_name="X",
            progress=cancel_midway,
        )
    assert list(tmp_path.iterdir()) == []


def test_bad_inputs_are_refused(shop, tmp_path):
    with pytest.raises(ValidationError):
        write_summary_pdf(db=shop, start=END, end=START, out=tmp_path / "x.pdf")
    with pytest.raises(ValidationError, match="does not exist"):
        write_summary_pdf(db=shop, start=START, end=END, out=tmp_path / "missing" / "x.pdf")
    with shop.read_session() as s, pytest.raises(ValidationError):
        conversion, churn = summary_data(session=s, start=START, end=END)
        build_summary_pdf(out=tmp_path / "x.pdf", conversion=conversion, churn=churn, start=START, end=END,
                          business_name="X", paper_size="A5")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_report_json_shapes(shop):
    with shop.read_session() as s:
        summary = report_json(session=s, kind="summary", start=START, end=END)
        conversion = report_json(session=s, kind="conversion", start=START, end=END)
        churn = report_json(session=s, kind="churn", start=START, end=END, inactivity_days=45)
    assert list(summary) == ["conversion", "churn", "period"]
    assert summary["period"] == {"from": "2024-03-01", "to": "2024-04-30"}
    assert list(conversion) == ["conversion"] and conversion["conversion"] == summary["conversion"]
    assert list(churn) == ["churn"] and churn["churn"]["inactivity_days"] == 45
    assert summary["churn"]["inactivity_days"] == 30


def test_the_business_logo_heads_every_page_and_a_broken_one_is_left_out(shop, tmp_path):
    from PIL import Image

    with shop.read_session() as s:
        conversion, churn = summary_data(session=s, start=START, end=END)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 100), "navy").save(logo)
    out = build_summary_pdf(out=tmp_path / "logo.pdf", conversion=conversion, churn=churn, start=START, end=END,
                            business_name="Röstwerk", logo=logo)  # fmt: skip
    pages = PdfReader(out).pages
    assert len(pages) > 1 and all("/XObject" in page["/Resources"] for page in pages)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    out = build_summary_pdf(out=tmp_path / "broken.pdf", conversion=conversion, churn=churn, start=START, end=END,
                            business_name="Röstwerk", logo=broken)  # fmt: skip
    assert "Röstwerk" in PdfReader(out).pages[0].extract_text()
