"""A small, known business built through the services, for GUI tests that need exact values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crm_desktop.services.cases import open_case
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deals import board, create_deal
from crm_desktop.services.loyalty import record_purchase
from crm_desktop.services.organizations import OrganizationInput, create_organization

PEOPLE = (
    ("Ada", "Lovelace", "ada@analytical.example", "+44 20 7946 0018", "Analytical Engines"),
    ("Grace", "Hopper", "grace@cobol.example", "+1 202 555 0143", "Cobol Works"),
    ("Alan", "Turing", "alan@bletchley.example", None, "Bletchley Labs"),
    ("Katherine", "Johnson", "katherine@orbit.example", None, None),
    ("Linus", "Torvalds", None, "+44 7911 123456", None),
)


def seed_known_business(db: Any, *, extra_contacts: int = 0) -> None:
    """Organizations, contacts, open deals, cases and purchases with predictable names."""
    start = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    with db.session() as session:
        orgs: dict[str, Any] = {}
        for _given, _family, _email, _phone, org in PEOPLE:
            if org and org not in orgs:
                orgs[org] = create_organization(session=session, data=OrganizationInput(name=org)).id
        contacts = []
        for n, (given, family, email, phone, org) in enumerate(PEOPLE):
            data = ContactInput(
                given_name=given,
                family_name=family,
                email=email,
                phone=phone,
                organization_id=orgs.get(org),
                tags=["vip"] if n == 0 else [],
            )
            contacts.append(create_contact(session=session, data=data, at=start + timedelta(days=n)).id)
        for n in range(extra_contacts):
            data = ContactInput(given_name=f"Person{n:04d}", family_name="Filler", email=f"p{n}@filler.example")
            create_contact(session=session, data=data, at=start + timedelta(days=10, minutes=n))
        stages = board(session=session)
        for n, contact_id in enumerate(contacts):
            create_deal(
                session=session,
                title=f"Deal {n + 1}",
                contact_id=contact_id,
                stage_id=stages[n % len(stages)].stage_id,
                value_cents=(n + 1) * 125_000,
                at=start - timedelta(days=40 * n),
            )
        for n, contact_id in enumerate(contacts[:4]):
            open_case(
                session=session,
                subject=f"Espresso machine fault {n + 1}",
                contact_id=contact_id,
                priority=("low", "normal", "high", "urgent")[n],
                at=start + timedelta(days=n),
            )
        for n, contact_id in enumerate(contacts[:3]):
            record_purchase(
                session=session,
                contact_id=contact_id,
                amount_cents=(n + 1) * 4_250,
                occurred_at=start + timedelta(days=20 + n),
            )
