"""A few hand-made contacts with every kind of field filled, added through the services like a user would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from crm_desktop.domain import Campaign
from crm_desktop.services.activities import add_task, log_activity, record_feedback
from crm_desktop.services.cases import comment_case, open_case
from crm_desktop.services.channels import add_channel
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.loyalty import record_purchase
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.store import Database

NOTE = "Allergic to hazelnuts; prefers calls after 6 pm,\nnever on Sundays \\ thanks"
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class People:
    """Ids of the hand-made records."""

    zoe: uuid.UUID  # everything filled, two extra emails, a mobile, a web page and a social handle
    bo: uuid.UUID  # bare minimum
    trashed: uuid.UUID  # in the Trash
    organization: uuid.UUID
    campaign: uuid.UUID
    deal: uuid.UUID
    case: uuid.UUID


def add_people(db: Database) -> People:
    """Zoë Müller-Łukasik (full), Bo Li (minimal) and a trashed contact."""
    with db.session() as s:
        org = create_organization(session=s, data=OrganizationInput(name="Rösterei Nord; GmbH"))
        campaign = Campaign(name="Spring fair")
        s.add(campaign)
        s.flush()
        zoe = create_contact(
            session=s,
            data=ContactInput(
                given_name="Zoë", family_name="Müller-Łukasik", title="Head, Buying", organization_id=org.id,
                email="zoe.mueller@example.com", phone="+49 30 1234567", street="Hauptstraße 5", city="Berlin",
                postal_code="10115", country="DE", birthday=date(1985, 4, 12), notes=NOTE,
                tags=["vip", "=cmd", "wholesale"], source="fair", campaign_id=campaign.id, marketing_consent=True,
                consent_how="Signed at the fair", external_ref="CRM-4711",
            ),
            at=WHEN,
        )  # fmt: skip
        add_channel(session=s, contact_id=zoe.id, kind="email", value="zoe@private.example", label="home")
        add_channel(session=s, contact_id=zoe.id, kind="email", value="buying@roesterei.example", label="Work")
        add_channel(session=s, contact_id=zoe.id, kind="phone", value="+49 170 9876543", label="Work mobile")
        add_channel(session=s, contact_id=zoe.id, kind="url", value="https://zoe.example", label="home")
        add_channel(session=s, contact_id=zoe.id, kind="social", value="@zoe_beans", label="Instagram")
        bo = create_contact(session=s, data=ContactInput(given_name="Bo", family_name="Li"), at=WHEN)
        trashed = create_contact(session=s, data=ContactInput(given_name="Gone", family_name="Away"), at=WHEN)
        delete_contact(session=s, contact_id=trashed.id)
        deal = create_deal(session=s, title="Zoë Müller-Łukasik – espresso machine", contact_id=zoe.id,
                           value_cents=129_900, notes="Zoë wants delivery to Hauptstraße 5", at=WHEN)  # fmt: skip
        case = open_case(session=s, subject="Grinder broken", contact_id=zoe.id,
                         description="Zoë says the grinder rattles", at=WHEN)  # fmt: skip
        comment_case(session=s, case_id=case.id, body="Called zoe.mueller@example.com back", at=WHEN)
        log_activity(session=s, kind="call", subject="Call with Zoë", body=NOTE, contact_id=zoe.id, occurred_at=WHEN)
        add_task(session=s, title="Send Zoë the price list", notes="ask for +4930 1234567", contact_id=zoe.id)
        record_feedback(session=s, contact_id=zoe.id, kind="comment", comment="Zoë: lovely beans", at=WHEN)
        record_purchase(session=s, contact_id=zoe.id, amount_cents=4_990, occurred_at=WHEN, note="for Zoë")
        return People(zoe.id, bo.id, trashed.id, org.id, campaign.id, deal.id, case.id)
