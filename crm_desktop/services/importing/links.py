"""Linking imported deals and purchases to the contacts and organizations they name.

A contact is found by e-mail (its primary address or any extra e-mail channel, case ignored), else by
its exact name when exactly one live contact has it; otherwise it is created. Created contacts are
back-dated to the first deal or purchase that names them and get the lifecycle history that deal or
purchase implies (lead → opportunity when a deal is opened, customer at the first win or purchase), so
conversion and churn read the imported history as if it had been recorded in the app. Existing contacts
only move forward (lead → opportunity → customer), at the imported dates. Organizations are found by name
(case and spacing ignored) or created.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, LeadStatusChange, LifecycleChange, Organization, uuid7
from crm_desktop.domain.enums import LeadStatus, LifecycleStage
from crm_desktop.services.contacts import set_lifecycle_stage
from crm_desktop.services.importing.cleaning import CleanContact, derive_display_name
from crm_desktop.services.importing.matching import (
    Matcher,
    chunks,
    existing_organizations,
    key_filters,
    name_key,
    sql_lower_variants,
)
from crm_desktop.services.importing.report import ImportReport
from crm_desktop.store.bulk import bulk_insert

LEAD, OPPORTUNITY, CUSTOMER = LifecycleStage.LEAD.value, LifecycleStage.OPPORTUNITY.value, LifecycleStage.CUSTOMER.value
# Where a stage sits on the way to customer; an import only ever moves a contact to a later rank.
RANK = {LifecycleStage.SUBSCRIBER.value: 0, LEAD: 1, LifecycleStage.OTHER.value: 1, OPPORTUNITY: 2, CUSTOMER: 3}


@dataclass
class _NewContact:
    """A contact this import creates, with the lifecycle moves its deals and purchases imply."""

    row: dict[str, Any]
    events: list[tuple[datetime, str]] = field(default_factory=list)


class Linker:
    """Finds or creates the contacts and organizations of an import's rows; writes them at the end."""

    def __init__(self, session: Session, *, report: ImportReport, now: datetime, user: uuid.UUID | None) -> None:
        self.session, self.report, self.now, self.user = session, report, now, user
        self.matcher: Matcher | None = None
        self.by_name: dict[str, uuid.UUID | None] = {}  # None: several contacts share the name
        self.orgs: dict[str, uuid.UUID] = {}
        self.new_orgs: dict[uuid.UUID, dict[str, Any]] = {}
        self.new_contacts: dict[uuid.UUID, _NewContact] = {}
        self.new_keys: dict[str, uuid.UUID] = {}  # "email:…" / "name:…" → contact created by this import
        self.existing: dict[uuid.UUID, tuple[uuid.UUID | None, str]] = {}  # id → (organization, lifecycle stage)
        self.existing_events: dict[uuid.UUID, list[tuple[datetime, str]]] = {}

    def prepare(self, *, emails: Iterable[str], names: Iterable[str], organizations: Iterable[str]) -> None:
        """Look up, in a few statements, every contact and organization the rows may name."""
        records = [CleanContact(0, {}, emails=[(e, None)]) for e in sorted(set(emails))]
        self.matcher = Matcher(self.session, records, ("email",))
        wanted = {n.casefold() for n in names}
        lowered = func.lower(col(Contact.display_name))
        for condition in key_filters(self.session, lowered, sql_lower_variants(wanted)):
            stmt = select(Contact.display_name, Contact.id).where(condition, col(Contact.deleted_at).is_(None))
            for name, contact_id in self.session.exec(stmt.order_by(col(Contact.created_at))).all():
                key = name.casefold()
                if key in wanted:
                    self.by_name[key] = contact_id if key not in self.by_name else None
        self.orgs = existing_organizations(self.session, organizations)
        found = set(self.matcher.by_email.values()) | {c for c in self.by_name.values() if c}
        for batch in chunks(sorted(found)):
            stmt = select(Contact.id, Contact.organization_id, Contact.lifecycle_stage).where(
                col(Contact.id).in_(batch)
            )
            for contact_id, org_id, stage in self.session.exec(stmt).all():
                self.existing[contact_id] = (org_id, stage)

    def organization(self, name: str | None, at: datetime) -> uuid.UUID | None:
        """The organization called `name` (created, back-dated to `at`, when there is none)."""
        if not name:
            return None
        key = name_key(name)
        if key not in self.orgs:
            org_id = uuid7()
            self.new_orgs[org_id] = {"id": org_id, "name": " ".join(name.split()), "created_at": min(at, self.now),
                                     "updated_at": self.now}  # fmt: skip
            self.orgs[key] = org_id
            self.report.organizations_created += 1
        org_id = self.orgs[key]
        if org_id in self.new_orgs:
            self.new_orgs[org_id]["created_at"] = min(self.new_orgs[org_id]["created_at"], at)
        return org_id

    def contact(
        self,
        *,
        email: str | None,
        name: str | None,
        at: datetime,
        organization_id: uuid.UUID | None,
        values: dict[str, Any],
        warnings: list[str],
    ) -> uuid.UUID | None:
        """The contact with this e-mail (or else this name), created at `at` when there is none.

        `values` (owner_id, source) are given to a contact this import creates.
        """
        assert self.matcher is not None, "prepare() first"
        if email:
            found = self.matcher.by_email.get(email.casefold()) or self.new_keys.get(f"email:{email.casefold()}")
        elif name:
            found = self.by_name.get(name.casefold()) or self.new_keys.get(f"name:{name.casefold()}")
            if found is None and name.casefold() in self.by_name:
                warnings.append(f"several contacts are called {name!r}; add an e-mail column to pick one (none linked)")
                return None
        else:
            return None
        if found is not None:
            if found in self.new_contacts:
                created = self.new_contacts[found].row
                created["created_at"] = min(created["created_at"], at)
                for key, value in values.items():
                    created[key] = created.get(key) or value
            return found
        contact_id = uuid7()
        row = {"id": contact_id, "created_at": min(at, self.now), "updated_at": self.now, "email": email,
               "display_name": (name or derive_display_name({"email": email}) or "")[:400],
               "organization_id": organization_id, **values}  # fmt: skip
        self.new_contacts[contact_id] = _NewContact(row)
        if email:
            self.new_keys[f"email:{email.casefold()}"] = contact_id
        if name:
            self.new_keys.setdefault(f"name:{name.casefold()}", contact_id)
        self.report.count("new contacts")
        return contact_id

    def organization_of(self, contact_id: uuid.UUID | None) -> uuid.UUID | None:
        """The organization a contact belongs to (known or created by this import)."""
        if contact_id is None:
            return None
        if contact_id in self.new_contacts:
            return self.new_contacts[contact_id].row.get("organization_id")
        return self.existing.get(contact_id, (None, ""))[0]

    def move(self, contact_id: uuid.UUID | None, stage: str, at: datetime) -> None:
        """Record that the contact reached a lifecycle stage at `at` (a lead, an opportunity, a customer)."""
        if contact_id is None:
            return
        if contact_id in self.new_contacts:
            self.new_contacts[contact_id].events.append((at, stage))
        else:
            self.existing_events.setdefault(contact_id, []).append((at, stage))

    def write(self) -> None:
        """Write new organizations and contacts with their ledger rows; move existing contacts forward."""
        self.session.flush()
        bulk_insert(self.session, Organization, list(self.new_orgs.values()))
        contacts, lifecycle, statuses = [], [], []
        for created in self.new_contacts.values():
            row = created.row
            moves = _forward(None, created.events) or [(row["created_at"], LEAD)]
            stage = None
            for step, (at, target) in enumerate(moves):
                lifecycle.append(self._ledger(row["id"], stage, target, at, step))
                stage = target
            row["lifecycle_stage"] = stage
            row["lead_status"] = None
            if moves[0][1] == LEAD:  # a lead who got a deal had been qualified
                row["lead_status"] = LeadStatus.QUALIFIED.value
                statuses.append({"id": uuid7(), "contact_id": row["id"], "from_status": None,
                                 "to_status": row["lead_status"], "at": moves[0][0], "user_id": self.user,
                                 "created_at": self.now, "updated_at": self.now})  # fmt: skip
            contacts.append(row)
        bulk_insert(self.session, Contact, contacts)
        bulk_insert(self.session, LifecycleChange, lifecycle)
        bulk_insert(self.session, LeadStatusChange, statuses)
        for contact_id, events in self.existing_events.items():
            current = self.existing[contact_id][1]
            for at, target in _forward(current, events):
                set_lifecycle_stage(session=self.session, contact_id=contact_id, stage=target, at=at)

    def _ledger(
        self, contact_id: uuid.UUID, from_stage: str | None, to_stage: str, at: datetime, step: int
    ) -> dict[str, Any]:
        return {"id": chained_id(self.now, step), "contact_id": contact_id, "from_stage": from_stage,
                "to_stage": to_stage, "at": at, "user_id": self.user, "created_at": self.now,
                "updated_at": self.now}  # fmt: skip


def chained_id(now: datetime, step: int) -> uuid.UUID:
    """An id that sorts after the ids of earlier steps of one history: ledgers are read in (at, id) order,
    and a lead that becomes an opportunity in the same instant must stay in that order."""
    return uuid7(int(now.timestamp() * 1000) + step)


def _forward(current: str | None, events: list[tuple[datetime, str]]) -> list[tuple[datetime, str]]:
    """The moves, in time order, that take a contact to a later stage than it has (churned ones stay put)."""
    if current is not None and current not in RANK:
        return []
    rank = -1 if current is None else RANK[current]
    moves = []
    for at, stage in sorted(events, key=lambda event: (event[0], RANK[event[1]])):
        if RANK[stage] > rank:
            moves.append((at, stage))
            rank = RANK[stage]
    return moves
