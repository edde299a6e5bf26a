"""Contact exports of other programs (HubSpot, Pipedrive, Salesforce, Zoho, Odoo, Mailchimp, Shopify, WooCommerce,
Square, LinkedIn, Yahoo, Excel) import as a person expects; each text copies such a layout, with made-up people."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, ContactChannel, Organization
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.importing import ImportPlan, ImportReport, guess_field, guess_mapping, read_source, run_import
from crm_desktop.services.importing.formats import parse_date
from crm_desktop.store import Database


def imported(
    db: Database, tmp_path: Path, text: str, *, name: str = "export.csv", encoding: str = "utf-8", bom: bytes = b""
) -> ImportReport:
    path = tmp_path / name
    path.write_bytes(bom + text.encode(encoding))
    return run_import(db, read_source(path), ImportPlan(region="US"))


def contact(session: Session, name: str) -> Contact:
    return session.exec(select(Contact).where(Contact.display_name == name, col(Contact.deleted_at).is_(None))).one()


def channels(session: Session, person: Contact) -> list[tuple[str, str, str | None]]:
    rows = session.exec(
        select(ContactChannel).where(ContactChannel.contact_id == person.id).order_by(col(ContactChannel.kind))
    ).all()
    return [(c.kind, c.value, c.label) for c in rows]


def org_name(session: Session, person: Contact) -> str | None:
    org = session.get(Organization, person.organization_id) if person.organization_id else None
    return org.name if org else None


HUBSPOT = """\
"Record ID","First Name","Last Name","Email","Phone Number","Mobile Phone Number","Company Name","Lifecycle Stage",\
"Lead Status","Contact owner","Create Date","Original Source","Marketing contact status"
"51","Mara","Quist","mara@example.com","+1 617-555-0142","(617) 555-0199","Quist Labs","Sales Qualified Lead",\
"In Progress","Jordan Price","2023-04-12 09:31","Organic Search","Marketing contact"
"52","Tobias","Ferrand","tobias@example.org","","","","Evangelist","","","2022-11-03 16:05","Offline Sources",\
"Non-marketing contact"
"56","Ivo","Brandt","ivo@example.de","","","","Other","Bad Timing","","2023-09-09 09:09","Email Marketing",""
"""


def test_hubspot_stages_and_statuses_are_read_in_this_apps_words(fresh_workspace: Database, tmp_path: Path) -> None:
    report = imported(fresh_workspace, tmp_path, HUBSPOT)
    assert (report.created, report.failed) == (3, [])  # an unknown lead status was once a failed row
    assert any("'Bad Timing'" in w and "left out" in w for _, w in report.warnings)
    with fresh_workspace.read_session() as session:
        mara = contact(session, "Mara Quist")
        assert (mara.lifecycle_stage, mara.lead_status, mara.external_ref, mara.source) == (
            "lead", "contacted", "51", "Organic Search",
        )  # fmt: skip
        assert (mara.phone, org_name(session, mara), mara.marketing_consent) == ("+16175550142", "Quist Labs", False)
        assert ("phone", "+16175550199", "mobile") in channels(session, mara)
        assert contact(session, "Tobias Ferrand").lifecycle_stage == "customer"
        assert (contact(session, "Ivo Brandt").lifecycle_stage, contact(session, "Ivo Brandt").lead_status) == (
            "other", None,
        )  # fmt: skip
    again = imported(fresh_workspace, tmp_path, HUBSPOT)
    assert (again.created, again.unchanged) == (0, 3)  # found again by their HubSpot record id


PIPEDRIVE = """\
Person - ID,Person - Name,Person - Organization,Person - Email - Work,Person - Email - Home,Person - Phone - Work,\
Person - Phone - Mobile,Person - Labels,Person - Owner,Person - Open deals,Person - Marketing status,\
Person - Birthday,Person - Job title
101,Anna Berg,Berg Consulting,anna@berg.example,anna.berg@example.com,+46 8 555 123 45,+46 70 555 12 34,\
"Hot lead, Customer",Jordan Price,2,Subscribed,1985-04-12,Managing Director
102,Pedro Alves,,"pedro@alves.example, p.alves@example.org",,,,Cold lead,Jordan Price,0,No consent,,
"""


def test_pipedrive_columns_named_after_the_person_are_read(fresh_workspace: Database, tmp_path: Path) -> None:
    report = imported(fresh_workspace, tmp_path, PIPEDRIVE, bom=codecs.BOM_UTF8)
    assert (report.created, report.failed) == (2, [])
    with fresh_workspace.read_session() as session:
        anna = contact(session, "Anna Berg")
        assert (anna.external_ref, anna.title, org_name(session, anna)) == (
            "101",
            "Managing Director",
            "Berg Consulting",
        )
        assert (anna.email, anna.phone, anna.tags, anna.marketing_consent) == (
            "anna@berg.example", "+46855512345", ["Hot lead", "Customer"], True,
        )  # fmt: skip
        assert anna.birthday is not None and anna.birthday.isoformat() == "1985-04-12"
        assert ("phone", "+46705551234", "mobile") in channels(session, anna)
        pedro = contact(session, "Pedro Alves")
        assert (pedro.email, pedro.marketing_consent) == ("pedro@alves.example", False)
        assert ("email", "p.alves@example.org", "work") in channels(session, pedro)


SALESFORCE_REPORT = """\
"Contact Owner","Salutation","First Name","Last Name","Title","Account Name","Mailing Street","Mailing City",\
"Mailing State/Province","Mailing Zip/Postal Code","Mailing Country","Phone","Email","Email Opt Out","Birthdate",\
"Contact ID"
"Jordan Price","Ms.","Renée","Möller","VP Operations","Möller GmbH","100 Market St
Suite 300","San Francisco","CA","94105","USA","(415) 555-0101","renee@example.com","0","4/12/1985","0035e00000AbCdE"
"Jordan Price","Mr.","Omar","Haddad","Buyer","","","Chicago","IL","60601","USA","","omar@example.com","1","",\
"0035e00000FgHiJ"
""
"Contacts & Accounts"
"Copyright (c) 2000-2023 salesforce.com, inc. All rights reserved."
"Confidential Information - Do Not Distribute"
"Generated By:  Jordan Price  4/12/2023 9:15 AM"
"Quist Labs"
"""


def test_a_salesforce_report_loses_its_footer_and_its_opt_out_clears_consent(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    with fresh_workspace.session() as session:
        create_contact(session=session, data=ContactInput(
            display_name="Omar Haddad", email="omar@example.com", marketing_consent=True,
        ))  # fmt: skip
    report = imported(fresh_workspace, tmp_path, SALESFORCE_REPORT, encoding="cp1252")
    assert (report.created, report.updated, report.failed) == (1, 1, [])  # the footer lines are no contacts
    assert not any("email" in w.casefold() and "'1'" in w for _, w in report.warnings)  # "Email Opt Out" is no e-mail
    with fresh_workspace.read_session() as session:
        renee = contact(session, "Renée Möller")
        assert (renee.title, renee.street, renee.country, renee.external_ref) == (
            "VP Operations", "100 Market St, Suite 300", "US", "0035e00000AbCdE",
        )  # fmt: skip
        assert renee.birthday is not None and renee.birthday.isoformat() == "1985-04-12"
        omar = contact(session, "Omar Haddad")
        assert (omar.marketing_consent, omar.consent_at) == (False, None)


def test_salesforce_api_names_are_split_into_words_and_record_ids_are_left_alone() -> None:
    headers = ["Id", "AccountId", "LastName", "FirstName", "OtherStreet", "OtherPostalCode", "MailingStreet",
               "MailingPostalCode", "MobilePhone", "Email", "LeadSource", "OwnerId", "HasOptedOutOfEmail",
               "EmailBouncedReason"]  # fmt: skip
    got = {headers[m.column]: (m.field, m.label, m.group) for m in guess_mapping(headers)}
    assert got == {
        "Id": ("external_ref", None, ""), "LastName": ("family_name", None, ""),
        "FirstName": ("given_name", None, ""), "OtherStreet": ("street", None, "other"),
        "OtherPostalCode": ("postal_code", None, "other"), "MailingStreet": ("street", None, ""),
        "MailingPostalCode": ("postal_code", None, ""), "MobilePhone": ("phone", "mobile", ""),
        "Email": ("email", None, ""), "LeadSource": ("source", None, ""),
        "HasOptedOutOfEmail": ("marketing_opt_out", None, ""),
    }  # fmt: skip


def test_the_main_address_wins_over_the_other_one_whatever_the_column_order(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    text = (
        "Full Name,Other Street,Other City,Mailing Street,Mailing City\nSam Reyes,9 Side Rd,Oakland,1 Main St,Austin\n"
    )
    imported(fresh_workspace, tmp_path, text)
    with fresh_workspace.read_session() as session:
        sam = contact(session, "Sam Reyes")
        assert (sam.street, sam.city) == ("1 Main St", "Austin")


ZOHO = """\
"Record Id","Contact Owner","Lead Source","First Name","Last Name","Account Name","Email","Mobile","Email Opt Out",\
"Full Name","Secondary Email","Tag","Created Time"
"zcrm_5725767000000343002","Jordan Price","Cold Call","Sam","Reyes","","","+1 512 555 0199","true","Sam Reyes","",\
"","2023-05-01 11:00:00"
"""


def test_zoho_email_opt_out_is_no_email_address(fresh_workspace: Database, tmp_path: Path) -> None:
    report = imported(fresh_workspace, tmp_path, ZOHO)
    assert (report.created, report.failed) == (1, [])  # "true" was read as its only e-mail address and failed
    with fresh_workspace.read_session() as session:
        sam = contact(session, "Sam Reyes")
        assert (sam.external_ref, sam.source, sam.phone, sam.marketing_consent) == (
            "zcrm_5725767000000343002", "Cold Call", "+15125550199", False,
        )  # fmt: skip


ODOO = """\
"Name","Is a Company","Related Company","Job Position","Email","Phone","Street","Street2","City","Zip","Country",\
"Tags","Salesperson","Notes"
"Azure Interior","True","","","info@azure.example","+1 870 931 0505","4557 De Silva St","","Fremont","94538",\
"United States","Services","Mitchell Admin",""
"Brandon Freeman","False","Azure Interior","Creative Director","brandon@example.com","","","","","","",\
"Consulting,VIP","Mitchell Admin","<p>Met at the <b>fair</b> &amp; liked it</p>"
"""


def test_odoo_companies_become_organizations_and_html_notes_become_text(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    report = imported(fresh_workspace, tmp_path, ODOO)
    assert report.failed == [] and report.organizations_created == 1
    with fresh_workspace.read_session() as session:
        assert session.exec(select(Contact).where(Contact.display_name == "Azure Interior")).all() == []
        org = session.exec(select(Organization).where(Organization.name == "Azure Interior")).one()
        assert (org.city, org.phone) == ("Fremont", "+18709310505")
        brandon = contact(session, "Brandon Freeman")
        assert (brandon.organization_id, brandon.title, brandon.tags) == (
            org.id,
            "Creative Director",
            ["Consulting", "VIP"],
        )
        assert brandon.notes == "Met at the fair & liked it"


MAILCHIMP = """\
"Email Address","First Name","Last Name","Address","Phone Number","Birthday","MEMBER_RATING","OPTIN_TIME","OPTIN_IP",\
"CONFIRM_TIME","CONFIRM_IP","LATITUDE","LONGITUDE","TIMEZONE","CC","REGION","LEID","EUID","NOTES","TAGS"
"jo@example.com","Jo","Delacroix","12 Elm St  Portland  OR  97201  US","503-555-0144","04/12","2",\
"2023-04-12 09:31:22","203.0.113.5","2023-04-12 09:32:10","203.0.113.5","45.52","-122.67","America/Los_Angeles",\
"US","WA","123456789","a1b2c3","","TAGS_CELL"
"kai@example.net","Kai","","","","","4","","","2022-12-01 18:00:00","198.51.100.7","","","","","","123456790",\
"f6g7h8","Prefers SMS",""
""".replace("TAGS_CELL", '""VIP"",""Customer""')  # Mailchimp quotes each tag inside the quoted cell


def test_mailchimp_subscribers_arrive_with_their_consent_time_and_clean_tags(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    report = imported(fresh_workspace, tmp_path, MAILCHIMP)
    assert (report.created, report.failed) == (2, [])
    assert (2, "birthday '04/12' was left out: it has no year") in report.warnings
    with fresh_workspace.read_session() as session:
        jo = contact(session, "Jo Delacroix")
        assert (jo.tags, jo.marketing_consent, jo.region) == (["VIP", "Customer"], True, None)  # REGION is the IP's
        assert jo.consent_at == datetime(2023, 4, 12, 9, 31, 22, tzinfo=UTC)
        kai = contact(session, "Kai")  # no OPTIN_TIME: the CONFIRM_TIME says when
        assert (kai.marketing_consent, kai.consent_at) == (True, datetime(2022, 12, 1, 18, tzinfo=UTC))


SHOPIFY = """\
Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,\
Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,\
Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags
'7234567890123,Ella,Whitmore,ella@example.com,yes,Whitmore Crafts,8 Mill Lane,Unit 2,Portland,ME,US,'04101,\
'+12075550123,'+12075550188,no,250.40,3,Wholesale enquiry,no,"VIP, wholesale"
"""
SHOPIFY_OLD = """\
First Name,Last Name,Email,Accepts Marketing,Company,Address1,Address2,City,Province,Province Code,Country,\
Country Code,Zip,Phone,Total Spent,Total Orders,Tags,Note,Tax Exempt
Ella,Whitmore,ella@example.com,no,Whitmore Crafts,8 Mill Lane,Unit 2,Portland,Maine,ME,United States,US,'04101,\
+12075550123,250.40,3,"VIP, wholesale",Wholesale enquiry,no
"""


@pytest.mark.parametrize("text", [SHOPIFY, SHOPIFY_OLD], ids=["2023", "before 2023"])
def test_shopify_customers_keep_their_address_company_and_numbers(
    fresh_workspace: Database, tmp_path: Path, text: str
) -> None:
    report = imported(fresh_workspace, tmp_path, text)
    assert (report.created, report.failed) == (1, [])
    with fresh_workspace.read_session() as session:
        ella = contact(session, "Ella Whitmore")
        assert (org_name(session, ella), ella.street, ella.city, ella.postal_code, ella.country) == (
            "Whitmore Crafts", "8 Mill Lane, Unit 2", "Portland", "04101", "US",
        )  # fmt: skip
        assert (ella.phone, ella.tags, ella.notes) == ("+12075550123", ["VIP", "wholesale"], "Wholesale enquiry")
        assert ella.marketing_consent is (text is SHOPIFY)
        assert ella.external_ref == ("7234567890123" if text is SHOPIFY else None)  # without Excel's apostrophe


def test_woocommerce_billing_columns_give_company_and_both_street_lines() -> None:
    headers = ["customer_id", "first_name", "last_name", "user_pass", "email", "billing_company", "billing_email",
               "billing_phone", "billing_address_1", "billing_address_2", "billing_postcode", "shipping_company",
               "shipping_address_1", "total_spent", "order_count"]  # fmt: skip
    got = {headers[m.column]: m.field for m in guess_mapping(headers)}
    assert got == {
        "customer_id": "external_ref", "first_name": "given_name", "last_name": "family_name", "email": "email",
        "billing_company": "organization", "billing_email": "email", "billing_phone": "phone",
        "billing_address_1": "street", "billing_address_2": "street_2", "billing_postcode": "postal_code",
    }  # fmt: skip


SQUARE = """\
Reference ID,First Name,Surname,Email Address,Phone Number,Company Name,Street Address 1,City,State,Postal Code,\
Birthday,Memo,Square Customer ID,Email Subscription Status
,Hana,Kobayashi,hana@example.com,+1 (503) 555-0160,,22 Pine Rd,Salem,OR,97301,1990-07-04,Allergic to nuts,ZXCV12,\
subscribed
CUST-0042,Leo,Marchetti,,(503) 555-0161,Marchetti Cafe,,,,,,,QWER98,unsubscribed
"""


def test_square_subscription_status_is_consent_not_an_email(fresh_workspace: Database, tmp_path: Path) -> None:
    report = imported(fresh_workspace, tmp_path, SQUARE)
    assert (report.created, report.failed) == (2, [])  # Leo, with no e-mail address, failed on "unsubscribed"
    with fresh_workspace.read_session() as session:
        hana = contact(session, "Hana Kobayashi")
        assert (hana.marketing_consent, hana.notes, hana.street) == (True, "Allergic to nuts", "22 Pine Rd")
        leo = contact(session, "Leo Marchetti")
        assert (leo.marketing_consent, leo.external_ref, org_name(session, leo)) == (
            False,
            "CUST-0042",
            "Marchetti Cafe",
        )


LINKEDIN = """\
Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only \
see email addresses for connections who have allowed their connections to see or download their email address."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Aiko,Tanaka,https://www.linkedin.com/in/aiko-tanaka-0000,,Tanaka Design,Art Director,12 Apr 2023
Ben,Osei,https://www.linkedin.com/in/ben-osei-0000,ben@example.com,"Osei & Partners, LLC",Partner,04 Jan 2024
"""


def test_linkedin_connections_are_read_below_their_notes(fresh_workspace: Database, tmp_path: Path) -> None:
    report = imported(fresh_workspace, tmp_path, LINKEDIN, name="Connections.csv")
    assert (report.created, report.failed) == (2, [])
    with fresh_workspace.read_session() as session:
        ben = contact(session, "Ben Osei")
        assert (ben.email, ben.title, org_name(session, ben)) == ("ben@example.com", "Partner", "Osei & Partners, LLC")
        assert ("url", "https://www.linkedin.com/in/ben-osei-0000", None) in channels(session, ben)


def test_yahoo_columns_named_home_and_work_hold_phone_numbers() -> None:
    headers = ["First", "Middle", "Last", "Nickname", "Email", "Category", "Distribution Lists", "Messenger ID",
               "Home", "Work", "Pager", "Fax", "Mobile", "Other", "Yahoo Phone", "Primary", "Alternate Email 1",
               "Title", "Company", "Work Address", "Work City", "Home Address", "Home City", "Comments"]  # fmt: skip
    got = {headers[m.column]: (m.field, m.label) for m in guess_mapping(headers)}
    assert got["Home"] == ("phone", "home") and got["Work"] == ("phone", "work") and got["Other"] == ("phone", "other")
    assert got["Pager"] == ("phone", "pager") and got["Alternate Email 1"] == ("email", None)
    assert got["Work City"] == ("city", None) and got["Category"] == ("tags", None)
    assert guess_mapping(["Name", "Home", "Work"]) == guess_mapping(["Name"])  # elsewhere such columns are unclear


def test_a_file_that_nearly_looks_like_outlook_keeps_its_work_address(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    text = ("First Name,Last Name,Display Name,Email Address,Secondary Email,Company,Mobile Phone,Home Street,"
            "Home City,Work Street,Work City,Work Zip,Work Phone\n"
            "Felix,Wagner,Felix Wagner,felix@example.de,,Wagner Bau,+49 171 5550123,,,Leopoldstr. 10,München,80802,"
            "+49 89 5550 1234\n")  # Zoho Mail  # fmt: skip
    imported(fresh_workspace, tmp_path, text)
    with fresh_workspace.read_session() as session:
        felix = contact(session, "Felix Wagner")
        assert (felix.street, felix.city, felix.postal_code) == ("Leopoldstr. 10", "München", "80802")
        phones = {felix.phone} | {value for kind, value, _ in channels(session, felix) if kind == "phone"}
        assert phones == {"+498955501234", "+491715550123"}


def test_an_excel_unicode_text_file_leaves_out_numbers_excel_shortened(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    text = 'Name\tE-mail\tPhone\tBirthday\r\nZoë Ashford\tzoe@example.com\t16175550142\tApril 12, 1985\r\n' \
           'Marco Ricci\tmarco@example.it\t4.91711E+11\t\r\n'  # fmt: skip
    report = imported(
        fresh_workspace, tmp_path, text, name="contacts.txt", encoding="utf-16-le", bom=codecs.BOM_UTF16_LE
    )
    assert (report.created, report.failed) == (2, [])
    assert any("4.91711E+11" in w and "left out" in w for _, w in report.warnings)
    with fresh_workspace.read_session() as session:
        zoe = contact(session, "Zoë Ashford")
        assert (zoe.phone, zoe.birthday and zoe.birthday.isoformat()) == ("+16175550142", "1985-04-12")
        marco = contact(session, "Marco Ricci")
        assert marco.phone is None and channels(session, marco) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("April 12, 1985", "1985-04-12"), ("12 Apr 2023", "2023-04-12"), ("12. März 1985", "1985-03-12"),
     ("3 févr. 1990", "1990-02-03"), ("Sept 3, 1990", "1990-09-03")],
)  # fmt: skip
def test_dates_with_month_names_are_read(text: str, expected: str) -> None:
    born = parse_date(text, day_first=False)
    assert born is not None and born.isoformat() == expected


@pytest.mark.parametrize(
    "header",
    ["E-mail Type", "E-mail Display Name", "Email Subscription Status", "Phone Country Code", "Phone 1 - Label",
     "Internet Free Busy", "AccountId", "Phonetic First Name", "Business Address PO Box", "Marketing contact status",
     "Accepts SMS Marketing", "Deal - Title", "Create Date", "Total Spent", "Skype ID", "Email Bounced Reason"],
)  # fmt: skip
def test_columns_about_a_channel_or_another_record_are_not_guessed_as_one(header: str) -> None:
    assert guess_field(header) in (None, ("marketing_consent", None))
    assert guess_field(header) != ("email", None)


@pytest.mark.parametrize(
    ("header", "field"),
    [("Person - Email - Work", ("email", "work")), ("Organization - Name", ("organization", None)),
     ("Default Address Company", ("organization", None)), ("Default Address Province Code", ("region", None)),
     ("Email Opt Out", ("marketing_opt_out", None)), ("Is a Company", ("is_company", None)),
     ("Record ID", ("external_ref", None)), ("Salesperson", ("owner", None)), ("Phone (iPhone)", ("phone", "mobile")),
     ("OPTIN_TIME", ("consent_at", None)), ("Related Company", ("organization", None)), ("Memo", ("notes", None))],
)  # fmt: skip
def test_headers_of_other_programs_are_understood(header: str, field: tuple[str, str | None]) -> None:
    assert guess_field(header) == field
