"""Vocabularies for demo people and places: names by origin, cities with dialling codes, business names.

Email domains are reserved for documentation (RFC 2606: `example.com`, `*.example`), so no demo address
belongs to a real mailbox.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# (weight, given names, family names): a customer base in Germany with the mix of origins it really has.
ORIGINS: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (58, (
        "Anna", "Lena", "Sophie", "Marie", "Laura", "Julia", "Katharina", "Sabine", "Petra", "Claudia",
        "Nicole", "Stefanie", "Jana", "Lea", "Hannah", "Emma", "Mia", "Clara", "Johanna", "Franziska",
        "Ute", "Birgit", "Monika", "Carolin", "Theresa", "Greta", "Frieda", "Zoë", "Lukas", "Jonas",
        "Felix", "Maximilian", "Paul", "Leon", "Tobias", "Florian", "Sebastian", "Thomas", "Michael",
        "Andreas", "Stefan", "Markus", "Jürgen", "Jörg", "Uwe", "Dieter", "Klaus", "Matthias", "Moritz",
        "Niklas", "Jan", "Tim", "Philipp", "Björn", "Sören", "Günter", "Ralf", "Hans-Peter", "Anne-Kathrin",
    ), (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Schmitt", "Werner", "Krause",
        "Meier", "Lehmann", "Köhler", "Groß", "Jäger", "Weiß", "Vogel", "Günther", "Böhm", "Maurer",
        "Fuchs", "Kühn", "Engel", "Brandt", "Winkler", "Lorenz", "Seidel", "Ziegler", "Voß", "von Bülow",
        "Scholz", "Pohl", "Heinrich",
    )),
    (10, ("Ayşe", "Elif", "Zeynep", "Emine", "Özlem", "Hülya", "Çağla", "Kübra", "Mehmet", "Mustafa",
          "Can", "Emre", "Murat", "Gökhan", "Burak"),
     ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan")),
    (5, ("Agnieszka", "Małgorzata", "Katarzyna", "Zofia", "Łukasz", "Paweł", "Wojciech", "Krzysztof",
         "Michał"),
     ("Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając", "Król", "Wieczorek", "Pawlak", "Dudek")),
    (5, ("Ivana", "Marija", "Jelena", "Mirela", "Luka", "Marko", "Dragan", "Nikola", "Željko"),
     ("Šimić", "Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Knežević", "Petrović", "Đurić")),
    (4, ("Giulia", "Francesca", "Chiara", "Alessandro", "Matteo", "Lorenzo"),
     ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "De Luca")),
    (3, ("Siobhán", "Aoife", "Niamh", "Emily", "Charlotte", "Ciarán", "Seán", "Liam", "Oliver", "James"),
     ("O'Brien", "O'Connor", "Murphy", "Kelly", "Walsh", "Byrne", "McCarthy", "O'Sullivan")),
    (3, ("Amélie", "Léa", "Chloé", "Hélène", "Benoît", "François"),
     ("Dubois", "Lefèvre", "Moreau", "Girard", "Lambert")),
    (3, ("María", "Lucía", "Sofía", "Inês", "José", "João"),
     ("García", "Fernández", "López", "Martínez", "Gonçalves", "Conceição")),
    (2, ("Eleni", "Katerina", "Dimitrios", "Georgios"), ("Papadopoulos", "Georgiou", "Nikolaidis")),
    (2, ("Linh", "Hoa", "Minh", "Duc"), ("Nguyễn", "Trần", "Lê", "Phạm")),
    (2, ("Yasmin", "Leila", "Omar", "Karim", "Samir"), ("Haddad", "Khalil", "Nasser", "Mansour")),
    (1, ("Ingrid", "Åsa", "Søren", "Bjørn", "Henrik"), ("Sørensen", "Nielsen", "Andersson", "Lindqvist")),
    (2, ("Sanne", "Femke", "Daan", "Bram"), ("de Vries", "van der Berg", "Jansen", "Bakker")),
)  # fmt: skip

# (weight, city, region, country, postal code prefix, dialling prefix, subscriber digits)
CITIES: tuple[tuple[int, str, str, str, str, str, int], ...] = (
    (20, "Leipzig", "SN", "DE", "04", "+49341", 7),
    (12, "Berlin", "BE", "DE", "10", "+4930", 8),
    (8, "Dresden", "SN", "DE", "01", "+49351", 7),
    (6, "Hamburg", "HH", "DE", "20", "+4940", 8),
    (6, "München", "BY", "DE", "80", "+4989", 8),
    (5, "Köln", "NW", "DE", "50", "+49221", 7),
    (5, "Frankfurt am Main", "HE", "DE", "60", "+4969", 8),
    (3, "Stuttgart", "BW", "DE", "70", "+49711", 7),
    (3, "Düsseldorf", "NW", "DE", "40", "+49211", 7),
    (4, "Halle (Saale)", "ST", "DE", "06", "+49345", 7),
    (3, "Chemnitz", "SN", "DE", "09", "+49371", 6),
    (3, "Erfurt", "TH", "DE", "99", "+49361", 7),
    (2, "Nürnberg", "BY", "DE", "90", "+49911", 7),
    (2, "Hannover", "NI", "DE", "30", "+49511", 7),
    (2, "Freiburg im Breisgau", "BW", "DE", "79", "+49761", 7),
    (2, "Potsdam", "BB", "DE", "14", "+49331", 7),
    (2, "Münster", "NW", "DE", "48", "+49251", 7),
    (2, "Wien", "W", "AT", "10", "+431", 7),
    (1, "Graz", "ST", "AT", "80", "+43316", 6),
    (2, "Zürich", "ZH", "CH", "80", "+4144", 7),
    (1, "Basel", "BS", "CH", "40", "+4161", 7),
)
MOBILE_PREFIXES = {
    "DE": (
        "+49151",
        "+49152",
        "+49157",
        "+49160",
        "+49170",
        "+49171",
        "+49172",
        "+49175",
        "+49176",
        "+49177",
    ),
    "AT": ("+43664", "+43676", "+43699"),
    "CH": ("+4176", "+4178", "+4179"),
}
MOBILE_DIGITS = {"DE": 8, "AT": 7, "CH": 7}
STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Karl-Liebknecht-Straße", "Gartenweg", "Lindenallee", "Schillerstraße",
    "Goethestraße", "Marktplatz", "Am Mühlgraben", "Kastanienallee", "Rosa-Luxemburg-Straße", "Brühl",
    "Königstraße", "Friedrich-Ebert-Straße", "Am Rosenhang", "Dorfstraße", "Weißenfelser Straße",
)  # fmt: skip
CONSUMER_DOMAINS = ("example.com", "example.net", "example.org")

# (weight, industry, name patterns, sizes): {w} a fanciful word, {f} and {f2} family names.
INDUSTRIES: tuple[tuple[int, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (30, "Café", ("Café {w}", "{w} Kaffeebar", "Kaffeehaus {w}", "{w} Coffee", "Café {f}"), ("1-10", "11-50")),
    (12, "Restaurant", ("Restaurant {w}", "Trattoria {w}", "Gasthaus {w}", "Bistro {w}"), ("1-10", "11-50")),
    (10, "Bakery", ("Bäckerei {f}", "{f}s Backstube", "Konditorei {w}"), ("1-10", "11-50")),
    (18, "Office", ("{f} & {f2} Rechtsanwälte", "{w} Architekten", "{w} Software GmbH", "{f} Consulting",
                    "Steuerbüro {f}", "{w} Design Studio"), ("11-50", "51-200", "201-500")),
    (8, "Hotel", ("Hotel {w}", "Pension {w}", "{w} Boutique Hotel"), ("11-50", "51-200")),
    (6, "Coworking", ("{w} Coworking", "Werkraum {w}", "Hafen {w} Coworking"), ("1-10", "11-50")),
    (8, "Retail", ("Feinkost {f}", "{w} Unverpackt", "Weinhandlung {f}"), ("1-10", "11-50")),
    (8, "Catering", ("{w} Catering", "Eventküche {f}"), ("1-10", "11-50")),
)  # fmt: skip
WORDS = (
    "Lindenblatt", "Sonnenschein", "Mühlenbach", "Elster", "Kranich", "Morgentau", "Abendstern", "Kiebitz",
    "Silberfisch", "Wiesengrund", "Hafenblick", "Rotkehlchen", "Nordlicht", "Bergfink", "Ahorn", "Kastanie",
    "Fuchsbau", "Seeblick", "Löwenzahn", "Eule", "Hummel", "Distel", "Auenwald", "Zaunkönig", "Birke",
    "Pusteblume", "Flussufer", "Goldammer", "Marktplatz", "Altstadt", "Lerche", "Heidekraut", "Mohnblume",
    "Wolke Sieben", "Brückenkopf", "Südstern", "Tannenzapfen", "Uferweg", "Kompass", "Laterne",
)  # fmt: skip
JOB_TITLES = {
    "Café": ("Owner", "Café Manager", "Head Barista", "Shift Lead"),
    "Restaurant": ("Owner", "Head Chef", "Restaurant Manager"),
    "Bakery": ("Owner", "Master Baker", "Store Manager"),
    "Office": ("Office Manager", "Facility Manager", "Managing Director", "Purchasing", "Team Assistant"),
    "Hotel": ("Hotel Manager", "F&B Manager", "Purchasing"),
    "Coworking": ("Community Manager", "Founder", "Operations"),
    "Retail": ("Owner", "Buyer", "Store Manager"),
    "Catering": ("Owner", "Event Manager", "Head Chef"),
}
TEAM = (("Lena Hoffmann", "lena@morgenrot.example"), ("Jonas Becker", "jonas@morgenrot.example"),
        ("Aylin Kaya", "aylin@morgenrot.example"))  # fmt: skip

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                       "ø": "o", "Ø": "O", "å": "a", "æ": "ae", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                       "ı": "i", "'": "", "&": "", "(": "", ")": ""})  # fmt: skip


@lru_cache(maxsize=4096)
def ascii_slug(text: str, sep: str = "-") -> str:
    """Lowercase ASCII for email local parts and domains: Müller -> mueller, O'Brien -> obrien."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    plain = "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in " -.")).lower()
    return sep.join(part for part in plain.replace(".", " ").replace("-", " ").split())
