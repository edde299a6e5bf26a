"""Every write to a replicated table leaves exactly its journal rows, in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from crm_desktop.domain import Contact, LeadStatusChange, Organization, utcnow
from crm_desktop.domain.errors import Conflict
from crm_desktop.store import Database
from crm_desktop.store.journal import bulk_insert, history


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
    from crm_desktop.store.journal import bulk_load

    before = _index_names(workspace)
    with workspace.session() as s, bulk_load(s):
        bulk_insert(s, Contact, [{"display_name": f"Fast {i}"} for i in range(30)], refresh_index=False)
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
    from crm_desktop.store.journal import bulk_load

    before = _index_names(workspace)
    with pytest.raises(RuntimeError), workspace.session() as s, bulk_load(s):
        bulk_insert(s, Contact, [{"display_name": "Lost"}], refresh_index=False)
        raise RuntimeError("cancel")
    assert _index_names(workspace) == before
    with workspace.read_session() as s:
        assert s.connection().exec_driver_sql("SELECT count(*) FROM contact").scalar_one() == 0
