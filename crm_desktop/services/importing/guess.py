"""A best guess of which contact field each column of an unknown CSV holds, from its header text.

Headers are compared by meaning words in English, German, French, Spanish, Dutch and Italian ("E-Mail",
"Firma", "Telefon", "Prénom"), then by keywords ("Work phone 2" is a phone labelled work), then by a
fuzzy match for typos. CRM and shop exports are read too: "Person - " prefixes (Pipedrive), API names such as
"MailingPostalCode" (Salesforce), and columns about a channel ("Email Opt Out", "E-mail Type") are kept apart
from the channel itself. The guess is a starting point the mapping step shows, never applied silently.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from crm_desktop.services.importing.fields import FIELD_BY_KEY, ColumnMapping

# Header words per contact field, normalized (no accents, lower case); the organization import reuses some.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "display_name": ("name", "full name", "display name", "contact", "contact name", "nom complet",
                     "vollstandiger name", "anzeigename", "nombre completo", "naam", "nome completo", "file as",
                     "person name", "customer name", "client name"),
    "given_name": ("first name", "firstname", "given name", "forename", "vorname", "prenom", "nombre", "voornaam",
                   "nome", "first"),
    "middle_name": ("middle name", "additional name", "second name", "weitere vornamen", "zweiter vorname"),
    "family_name": ("last name", "lastname", "surname", "family name", "nachname", "familienname", "nom",
                    "nom de famille", "apellido", "apellidos", "achternaam", "cognome", "last"),
    "title": ("job title", "title", "position", "job position", "role", "job", "berufsbezeichnung", "funktion", "titre",
              "fonction", "poste", "cargo", "puesto", "functie", "titolo", "ruolo"),
    "organization": ("company", "organization", "organisation", "org", "company name", "organization name",
                     "firma", "firmenname", "unternehmen", "societe", "entreprise", "empresa", "bedrijf",
                     "azienda", "account", "account name", "employer", "related company", "business name",
                     "organisation name", "company account"),
    "email": ("email", "e mail", "mail", "email address", "e mail address", "e mail adresse", "emailadresse",
              "courriel", "adresse e mail", "correo", "correo electronico", "posta elettronica"),
    "phone": ("phone", "telephone", "tel", "phone number", "telefon", "telefonnummer", "telefono", "telefoon",
              "mobile", "cell", "handy", "mobil", "portable", "movil", "cellulare", "fax"),
    "website": ("website", "web site", "web page", "webpage", "url", "homepage", "web", "internet", "webseite",
                "site web", "sitio web", "sito web"),
    "street": ("street", "address", "street address", "address line 1", "strasse", "anschrift", "adresse", "rue",
               "calle", "direccion", "straat", "adres", "indirizzo", "via", "address 1", "street 1",
               "street address 1", "street address line 1"),
    "street_2": ("address line 2", "street 2", "adresszusatz", "complement d adresse", "address 2",
                 "street address 2", "street address line 2"),
    "city": ("city", "town", "stadt", "ort", "wohnort", "ville", "ciudad", "localidad", "plaats", "woonplaats",
             "citta", "locality"),
    "region": ("state", "region", "province", "county", "bundesland", "etat", "provincia", "provincie",
               "state province", "province code", "state code"),
    "postal_code": ("zip", "zip code", "zipcode", "postal code", "postcode", "post code", "plz", "postleitzahl",
                    "code postal", "codigo postal", "cap"),
    "country": ("country", "land", "pays", "pais", "country region", "nation", "staat", "paese", "country code"),
    "birthday": ("birthday", "birth date", "date of birth", "dob", "birthdate", "geburtstag", "geburtsdatum",
                 "anniversaire", "date de naissance", "cumpleanos", "fecha de nacimiento", "verjaardag",
                 "compleanno"),
    "notes": ("notes", "note", "comments", "comment", "notizen", "notiz", "bemerkung", "bemerkungen",
              "anmerkungen", "remarques", "commentaire", "notas", "opmerkingen", "description", "memo"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups", "group", "kategorien",
             "kategorie", "gruppen", "categorie", "etiquetas", "group membership"),
    "source": ("source", "lead source", "original source", "contact source", "quelle", "herkunft", "origine",
               "fuente"),
    "campaign": ("campaign", "kampagne", "campagne", "campana"),
    "owner": ("owner", "contact owner", "account owner", "assigned to", "besitzer", "verantwortlich", "salesperson",
              "sales person", "sales rep", "record owner", "lead owner"),
    "lifecycle_stage": ("lifecycle stage", "lifecycle", "stage"),
    "lead_status": ("lead status", "status"),
    "marketing_consent": ("marketing consent", "consent", "newsletter", "opt in", "subscribed", "einwilligung",
                          "accepts email marketing", "accepts marketing", "email subscription status",
                          "marketing status", "email marketing consent", "email consent", "subscription status",
                          "marketing opt in", "email marketing"),
    "consent_at": ("optin time", "opt in time", "confirm time", "consent date", "opt in date", "consent given on",
                   "consent time", "subscribed on", "subscription date"),
    "marketing_opt_out": ("opt out", "email opt out", "opted out", "unsubscribed", "has opted out of email",
                          "unsubscribed from all email", "do not email", "unsub time", "opted out of email"),
    "do_not_contact": ("do not contact", "dnc", "do not call"),
    "is_company": ("is a company", "is company", "company type", "is organization", "is organisation"),
    "external_ref": ("id", "external id", "external ref", "external reference", "reference", "ref",
                     "customer number", "customer id", "contact id", "kundennummer", "kunden nr", "numero client",
                     "record id", "person id", "reference id", "member id", "client id"),
}  # fmt: skip

_PHONE_WORDS = ("phone", "tel", "mobil", "handy", "cell", "fax", "portable", "movil", "pager")
_NOT_PHONE_WORDS = ("phonetic", "television", "telegram", "telex")
_LABEL_WORDS = (
    ("fax", ("fax",)),
    ("pager", ("pager",)),
    ("mobile", ("mobile", "mobil", "cell", "handy", "portable", "movil", "cellulare", "iphone")),
    ("work", ("work", "business", "office", "geschaft", "geschaftlich", "buro", "dienstlich", "travail",
              "bureau", "trabajo", "werk", "lavoro")),
    ("home", ("home", "private", "privat", "personal", "domicile", "casa", "thuis", "prive")),
    ("assistant", ("assistant", "asst")),
    ("other", ("other", "andere", "autre", "otro")),
)  # fmt: skip
_GROUP_LABELS = frozenset({"work", "home", "other"})
# Words saying a column is about an address or number, not the address or number itself ("E-mail Type",
# "Email Subscription Status", "Phone Country Code", "Address 1 - PO Box"): such columns are left to the user.
_META_WORDS = frozenset({
    "type", "typ", "label", "status", "verified", "valid", "invalid", "bounce", "bounced", "bounces", "domain",
    "format", "formatted", "display", "count", "opened", "clicked", "sent", "quality", "opt", "optin", "optout",
    "opted", "consent", "marketing", "subscription", "subscribed", "unsubscribed", "accepts", "preference",
    "preferences", "permission", "date", "time", "ext", "extension", "po", "pobox", "box", "postfach",
    "service", "protocol", "score", "rating",
})  # fmt: skip
_CHANNEL_META_WORDS = _META_WORDS | {"code", "country", "area", "prefix", "region"}  # "Phone Country Code"
# Words before "Company" that keep it the contact's company: "billing_company", "Default Address Company".
_COMPANY_WORDS = frozenset(
    {
        "billing",
        "shipping",
        "default",
        "address",
        "associated",
        "primary",
        "current",
        "main",
        "parent",
        "related",
        "employer",
    }
)
# Words that may stand beside "e-mail" in a column that holds the address ("Secondary Email", "E-Mail 2: Adresse").
_EMAIL_WORDS = frozenset({
    "e", "address", "adresse", "addr", "adres", "direccion", "indirizzo", "primary", "secondary", "alternate",
    "alternative", "alt", "additional", "main", "default", "contact", "person", "customer", "client", "user",
    "member", "billing", "shipping", "value", "preferred", "id", "de", "du", "la", "le", "der", "principal",
    "zweite", "weitere", "principale", "secondaire", "autre",
})  # fmt: skip
_GENERIC_ADDRESS = frozenset({"address", "adresse", "anschrift", "adres", "direccion", "indirizzo"})
# "Person - Email - Work": Pipedrive names each column after the record it describes.
_PERSON_ENTITIES = frozenset({"person", "people", "contact", "customer", "client", "member", "subscriber"})
_ORG_ENTITIES = frozenset({"organization", "organisation", "company", "account"})
_OTHER_ENTITIES = frozenset({"deal", "activity", "product", "project", "task", "note", "lead"})
_ORG_NAME = frozenset({"name", "organization name", "organisation name", "company name"})
# Exports whose header reads only in context: each layout's signature (two of these headers) and what some of its
# headers hold there (None: nothing to import).
_LAYOUTS: tuple[tuple[frozenset[str], dict[str, tuple[str, str | None] | None]], ...] = (
    (  # Yahoo Mail: the columns named "Home", "Work", "Other" and "Primary" hold phone numbers
        frozenset({"yahoo phone", "messenger id", "alternate email 1", "distribution lists"}),
        {"home": ("phone", "home"), "work": ("phone", "work"), "other": ("phone", "other"), "primary": ("phone", None),
         "yahoo phone": ("phone", None)},
    ),
    (  # Mailchimp: REGION, CC and the rest come from the subscriber's IP address, not from a postal address
        frozenset({"member rating", "optin time", "optin ip", "confirm ip", "leid", "euid"}),
        {"region": None, "cc": None, "latitude": None, "longitude": None, "timezone": None, "gmtoff": None,
         "dstoff": None},
    ),
)  # fmt: skip
_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z])|(?<=[A-Z][a-z])(?=[A-Z][a-z])")  # word breaks in "LeadSource"
_LOOKUP = {phrase.replace(" ", ""): key for key, phrases in SYNONYMS.items() for phrase in phrases}
_FUZZY_CHOICES = list(_LOOKUP)


def normalize(header: str) -> str:
    """Lower-case words without accents or punctuation: "E-Mail-Adresse (privat)" → "e mail adresse privat"."""
    text = unicodedata.normalize("NFKD", header.casefold().replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _label(words: list[str]) -> str | None:
    for label, keys in _LABEL_WORDS:
        if any(word.startswith(key) for word in words for key in keys):
            return label
    return None


def guess_field(header: str, *, fuzzy: bool = True) -> tuple[str, str | None] | None:
    """(field, label) for one header, or None when nothing fits; `fuzzy` also tries near spellings ("Adress")."""
    entity, _, rest = header.partition(" - ")
    if rest and normalize(entity) in _PERSON_ENTITIES:
        header = rest  # "Person - Email - Work" is the person's work e-mail
    elif rest and normalize(entity) in _ORG_ENTITIES | _OTHER_ENTITIES:
        return ("organization", None) if normalize(rest) in _ORG_NAME and normalize(entity) in _ORG_ENTITIES else None
    text = normalize(_CAMEL.sub(" ", header))  # Salesforce's "MailingPostalCode", "HasOptedOutOfEmail"
    if not text:
        return None
    words = text.split()
    base_words = [w for w in words if not w.isdigit()]
    label = _label(base_words)
    for candidate in (text, " ".join(base_words)):
        key = _LOOKUP.get(candidate.replace(" ", ""))
        if key:
            return key, label if FIELD_BY_KEY[key].multiple or key in _ADDRESS_KEYS else None
    if len(base_words) > 1 and base_words[-1] in ("id", "ids"):
        return None  # "AccountId", "OwnerId": the key of another record, not its name
    about = any(w in _CHANNEL_META_WORDS for w in base_words)
    joined = "".join(base_words)
    if "mail" in joined and "mailing" not in joined:
        plain = all("mail" in w or w in _EMAIL_WORDS or _label([w]) for w in base_words)
        return ("email", label) if plain and not about else None
    phone_words = [w for w in base_words if not w.startswith(_NOT_PHONE_WORDS)]
    if any(w.startswith(_PHONE_WORDS) or w.endswith(("phone", "telefon", "telefoon")) for w in phone_words):
        return None if about else ("phone", label)
    if any(w in _META_WORDS for w in base_words):
        return None
    if len(base_words) > 1 and _LOOKUP.get(base_words[-1]) == "organization":
        return ("organization", None) if set(base_words[:-1]) <= _COMPANY_WORDS else None
    found = _address_part(words, label)
    if found is not None or not fuzzy:
        return found
    best = process.extractOne(joined, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=86)
    if best is not None:
        key = _LOOKUP[best[0]]
        return key, label if FIELD_BY_KEY[key].multiple else None
    return None


def _address_part(words: list[str], label: str | None) -> tuple[str, str | None] | None:
    """ "Business City", "Privat PLZ", "Default Address City", "billing_address_2": the part of an address a
    column holds, named after a label or a block's name; "Default Address Company" is the company."""
    found: list[str] = []
    for index, word in enumerate(words):
        key = _LOOKUP.get(word) or _LOOKUP.get("".join(words[index : index + 2]))  # "Home Postal Code"
        if word in _GENERIC_ADDRESS or word in ("street", "strasse"):
            after = words[index + 1 : index + 3]
            number = next((w for w in after if w.isdigit()), None) if after[:1] in (["line"], after[:1]) else None
            key = "street_2" if number == "2" else key
        if key in _ADDRESS_KEYS or (key == "website" and word != "internet"):  # not Outlook's "Internet Free Busy"
            found.append(key)
    if not found:
        return None
    if len(words) > 1 and _LOOKUP.get(words[-1]) == "organization":
        return "organization", None
    generic = _LOOKUP.get("address")
    specific = [key for key in found if key != generic]
    return (specific or found)[0], label


_ADDRESS_KEYS = frozenset(f.key for f in FIELD_BY_KEY.values() if f.address)


def _layout(normalized: list[str]) -> dict[str, tuple[str, str | None] | None]:
    names = set(normalized)
    for signature, meanings in _LAYOUTS:
        if len(signature & names) >= 2:
            return meanings
    return {}


def guess_mapping(headers: list[str]) -> list[ColumnMapping]:
    """A mapping for an unknown header: each single field from its first column, emails and phones from all."""
    normalized = [normalize(h) for h in headers]
    layout = _layout(normalized)
    result: list[ColumnMapping] = []
    taken: set[tuple[str, str]] = set()
    for column, header in enumerate(headers):
        guess = layout[normalized[column]] if normalized[column] in layout else guess_field(header)
        if guess is None:
            continue
        key, label = guess
        spec = FIELD_BY_KEY[key]
        group = label if spec.address and label in _GROUP_LABELS else ""
        slot = (key, group)
        if not (spec.multiple or spec.fallback) and slot in taken:
            continue
        taken.add(slot)
        result.append(ColumnMapping(column, key, label if spec.multiple else None, None, group))
    return result
