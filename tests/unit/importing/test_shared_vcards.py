"""Every real-world vCard in shared/data/vcards imports with the name, e-mails, phones and organization it holds.

The files come from real address books (iPhone, Android, Outlook, Gmail, Lotus Notes, Evolution, ...) and are
not part of the repository; the test is skipped where the folder is absent. Phones are read as US numbers
(the files are American); numbers that are not real numbers are kept as written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, ContactChannel, Organization
from crm_desktop.services.importing import ImportPlan, read_source, run_import
from crm_desktop.store import Database

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "vcards"
N = "Ñ"

# file → cards: (display name, e-mail addresses, phone numbers as written, organization)
EXPECTED: dict[str, list[tuple[str, set[str], list[str], str | None]]] = {
    "John_Doe_ANDROID.vcf": [
        ("john.doe@company.com", {"john.doe@company.com"}, [], None),
        ("jane.doe@company.com", {"jane.doe@company.com"}, [], None),
        (" ".join([N] * 5), set(), ["123456789"], None),
        (" ".join([N] * 11), set(), ["123456", "234567", "3456789", "45678901"], None),
        (" ".join([N] * 4), {"bob@company.com"}, ["123456"], N * 12),
        (N * 4, {"henry@company.com"}, ["55556666"], N * 44),
    ],
    "John_Doe_BLACK_BERRY.vcf": [("John Doe", set(), ["+96123456789"], "Acme Solutions")],
    "John_Doe_EVOLUTION.vcf": [
        ("Mr. John Richter, James Doe Sr.", {"john.doe@ibm.com"}, ["905-666-1234", "905-555-1234"], "IBM"),
    ],
    "John_Doe_GMAIL.vcf": [
        ("Mr. John Richter, James Doe Sr.", {"john.doe@ibm.com"}, ["905-555-1234", "905-666-1234"], "IBM"),
    ],
    "John_Doe_IPHONE.vcf": [
        ("Mr. John Richter James Doe Sr.", {"john.doe@ibm.com"},
         ["905-555-1234", "905-666-1234", "905-777-1234", "905-888-1234", "905-999-1234", "905-111-1234",
          "905-222-1234"], "IBM"),
    ],
    "John_Doe_LOTUS_NOTES.vcf": [
        ("Mr. Doe John I Johny", {"john.doe@ibm.com", "billy_bob@gmail.com"},
         ["+1 (212) 204-34456", "00-1-212-555-7777"], "IBM"),
    ],
    "John_Doe_MAC_ADDRESS_BOOK.vcf": [
        ("Mr. John Richter,James Doe Sr.", {"john.doe@ibm.com"},
         ["905-777-1234", "905-666-1234", "905-555-1234", "905-888-1234", "905-999-1234", "905-111-1234",
          "905-222-1234"], "IBM"),
    ],
    "John_Doe_MS_OUTLOOK.vcf": [
        ("Mr. John Richter James Doe Sr.", {"john.doe@ibm.cm"}, ["(905) 555-1234", "(905) 666-1234"], "IBM"),
    ],
    "fullcontact.vcf": [
        ("Prefix FirstName MiddleName LastName Suffix",
         {"home@example.com", "work@example.com", "school@example.com", "other@example.com", "custom@example.com"},
         [f"555-555-111{i}" for i in range(1, 10)], "Organization1"),
    ],
    "gmail-list.vcf": [
        ("Arnold Smith", {"asmithk@gmail.com"}, [], None),
        ("Chris Beatle", {"chrisy55d@yahoo.com"}, [], None),
        ("Doug White", {"dwhite@gmail.com"}, [], None),
    ],
    "gmail-single.vcf": [
        ("Greg Dartmouth", {"gdartmouth@hotmail.com"}, ["555 555 1111", "555 555 2222"], "TheCompany"),
    ],
    "gmail-single2.vcf": [
        ("VCard Test",
         {"email@example.com", "homeemail@example.com", "workemail@example.com", "otheremail@example.com",
          "customcategory@example.com"},
         [f"55555511{i}" for i in range(11, 22)], "TheCompany"),
    ],
    "outlook-2003.vcf": [
        ("John Doe III", {"jdoe@hotmail.com"}, ["BusinessPhone", "HomePhone", "MobilePhone", "BusinessFaxPhone"],
         "Company, The"),
    ],
    "outlook-2007.vcf": [
        ("Mr. Michael Angstadt Jr.", {"mike.angstadt@gmail.com"},
         ["(111) 555-1111", "(111) 555-2222", "(111) 555-4444", "(111) 555-3333"], "TheCompany"),
    ],
    "rfc2426-example.vcf": [
        ("Frank Dawson", {"frank_dawson@lotus.com", "fdawson@earthlink.net"}, ["+1-919-676-9515", "+1-919-676-9564"],
         "Lotus Development Corporation"),
        ("Tim Howes", {"howes@netscape.com"}, ["+1-415-937-3419", "+1-415-528-4164"], "Netscape Communications Corp."),
    ],
    "rfc6350-example.vcf": [
        ("Simon Perreault", {"simon.perreault@viagenie.ca"}, ["+1-418-656-9254", "+1-418-262-6501"], "Viagenie"),
    ],
    "thunderbird-MoreFunctionsForAddressBook-extension.vcf": [
        ("John Doe",
         {"doe.john@hotmail.com", "additional-email@company.com", "additional-email1@company.com",
          "additional-email2@company.com", "additional-email3@company.com"},
         ["555-555-1111", "555-555-2222", "555-555-5555", "555-555-3333", "555-555-4444"], "TheOrganization"),
    ],
}  # fmt: skip

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data/vcards is not beside the repository")


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def stored(session: Session, contact: Contact, kind: str) -> list[str]:
    rows = session.exec(select(ContactChannel.value).where(
        ContactChannel.contact_id == contact.id, ContactChannel.kind == kind, col(ContactChannel.deleted_at).is_(None)
    )).all()  # fmt: skip
    primary = contact.email if kind == "email" else contact.phone
    return ([primary] if primary else []) + list(rows)


def test_every_shared_file_is_covered() -> None:
    assert sorted(p.name for p in SHARED.glob("*.vcf")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_card_imports_with_what_it_holds(fresh_workspace: Database, name: str) -> None:
    report = run_import(fresh_workspace, read_source(SHARED / name), ImportPlan(on_match="create", region="US"))
    cards = EXPECTED[name]
    assert (report.total, report.created, report.failed) == (len(cards), len(cards), [])
    with fresh_workspace.read_session() as session:
        for display_name, emails, phones, organization in cards:
            contact = session.exec(select(Contact).where(Contact.display_name == display_name)).one()
            assert {e.casefold() for e in stored(session, contact, "email")} == emails, display_name
            numbers = stored(session, contact, "phone")
            assert len(numbers) == len(set(phones)), (display_name, numbers)
            for phone in phones:
                wanted = digits(phone).lstrip("0").removeprefix("1") or phone
                assert any(digits(n).endswith(wanted) or n == phone for n in numbers), (display_name, phone, numbers)
            org = session.get(Organization, contact.organization_id) if contact.organization_id else None
            assert (org.name if org else None) == organization, display_name
