"""Applying validated records to the workspace inside the caller's transaction.

New contacts, their ledger rows, organizations and channels are collected and written at the end with
`bulk_insert` (journaled, fast); contacts that already exist are updated through the ORM, so the journal
records each changed field. "Update" means: values from the file replace the contact's, tags are added,
notes appended, and e-mails or phones the contact lacks become its primary ones or extra channels.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, ContactChannel, LeadStatusChange, LifecycleChange, Organization, uuid7
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id
from crm_desktop.services.contacts import set_lead_status, set_lifecycle_stage
from crm_desktop.services.importing.cleaning import CleanContact, derive_display_name
from crm_desktop.services.importing.fields import OnMatch
from crm_desktop.services.importing.matching import MATCH_KEYS, Matcher, chunks, existing_organizations, name_key
from crm_desktop.services.importing.org_cards import organization_values, update_existing_organization
from crm_desktop.services.importing.report import ImportReport
from crm_desktop.store import fts
from crm_desktop.store.bulk import bulk_insert

ChannelKey = tuple[str, str]


def _merge_text(old: str | None, new: str) -> str:
    return new if not old else old if new in old else f"{old}\n\n{new}"


def merged_changes(current: Mapping[str, Any], record: CleanContact) -> dict[str, Any]:
    """The fields of a matched contact that `record` changes (file values win; tags and notes add up)."""
    changes: dict[str, Any] = {}
    for key, value in record.fields.items():
        if key in ("email", "phone") or (key == "display_name" and record.derived_name):
            continue
        if key == "tags":
            merged = v.clean_tags([*(current.get("tags") or []), *value])
            if merged != list(current.get("tags") or []):
                changes[key] = merged
        elif key == "notes":
            if _merge_text(current.get("notes"), value) != current.get("notes"):
                changes[key] = _merge_text(current.get("notes"), value)
        elif key == "source":
            if not current.get("source"):
                changes[key] = value
        elif current.get(key) != value:
            changes[key] = value
    for key in ("email", "phone"):
        if not current.get(key) and record.fields.get(key):
            changes[key] = record.fields[key]
    renamed = record.derived_name and {"given_name", "family_name", "email"} & changes.keys()
    if renamed and current.get("display_name") == derive_display_name(current):  # the name was never typed
        name = derive_display_name({**current, **changes})
        if name and name != current.get("display_name"):
            changes["display_name"] = name
    return changes


class ImportWriter:
    """Decides create / update / skip for each record and collects the rows to write."""

    def __init__(
        self,
        session: Session,
        *,
        on_match: OnMatch,
        now: datetime,
        report: ImportReport,
        match_by: Sequence[str] = MATCH_KEYS,
    ) -> None:
        self.session, self.on_match, self.now, self.report = session, on_match, now, report
        self.match_by = tuple(match_by)
        self.user = acting_user_id(session)
        self.matcher: Matcher | None = None
        self.orgs: dict[str, uuid.UUID] = {}
        self.new_orgs: dict[uuid.UUID, dict[str, Any]] = {}
        self.new_contacts: dict[uuid.UUID, dict[str, Any]] = {}
        self.existing: dict[uuid.UUID, Contact] = {}
        self.channels: list[dict[str, Any]] = []
        self.known: dict[uuid.UUID, set[ChannelKey]] = {}
        self.positions: dict[tuple[uuid.UUID, str], int] = {}
        self.updated: set[uuid.UUID] = set()  # existing contacts changed (re-indexed at the end)

    def prepare(self, records: Sequence[CleanContact]) -> None:
        """Look up, in batches, the contacts and organizations these records may match."""
        self.orgs = existing_organizations(self.session, [r.organization for r in records if r.organization])
        if self.on_match == "create":
            return
        self.matcher = Matcher(self.session, records, self.match_by)
        targets = {t for r in records if not r.is_organization and (t := self.matcher.find(r)) is not None}
        for batch in chunks(sorted(targets)):
            for contact in self.session.exec(select(Contact).where(col(Contact.id).in_(batch))).all():
                self.existing[contact.id] = contact
            stmt = select(ContactChannel).where(
                col(ContactChannel.contact_id).in_(batch), col(ContactChannel.deleted_at).is_(None)
            )
            for channel in self.session.exec(stmt).all():
                key = channel.normalized or channel.value.casefold()
                self.known.setdefault(channel.contact_id, set()).add((channel.kind, key))
                slot = (channel.contact_id, channel.kind)
                self.positions[slot] = max(self.positions.get(slot, -1), channel.position)

    def add(self, record: CleanContact) -> None:
        """Create, update or skip one record, counting it in the report."""
        if record.is_organization:
            self._organization_card(record)
            return
        target = self.matcher.find(record) if self.matcher else None
        if target is None:
            self._create(record)
            self.report.created += 1
        elif self.on_match == "skip":
            self.report.skipped += 1
        elif self._update(target, record):
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _org_id(self, name: str | None) -> uuid.UUID | None:
        if not name:
            return None
        key = name_key(name)
        if key not in self.orgs:
            org_id = uuid7()
            self.new_orgs[org_id] = {"id": org_id, "name": name, "created_at": self.now, "updated_at": self.now}
            self.orgs[key] = org_id
            self.report.organizations_created += 1
        return self.orgs[key]

    def _create(self, record: CleanContact) -> None:
        contact_id = uuid7()
        row: dict[str, Any] = {"id": contact_id, "created_at": self.now, "updated_at": self.now, **record.fields}
        row["organization_id"] = self._org_id(record.organization)
        row.setdefault("lifecycle_stage", "lead")
        row.setdefault("lead_status", "open" if row["lifecycle_stage"] == "lead" else None)
        if row.get("marketing_consent"):
            row["consent_at"] = row.get("consent_at") or self.now
        self.new_contacts[contact_id] = row
        self._channels(contact_id, record, row)
        if self.matcher:
            self.matcher.remember(record, contact_id)

    def _update(self, contact_id: uuid.UUID, record: CleanContact) -> bool:
        pending = self.new_contacts.get(contact_id)
        current: Mapping[str, Any]
        if pending is not None:
            current = pending
        else:
            contact = self.existing[contact_id]
            current = {name: getattr(contact, name) for name in Contact.model_fields}
        changes = merged_changes(current, record)
        if record.contact_id == contact_id and str(contact_id) in changes.get("external_ref", ""):
            del changes["external_ref"]  # the card's UID is this contact's own id, not another system's
        org_id = self._org_id(record.organization)
        if org_id and current.get("organization_id") != org_id:
            changes["organization_id"] = org_id
        if "marketing_consent" in changes:  # when the file says when consent was given, that moment
            changes["consent_at"] = (
                (record.fields.get("consent_at") or self.now) if changes["marketing_consent"] else None
            )
        if pending is not None:
            pending.update(changes)
        elif changes:
            self._apply(self.existing[contact_id], dict(changes))
            self.updated.add(contact_id)
        added = self._channels(contact_id, record, {**current, **changes})
        if self.matcher:
            self.matcher.remember(record, contact_id)
        return bool(changes) or added

    def _apply(self, contact: Contact, changes: dict[str, Any]) -> None:
        stage, status = changes.pop("lifecycle_stage", None), changes.pop("lead_status", None)
        for name, value in changes.items():
            setattr(contact, name, value)
        self.session.add(contact)
        if stage:
            set_lifecycle_stage(session=self.session, contact_id=contact.id, stage=stage, at=self.now)
        if status:
            set_lead_status(session=self.session, contact_id=contact.id, status=status, at=self.now)

    def _channels(self, contact_id: uuid.UUID, record: CleanContact, contact: Mapping[str, Any]) -> bool:
        """Extra e-mails, phones and web addresses the contact does not have yet; True if any was added."""
        known = self.known.setdefault(contact_id, set())
        if contact.get("email"):
            known.add(("email", str(contact["email"]).casefold()))
        if contact.get("phone"):
            known.add(("phone", str(contact["phone"])))
        wanted: list[tuple[str, str, str | None, str | None]] = [
            *(("email", e, e.casefold(), label) for e, label in record.emails),
            *(("phone", value, e164, label) for value, e164, label in record.phones),
            *(("url", url, url.casefold(), label) for url, label in record.websites),
        ]
        added = False
        for kind, value, normalized, label in wanted:
            key = (kind, normalized or value.casefold())
            if key in known:
                continue
            known.add(key)
            slot = (contact_id, kind)
            self.positions[slot] = self.positions.get(slot, -1) + 1
            self.channels.append({
                "id": uuid7(), "created_at": self.now, "updated_at": self.now, "contact_id": contact_id,
                "kind": kind, "label": label, "value": value, "normalized": normalized,
                "position": self.positions[slot],
            })  # fmt: skip
            added = True
        return added

    def _organization_card(self, record: CleanContact) -> None:
        assert record.organization is not None  # cleaning refuses organization cards without a name
        key = name_key(record.organization)
        found = self.orgs.get(key) if self.on_match != "create" else None
        values = organization_values(record)
        if found is None:
            org_id = uuid7()
            self.new_orgs[org_id] = {"id": org_id, "created_at": self.now, "updated_at": self.now, **values}
            self.orgs.setdefault(key, org_id)
            self.report.created += 1
            self.report.organizations_created += 1
        elif self.on_match == "skip":
            self.report.skipped += 1
        elif found in self.new_orgs:
            before = dict(self.new_orgs[found])
            self.new_orgs[found].update({k: v for k, v in values.items() if v not in (None, [], "")})
            self.report.updated += self.new_orgs[found] != before
            self.report.unchanged += self.new_orgs[found] == before
        elif update_existing_organization(self.session, found, values):
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def write(self) -> None:
        """Write everything collected: organizations, contacts, their ledger rows and channels; re-index."""
        self.session.flush()
        bulk_insert(self.session, Organization, list(self.new_orgs.values()), refresh_index=False)
        rows = list(self.new_contacts.values())
        bulk_insert(self.session, Contact, rows, refresh_index=False)
        bulk_insert(self.session, LifecycleChange, [
            {"id": uuid7(), "contact_id": r["id"], "from_stage": None, "to_stage": r["lifecycle_stage"], "at": self.now,
             "user_id": self.user, "created_at": self.now, "updated_at": self.now}
            for r in rows
        ])  # fmt: skip
        bulk_insert(self.session, LeadStatusChange, [
            {"id": uuid7(), "contact_id": r["id"], "from_status": None, "to_status": r["lead_status"], "at": self.now,
             "user_id": self.user, "created_at": self.now, "updated_at": self.now}
            for r in rows if r["lead_status"] is not None
        ])  # fmt: skip
        bulk_insert(self.session, ContactChannel, self.channels, refresh_index=False)
        touched = {r["id"].hex for r in rows} | {c["contact_id"].hex for c in self.channels}
        touched |= {contact_id.hex for contact_id in self.updated}
        fts.refresh_for_changes(self.session.connection(), {"contact": touched})
