"""The demo business: believable counts, reproducibility, refusal, cancel, journal and ledger consistency."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from sqlmodel import Session

from crm_desktop.domain import Contact
from crm_desktop.domain.errors import Cancelled, Conflict, ValidationError
from crm_desktop.services.demo import DemoSummary, populate
from crm_desktop.services.demo.generator import generate
from crm_desktop.services.demo.loader import _ReasonIds
from crm_desktop.services.demo.world import SIZES, Stages, World
from crm_desktop.services.settings import get_setting
from crm_desktop.services.workspace import open_workspace
from crm_desktop.store import Database, fts

TODAY = date(2026, 5, 20)
END = datetime(2026, 5, 20, tzinfo=UTC)


PROGRESS: list[tuple[float, str]] = []


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    """One small demo business shared by the read-only tests of this module."""
    db = open_workspace(tmp_path_factory.mktemp("demo") / "crm.sqlite")
    summary = populate(db=db, size="small", seed=7, today=TODAY, progress=lambda f, m: PROGRESS.append((f, m)))
    yield db, summary
    db.close()


def _rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.read_session() as session:
        return list(session.connection().exec_driver_sql(sql, params or ()).all())


def _one(db: Database, sql: str) -> Any:
    return _rows(db, sql)[0][0]


def test_small_demo_counts_are_in_range(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    assert summary.contacts == _one(db, "SELECT count(*) FROM contact") == 300
    assert summary.organizations == _one(db, "SELECT count(*) FROM organization") == 60
    assert 6 <= summary.campaigns <= 8
    assert 130 <= summary.deals <= 160
    assert summary.cases == 80
    assert 1_000 <= summary.purchases <= 2_000
    assert 1_400 <= summary.activities <= 1_600
    assert 180 <= summary.tasks <= 220
    assert 120 <= summary.feedback <= 160
    assert 25 <= summary.subscriptions <= 50
    assert summary.referrals >= 3
    assert summary.products >= 10
    assert summary.points_entries >= summary.purchases
    for table, count in (
        ("purchase", summary.purchases),
        ("activity", summary.activities),
        ("deal_stage_change", summary.deal_stage_changes),
        ("points_entry", summary.points_entries),
    ):
        assert _one(db, f"SELECT count(*) FROM {table}") == count


def test_the_story_is_believable(demo: tuple[Database, DemoSummary]) -> None:
    db, _ = demo
    status = dict(_rows(db, "SELECT status, count(*) FROM deal GROUP BY status"))
    total = sum(status.values())
    assert 0.25 <= status["won"] / total <= 0.5 and 0.25 <= status["lost"] / total <= 0.5
    assert 0.4 <= status["won"] / (status["won"] + status["lost"]) <= 0.6
    assert status["open"] >= 0.1 * total
    stages = dict(_rows(db, "SELECT lifecycle_stage, count(*) FROM contact GROUP BY 1"))
    assert set(stages) == {"lead", "opportunity", "customer", "churned"}
    assert 0.15 <= (stages["customer"] + stages["churned"]) / 300 <= 0.45
    assert {s for (s,) in _rows(db, "SELECT DISTINCT lead_status FROM contact")} == {
        "open",
        "contacted",
        "qualified",
        "unqualified",
    }
    assert _one(db, "SELECT count(DISTINCT source) FROM contact") >= 7
    assert _one(db, "SELECT count(*) FROM contact WHERE campaign_id IS NOT NULL") > 0
    assert _one(db, "SELECT count(*) FROM subscription WHERE cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL")
    unexplained = "SELECT count(*) FROM deal WHERE status = 'lost' AND (lost_reason_id IS NULL OR lost_note IS NULL)"
    assert _one(db, unexplained) == 0
    december = _one(
        db, "SELECT count(*) FROM purchase WHERE occurred_at >= '2025-12-01' AND occurred_at < '2026-01-01'"
    )
    november = _one(
        db, "SELECT count(*) FROM purchase WHERE occurred_at >= '2025-11-01' AND occurred_at < '2025-12-01'"
    )
    assert december > november
    tasks = _rows(db, "SELECT done_at, due_at FROM task")
    assert any(done for done, _ in tasks)
    assert any(done is None and due < "2026-05-19" for done, due in tasks)  # overdue
    assert any(done is None and due >= "2026-05-19" for done, due in tasks)  # due soon
    assert {s for (s,) in _rows(db, "SELECT DISTINCT status FROM support_case")} >= {
        "open",
        "resolved",
        "closed",
    }
    names = {n for (n,) in _rows(db, "SELECT display_name FROM contact")}
    assert any(not n.isascii() for n in names)


def test_every_contact_is_journaled(demo: tuple[Database, DemoSummary]) -> None:
    db, summary = demo
    journaled = _one(db, "SELECT count(*) FROM change WHERE table_name = 'contact' AND field = 'display_name'")
    assert journaled == summary.contacts
    assert _one(db, "SELECT count(*) FROM change WHERE table_name = 'purchase' AND field = 'amount_cents'") == (
        summary.purchases
    )
    assert _one(db, "SELECT count(*) FROM field_clock WHERE table_name = 'contact' AND field = 'display_name'") == 300
    assert {k for (k,) in _rows(db, "SELECT key FROM setting")} >= {"business_name", "currency", "timezone"}


def test_settings_and_search_index(demo: tuple[Database, DemoSummary]) -> None:
    db, _ = demo
    with db.read_session() as session:
        assert get_setting(session=session, key="business_name") == "Kaffeerösterei Morgenrot"
        assert get_setting(session=session, key="currency") == "EUR"
        assert get_setting(session=session, key="timezone") == "Europe/Berlin"
        assert get_setting(session=session, key="default_region") == "DE"
        assert fts.check(session.connection()) == []
        found = (
            session.connection()
            .exec_driver_sql("SELECT count(*) FROM contact_fts WHERE contact_fts MATCH '\"example\"'")
            .scalar_one()
        )
        assert found > 0


def test_deal_histories_are_consistent(demo: tuple[Database, DemoSummary]) -> None:
    db, _ = demo
    history: dict[str, list[tuple[str, str | None, str]]] = defaultdict(list)
    for deal_id, at, from_stage, to_stage in _rows(
        db, "SELECT deal_id, at, from_stage_id, to_stage_id FROM deal_stage_change ORDER BY deal_id, at"
    ):
        history[deal_id].append((at, from_stage, to_stage))
    deals = _rows(db, "SELECT id, stage_id, status, stage_entered_at, won_at, value_cents FROM deal")
    assert len(history) == len(deals)
    for deal_id, stage_id, status, entered, won_at, value in deals:
        moves = history[deal_id]
        assert moves[0][1] is None and all(m[1] is not None for m in moves[1:])
        assert all(earlier[2] == later[1] for earlier, later in pairwise(moves))
        assert moves[-1][2] == stage_id and moves[-1][0] == entered
        if status == "won":
            bought = _rows(db, f"SELECT amount_cents, occurred_at FROM purchase WHERE deal_id = '{deal_id}'")
            assert bought == [(value, won_at)]
    for deal_id, value in _rows(db, "SELECT id, value_cents FROM deal WHERE id IN (SELECT deal_id FROM deal_line)"):
        lines = _rows(
            db,
            f"SELECT quantity, unit_price_cents, discount_percent FROM deal_line WHERE deal_id = '{deal_id}'",
        )
        assert sum(q * u * (100 - d) // 100 for q, u, d in lines) == value
    rotting = _one(
        db,
        (
            "SELECT count(*) FROM deal d JOIN stage s ON s.id = d.stage_id WHERE d.status = 'open' "
            "AND julianday('2026-05-19') - julianday(d.stage_entered_at) > s.rotting_days"
        ),
    )
    assert rotting > 0


def test_points_balances_never_go_negative(demo: tuple[Database, DemoSummary]) -> None:
    db, _ = demo
    balance: dict[str, int] = defaultdict(int)
    for contact_id, delta in _rows(
        db, "SELECT contact_id, delta FROM points_entry ORDER BY contact_id, at, delta DESC"
    ):
        balance[contact_id] += delta
        assert balance[contact_id] >= 0
    assert _one(db, "SELECT count(*) FROM points_entry WHERE reason = 'redemption'") > 0
    assert _one(db, "SELECT count(*) FROM points_entry WHERE reason = 'referral' AND referral_id IS NOT NULL") > 0
    unpointed = _one(
        db,
        "SELECT count(*) FROM purchase p WHERE NOT EXISTS (SELECT 1 FROM points_entry e "
        "WHERE e.purchase_id = p.id AND e.delta = p.amount_cents / 100 "
        "AND julianday(e.expires_at) - julianday(e.at) = 365)",
    )
    assert unpointed == 0


def test_lifecycle_and_lead_ledgers_match_the_contacts(demo: tuple[Database, DemoSummary]) -> None:
    db, _ = demo
    contacts = {
        cid: (stage, status, created)
        for cid, stage, status, created in _rows(db, "SELECT id, lifecycle_stage, lead_status, created_at FROM contact")
    }
    first_purchase = dict(_rows(db, "SELECT contact_id, min(occurred_at) FROM purchase GROUP BY contact_id"))
    lifecycle: dict[str, list[tuple[str, str | None, str]]] = defaultdict(list)
    for cid, at, old, new in _rows(db, "SELECT contact_id, at, from_stage, to_stage FROM lifecycle_change ORDER BY at"):
        lifecycle[cid].append((at, old, new))
    leads: dict[str, list[tuple[str, str | None, str]]] = defaultdict(list)
    for cid, at, old, new in _rows(
        db, "SELECT contact_id, at, from_status, to_status FROM lead_status_change ORDER BY at"
    ):
        leads[cid].append((at, old, new))
    for cid, (stage, status, created) in contacts.items():
        assert lifecycle[cid][0] == (created, None, "lead")
        assert lifecycle[cid][-1][2] == stage
        assert all(a[2] == b[1] for a, b in pairwise(lifecycle[cid]))
        customer = [at for at, _, new in lifecycle[cid] if new == "customer"]
        assert (customer[0] if customer else None) == first_purchase.get(cid)
        assert leads[cid][0] == (created, None, "open") and leads[cid][-1][2] == status


def test_contact_data_is_well_formed(demo: tuple[Database, DemoSummary]) -> None:
    db, _ = demo
    phones = [p for (p,) in _rows(db, "SELECT phone FROM contact WHERE phone IS NOT NULL")]
    assert len(phones) > 200
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p, None)) for p in phones)
    emails = [e for (e,) in _rows(db, "SELECT email FROM contact")]
    assert len(set(emails)) == len(emails) and all(e.isascii() and "@" in e for e in emails)
    first, last = _rows(db, "SELECT min(occurred_at), max(occurred_at) FROM purchase")[0]
    assert first >= str(END - timedelta(days=548)) and last < str(END)
    with db.read_session() as session:
        contact = session.get(Contact, uuid.UUID(_one(db, "SELECT id FROM contact LIMIT 1")))
        assert contact is not None and contact.created_at.tzinfo is not None


def test_same_seed_and_day_give_the_same_business(demo: tuple[Database, DemoSummary], tmp_path: Path) -> None:
    db, summary = demo
    again = open_workspace(tmp_path / "again.sqlite")
    try:
        assert populate(db=again, size="small", seed=7, today=TODAY) == summary
        for sql in (
            "SELECT id, display_name, email FROM contact ORDER BY id",
            "SELECT id, contact_id, amount_cents, occurred_at FROM purchase ORDER BY id",
            "SELECT id, title, value_cents, status FROM deal ORDER BY id",
        ):
            assert _rows(again, sql) == _rows(db, sql)
    finally:
        again.close()


def _world(seed: int) -> World:
    """A generation state with stand-in reference ids (no database needed)."""
    fake = uuid.UUID(int=1)
    stages = Stages(fake, [uuid.UUID(int=i) for i in range(2, 6)], fake, fake)
    return World.create(
        SIZES["small"],
        seed,
        TODAY,
        me=fake,
        stages=stages,
        lost_reasons=_ReasonIds({}, fake),
        rewards=[(fake, 150), (fake, 500)],
    )


def test_another_seed_gives_another_business() -> None:
    def contacts(seed: int) -> list[tuple[Any, Any]]:
        return [(r["id"], r["display_name"]) for _, rows, _ in generate(_world(seed)) for r in rows[Contact]]

    assert contacts(7) == contacts(7)
    assert contacts(7) != contacts(8)
    assert len(contacts(8)) == 300


def _add_contact(db: Database) -> None:
    with db.session() as session:
        session.add(Contact(display_name="Already Here"))


def test_a_database_with_contacts_is_refused(workspace: Database) -> None:
    _add_contact(workspace)
    with pytest.raises(Conflict, match="already holds 1 contact "):
        populate(db=workspace, size="small", today=TODAY)
    assert _one(workspace, "SELECT count(*) FROM contact") == 1


def test_unknown_size_is_refused(workspace: Database) -> None:
    with pytest.raises(ValidationError, match="unknown demo size"):
        populate(db=workspace, size="enormous", today=TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("allowed_calls", [0, 5])
def test_cancel_rolls_everything_back(workspace: Database, allowed_calls: int) -> None:
    calls: list[float] = []
    progress: list[tuple[float, str]] = []

    def should_cancel() -> bool:
        calls.append(1)
        return len(calls) > allowed_calls

    with pytest.raises(Cancelled):
        populate(
            db=workspace,
            size="small",
            today=TODAY,
            should_cancel=should_cancel,
            progress=lambda f, m: progress.append((f, m)),
        )
    for table in ("contact", "organization", "purchase", "setting"):
        assert _one(workspace, f"SELECT count(*) FROM {table}") == 0
    assert _one(workspace, "SELECT count(*) FROM change WHERE table_name IN ('contact', 'setting')") == 0
    assert progress and progress[0][0] == 0.0
    with Session(workspace.engine) as session:  # the workspace is still usable afterwards
        assert session.get(Contact, uuid.uuid4()) is None


def test_progress_is_reported_up_to_done(demo: tuple[Database, DemoSummary]) -> None:
    fractions = [f for f, _ in PROGRESS]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0 and len(fractions) >= 4
    assert all(isinstance(m, str) and m for _, m in PROGRESS)


def test_analytics_give_sensible_numbers(demo: tuple[Database, DemoSummary]) -> None:
    analytics = pytest.importorskip("crm_desktop.analytics")
    db, _ = demo
    start, end = TODAY - timedelta(days=365), TODAY - timedelta(days=1)
    with db.read_session() as session:
        conversion = analytics.compute_conversion(session=session, start=start, end=end)
        churn = analytics.compute_churn(session=session, start=start, end=end)
    assert 0.15 <= conversion.lead_conversion_rate <= 0.4
    assert 0.4 <= conversion.win_rate <= 0.6
    rates = [m.counts.churn_rate for m in churn.monthly if m.counts.customers_start]
    assert rates and sum(rates) / len(rates) < 0.08
    assert churn.cohorts and churn.at_risk
