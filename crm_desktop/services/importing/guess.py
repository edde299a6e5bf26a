"""A best guess of which contact field each column of an unknown CSV holds, from its header text.

Headers are compared by meaning words in English, German, French, Spanish, Dutch and Italian ("E-Mail",
"Firma", "Telefon", "Prénom"), then by keywords ("Work phone 2" is a phone labelled work), then by a
fuzzy match for typos. The guess is a starting point the mapping step shows, never applied silently.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from crm_desktop.services.importing.fields import FIELD_BY_KEY, ColumnMapping

# Header words per contact field, normalized (no accents, lower case); the organization import reuses some.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "display_name": ("name", "full name", "display name", "contact", "contact name", "nom complet",
                     "vollstandiger name", "anzeigename", "nombre completo", "naam", "nome completo", "file as"),
    "given_name": ("first name", "firstname", "given name", "forename", "vorname", "prenom", "nombre", "voornaam",
                   "nome", "first"),
    "middle_name": ("middle name", "additional name", "second name", "weitere vornamen", "zweiter vorname"),
    "family_name": ("last name", "lastname", "surname", "family name", "nachname", "familienname", "nom",
                    "nom de famille", "apellido", "apellidos", "achternaam", "cognome", "last"),
    "title": ("job title", "title", "position", "role", "job", "berufsbezeichnung", "funktion", "titre",
              "fonction", "poste", "cargo", "puesto", "functie", "titolo", "ruolo"),
    "organization": ("company", "organization", "organisation", "org", "company name", "organization name",
                     "firma", "firmenname", "unternehmen", "societe", "entreprise", "empresa", "bedrijf",
                     "azienda", "account", "account name", "employer"),
    "email": ("email", "e mail", "mail", "email address", "e mail address", "e mail adresse", "emailadresse",
              "courriel", "adresse e mail", "correo", "correo electronico", "posta elettronica"),
    "phone": ("phone", "telephone", "tel", "phone number", "telefon", "telefonnummer", "telefono", "telefoon",
              "mobile", "cell", "handy", "mobil", "portable", "movil", "cellulare", "fax"),
    "website": ("website", "web site", "web page", "webpage", "url", "homepage", "web", "internet", "webseite",
                "site web", "sitio web", "sito web"),
    "street": ("street", "address", "street address", "address line 1", "strasse", "anschrift", "adresse", "rue",
               "calle", "direccion", "straat", "adres", "indirizzo", "via"),
    "street_2": ("address line 2", "street 2", "adresszusatz", "complement d adresse"),
    "city": ("city", "town", "stadt", "ort", "wohnort", "ville", "ciudad", "localidad", "plaats", "woonplaats",
             "citta", "locality"),
    "region": ("state", "region", "province", "county", "bundesland", "etat", "provincia", "provincie",
               "state province"),
    "postal_code": ("zip", "zip code", "zipcode", "postal code", "postcode", "post code", "plz", "postleitzahl",
                    "code postal", "codigo postal", "cap"),
    "country": ("country", "land", "pays", "pais", "country region", "nation", "staat", "paese"),
    "birthday": ("birthday", "birth date", "date of birth", "dob", "birthdate", "geburtstag", "geburtsdatum",
                 "anniversaire", "date de naissance", "cumpleanos", "fecha de nacimiento", "verjaardag",
                 "compleanno"),
    "notes": ("notes", "note", "comments", "comment", "notizen", "notiz", "bemerkung", "bemerkungen",
              "anmerkungen", "remarques", "commentaire", "notas", "opmerkingen", "description"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups", "group", "kategorien",
             "kategorie", "gruppen", "categorie", "etiquetas", "group membership"),
    "source": ("source", "lead source", "quelle", "herkunft", "origine", "fuente"),
    "campaign": ("campaign", "kampagne", "campagne", "campana"),
    "owner": ("owner", "contact owner", "account owner", "assigned to", "besitzer", "verantwortlich"),
    "lifecycle_stage": ("lifecycle stage", "lifecycle", "stage"),
    "lead_status": ("lead status", "status"),
    "marketing_consent": ("marketing consent", "consent", "newsletter", "opt in", "subscribed", "einwilligung"),
    "do_not_contact": ("do not contact", "dnc", "do not call", "opt out"),
    "external_ref": ("id", "external id", "external ref", "external reference", "reference", "ref",
                     "customer number", "customer id", "contact id", "kundennummer", "kunden nr", "numero client"),
}  # fmt: skip

_PHONE_WORDS = ("phone", "tel", "mobil", "handy", "cell", "fax", "portable", "movil", "pager")
_LABEL_WORDS = (
    ("fax", ("fax",)),
    ("mobile", ("mobile", "mobil", "cell", "handy", "portable", "movil", "cellulare")),
    ("work", ("work", "business", "office", "geschaft", "geschaftlich", "buro", "dienstlich", "travail",
              "bureau", "trabajo", "werk", "lavoro")),
    ("home", ("home", "private", "privat", "personal", "domicile", "casa", "thuis", "prive")),
    ("other", ("other", "andere", "autre", "otro")),
)  # fmt: skip
_GROUP_LABELS = frozenset({"work", "home", "other"})
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


def guess_field(header: str) -> tuple[str, str | None] | None:
    """(field, label) for one header, or None when nothing fits."""
    text = normalize(header)
    if not text:
        return None
    words = text.split()
    base_words = [w for w in words if not w.isdigit()]
    label = _label(base_words)
    for candidate in (text, " ".join(base_words)):
        key = _LOOKUP.get(candidate.replace(" ", ""))
        if key:
            return key, label if FIELD_BY_KEY[key].multiple or key in _ADDRESS_KEYS else None
    joined = "".join(base_words)
    if "mail" in joined and "mailing" not in joined:
        return "email", label
    if any(w.startswith(_PHONE_WORDS) or w.endswith(("phone", "telefon", "telefoon")) for w in base_words):
        return "phone", label
    for word in base_words:  # "Business City", "Privat PLZ": the address part after a label word
        key = _LOOKUP.get(word)
        if key in _ADDRESS_KEYS or key == "website":
            return key, label
    best = process.extractOne(joined, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=86)
    if best is not None:
        key = _LOOKUP[best[0]]
        return key, label if FIELD_BY_KEY[key].multiple else None
    return None


_ADDRESS_KEYS = frozenset(f.key for f in FIELD_BY_KEY.values() if f.address)


def guess_mapping(headers: list[str]) -> list[ColumnMapping]:
    """A mapping for an unknown header: each single field from its first column, emails and phones from all."""
    result: list[ColumnMapping] = []
    taken: set[tuple[str, str]] = set()
    for column, header in enumerate(headers):
        guess = guess_field(header)
        if guess is None:
            continue
        key, label = guess
        spec = FIELD_BY_KEY[key]
        group = label if spec.address and label in _GROUP_LABELS else ""
        slot = (key, group)
        if not spec.multiple and slot in taken:
            continue
        taken.add(slot)
        result.append(ColumnMapping(column, key, label if spec.multiple else None, None, group))
    return result
