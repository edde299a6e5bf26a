"""Every write to a replicated table leaves exactly its journal rows, in the same transaction."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from crm_desktop.domain import Contact, LeadStatusChange, Organization, utcnow
from crm_desktop.domain.errors import Conflict
from crm_desktop.store import Database
from crm_desktop.store.bulk import bulk_insert
from crm_desktop.store.journal import history


def changes(db: Database, row_id: uuid.UUID) -> list[dict[str, Any]]:
    with db.read_session() as s:
        rows = s.connection().execute(
            text("SELECT hlc, field, value, device_id, user_id FROM change WHERE row_id = :r ORDER BY hlc, field"),
            {"r": row_id.hex},
        )
        return [dict(r._mapping) for r in rows]


def test_create_writes_one_change_per_set_field(workspace: Database) -> None:
    with workspace.session() as s:
        contact = Contact(display_name="Ada Lovelace", email="ada@example.org", tags=["vip"])
        s.add(contact)
    rows = changes(workspace, contact.id)
    fields = {r["field"] for r in rows}
    assert fields == {
        "display_name", "email", "tags", "created_at", "updated_at", "lifecycle_stage", "lead_status",
        "marketing_consent", "do_not_contact",
    }  # fmt: skip
    assert len({r["hlc"] for r in rows}) == 1
    assert {r["device_id"] for r in rows} == {workspace.device_id}
    assert {r["user_id"] for r in rows} == {workspace.user_id}


def test_update_writes_only_changed_fields_and_updated_at(workspace: Database) -> None:
    with workspace.session() as s:
        contact = Contact(display_name="Ada")
        s.add(contact)
    before = len(changes(workspace, contact.id))
    with workspace.session() as s:
        row = s.get(Contact, contact.id)
        row.title = "Countess"
        row.display_name = "Ada"  # unchanged value: no change row
    after = changes(workspace, contact.id)[before:]
    assert sorted(r["field"] for r in after) == ["title", "updated_at"]
    assert next(r["value"] for r in after if r["field"] == "title") == '"Countess"'


def test_field_clock_tracks_newest_change(workspace: Database) -> None:
    with workspace.session() as s:
        contact = Contact(display_name="Grace")
        s.add(contact)
    with workspace.session() as s:
        s.get(Contact, contact.id).display_name = "Grace Hopper"
    with workspace.read_session() as s:
        clock = (
            s.connection()
            .execute(
                text("SELECT hlc FROM field_clock WHERE row_id = :r AND field = 'display_name'"),
                {"r": contact.id.hex},
            )
            .scalar_one()
        )
        newest = (
            s.connection()
            .execute(
                text("SELECT max(hlc) FROM change WHERE row_id = :r AND field = 'display_name'"),
                {"r": contact.id.hex},
            )
            .scalar_one()
        )
    assert clock == newest


def test_rolled_back_write_leaves_no_journal(workspace: Database) -> None:
    contact = Contact(display_name="Ghost")
    with pytest.raises(RuntimeError), workspace.session() as s:
        s.add(contact)
        s.flush()
        raise RuntimeError("user pressed cancel")
    assert changes(workspace, contact.id) == []


def test_hard_delete_is_refused(workspace: Database) -> None:
    with workspace.session() as s:
        org = Organization(name="Acme")
        s.add(org)
    with pytest.raises(Conflict, match="Trash"), workspace.session() as s:
        s.delete(s.get(Organization, org.id))
    with workspace.read_session() as s:
        assert s.get(Organization, org.id) is not None


def test_ledger_rows_cannot_be_edited(workspace: Database) -> None:
    with workspace.session() as s:
        entry = LeadStatusChange(contact_id=uuid.uuid4(), to_status="open", at=utcnow())
        s.add(entry)
    with pytest.raises(Conflict, match="ledger"), workspace.session() as s:
        s.get(LeadStatusChange, entry.id).to_status = "qualified"


def test_bulk_insert_journals_every_row(workspace: Database) -> None:
    rows = [{"display_name": f"Bulk {i}", "email": f"b{i}@example.org"} for i in range(50)]
    with workspace.session() as s:
        assert bulk_insert(s, Contact, rows) == 50
    with workspace.read_session() as s:
        names = (
            s.connection()
            .exec_driver_sql("SELECT count(*) FROM change WHERE table_name = 'contact' AND field = 'display_name'")
            .scalar_one()
        )
        indexed = s.connection().exec_driver_sql("SELECT count(*) FROM contact_search").scalar_one()
    assert names == 50
    assert indexed == 50


def test_history_lists_newest_first(workspace: Database) -> None:
    with workspace.session() as s:
        contact = Contact(display_name="Linus")
        s.add(contact)
    with workspace.session() as s:
        s.get(Contact, contact.id).title = "Maintainer"
    with workspace.read_session() as s:
        trail = history(s.connection(), "contact", contact.id)
    assert trail[0]["field"] in {"title", "updated_at"}
    assert trail == sorted(trail, key=lambda r: r["hlc"], reverse=True)


def test_device_id_is_created_once_and_clock_continues_after_reopen(db_path, workspace: Database) -> None:
    device, last = workspace.device_id, workspace.clock.now()
    workspace.close()
    reopened = Database.open(db_path)
    try:
        assert reopened.device_id == device
        assert reopened.clock.now() > last
    finally:
        reopened.close()


def test_listeners_hear_committed_writes_with_their_initiator(workspace: Database) -> None:
    heard: list[Any] = []
    workspace.add_change_listener(heard.append)
    initiator = object()
    with workspace.session(initiator=initiator) as s:
        contact = Contact(display_name="Heard")
        s.add(contact)
    with pytest.raises(RuntimeError), workspace.session() as s:
        s.add(Contact(display_name="Rolled back"))
        s.flush()
        raise RuntimeError("cancelled")
    with workspace.session() as s:
        bulk_insert(s, Organization, [{"name": "Bulk Org"}])
    workspace.remove_change_listener(heard.append)
    assert len(heard) == 2, "a rolled-back transaction must not be announced"
    assert heard[0].rows == {"contact": frozenset({contact.id.hex})} and heard[0].initiator is initiator
    assert heard[1].tables == {"organization"}


def _index_names(db: Database) -> set[str]:
    with db.read_session() as s:
        return set(s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())


def test_bulk_load_rebuilds_indexes_and_field_clocks(workspace: Database) -> None:
    from crm_desktop.store.bulk import bulk_load

    before = _index_names(workspace)
    with workspace.session() as s, bulk_load(s):
        rows = [{"id": uuid.uuid4(), "display_name": f"Fast {i}"} for i in range(30)]
        bulk_insert(s, Contact, rows, refresh_index=False)
        s.get(Contact, rows[0]["id"]).display_name = "Renamed during the load"  # a newer clock for one field
        s.flush()
        assert "ix_contact_live_display_name" not in set(
            s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars()
        )
    assert _index_names(workspace) == before
    with workspace.read_session() as s:
        conn = s.connection()
        missing = conn.exec_driver_sql(
            "SELECT count(*) FROM change c LEFT JOIN field_clock f ON f.table_name = c.table_name "
            "AND f.row_id = c.row_id AND f.field = c.field WHERE f.hlc IS NULL OR f.hlc < c.hlc"
        ).scalar_one()
        assert missing == 0


def test_failed_bulk_load_rolls_back_rows_and_keeps_indexes(workspace: Database) -> None:
    from crm_desktop.store.bulk import bulk_load

    before = _index_names(workspace)
    with pytest.raises(RuntimeError), workspace.session() as s, bulk_load(s):
        bulk_insert(s, Contact, [{"display_name": "Lost"}], refresh_index=False)
        raise RuntimeError("cancel")
    assert _index_names(workspace) == before
    with workspace.read_session() as s:
        assert s.connection().exec_driver_sql("SELECT count(*) FROM contact").scalar_one() == 0


def _full_contact(**overrides: Any) -> dict[str, Any]:
    """A contact with a value of every column type: text, uuid, date, datetime, bool, JSON list and dict."""
    values: dict[str, Any] = {
        "id": uuid.uuid4(), "display_name": "Zoë \"Q\" O'Brien ☕", "given_name": "Zoë", "email": "zoe@example.org",
        "organization_id": uuid.uuid4(), "birthday": date(1990, 2, 28), "tags": ["vip", "café"],
        "custom": {"size": 3, "note": "ß"}, "marketing_consent": True, "do_not_contact": False,
        "consent_at": datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC), "lead_status": None,
        "created_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), "updated_at": datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    }  # fmt: skip
    return {**values, **overrides}


def _stored_and_journaled(db: Database, row_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    with db.read_session() as s:
        conn = s.connection()
        stored = dict(conn.exec_driver_sql("SELECT * FROM contact WHERE id = ?", (row_id.hex,)).one()._mapping)
        journaled = {
            r.field: json.loads(r.value)
            for r in conn.exec_driver_sql("SELECT field, value FROM change WHERE row_id = ?", (row_id.hex,))
        }
        clocks = conn.exec_driver_sql("SELECT count(*) FROM field_clock WHERE row_id = ?", (row_id.hex,)).scalar_one()
    assert clocks == len(journaled), "every journaled field has its clock"
    return stored, journaled


def test_bulk_insert_stores_and_journals_exactly_what_the_orm_does(workspace: Database) -> None:
    orm_values = _full_contact()
    bulk_values = {**orm_values, "id": uuid.uuid4()}
    with workspace.session() as s:
        s.add(Contact(**orm_values))
    with workspace.session() as s:
        bulk_insert(s, Contact, [bulk_values])
    orm_stored, orm_journal = _stored_and_journaled(workspace, orm_values["id"])
    bulk_stored, bulk_journal = _stored_and_journaled(workspace, bulk_values["id"])
    assert {k: v for k, v in bulk_stored.items() if k != "id"} == {k: v for k, v in orm_stored.items() if k != "id"}
    assert bulk_journal == orm_journal
    assert bulk_journal["consent_at"] == "2025-03-01T09:30:15.123456Z"
    assert bulk_journal["marketing_consent"] is True and bulk_journal["do_not_contact"] is False
    assert "lead_status" not in bulk_journal and "title" not in bulk_journal


def test_bulk_insert_leaves_empty_json_out_of_the_journal(workspace: Database) -> None:
    row = _full_contact(tags=[], custom={})
    with workspace.session() as s:
        bulk_insert(s, Contact, [row])
    _stored, journaled = _stored_and_journaled(workspace, row["id"])
    assert "tags" not in journaled and "custom" not in journaled


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=60), tags=st.lists(st.text(max_size=10), max_size=3))
def test_bulk_journal_round_trips_any_text(workspace: Database, name: str, tags: list[str]) -> None:
    row = _full_contact(display_name=name, tags=tags)
    with workspace.session() as s:
        bulk_insert(s, Contact, [row], refresh_index=False)
    _stored, journaled = _stored_and_journaled(workspace, row["id"])
    assert journaled["display_name"] == name
    assert journaled.get("tags", []) == tags


def test_bulk_journal_reads_only_the_rows_just_inserted(workspace: Database) -> None:
    from crm_desktop.domain import Activity
    from crm_desktop.store.bulk import _sqlite_plan

    plan = _sqlite_plan(Activity.__table__)
    with workspace.read_session() as s:
        steps = [
            r[3] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + plan.journal_sql, ("h", "d", None, 0))
        ]
    assert not [step for step in steps if step.startswith("SCAN activity")], "a whole-table scan per batch is quadratic"
