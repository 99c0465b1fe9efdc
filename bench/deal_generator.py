"""Generate deal registrations and a labelled set of conflict queries from a seed.

Used by bench/deal_conflicts.py. Pure Python: no database. The same seed and size give
the same registrations and queries on every machine (Faker is pinned).

Each generated registration is a distinct customer company: its web domain is unique,
and two registrations share a company name only as different companies do in real
life (the same family name or word in another city or country). Company names mix
the kinds found in a CRM: coined brands ("Zorvika Systems"), family names ("Müller
Logistik GmbH"), descriptive names from a few hundred common words ("Cedar Harbor
Foods"), initials ("KPM Consulting Ltd") and, in their countries, names written in
Japanese, Korean, Chinese, Thai, Cyrillic, Greek, Hebrew and Arabic script.

The labelled set is made from randomly chosen open registrations:
- true duplicates: another partner registers the same customer, written differently
  (legal form, transliteration or accents, word order, a typo, a subdomain or another
  country suffix of the domain, a contact at the company's domain, the same address);
- near-misses: a different company whose name is the same or close (another country,
  another domain, other products, or a neighbour at the same postal code); the right
  answer is "no conflict".
"""

import itertools
import random
import re
import string
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from anyascii import anyascii  # noqa: E402
from faker import Faker  # noqa: E402

from cairn.demo import data  # noqa: E402

PRODUCTS = tuple(
    f"CRN-{family}-{edition}"
    for family in ("PLT", "SEC", "ANL", "INT", "MOB", "DWH", "IAM", "OBS")
    for edition in ("STD", "PRO", "ENT", "SUP", "SVC")
)
# Popular products first: a single vendor's deals share products often.
PRODUCT_WEIGHTS = tuple(
    itertools.accumulate(1 / (rank + 3) for rank in range(len(PRODUCTS)))
)

OPEN_STATUSES = ("submitted", "under_review", "approved")
STATUS_WEIGHTS = {
    "submitted": 20,
    "under_review": 10,
    "approved": 50,
    "rejected": 10,
    "expired": 10,
}
STATUSES = tuple(STATUS_WEIGHTS)
STATUS_CUMULATIVE = tuple(itertools.accumulate(STATUS_WEIGHTS.values()))

# Web suffix per country; others use ".com".
TLDS = {
    "GB": "co.uk", "DE": "de", "FR": "fr", "ES": "es", "IT": "it", "NL": "nl",
    "BE": "be", "CH": "ch", "AT": "at", "SE": "se", "NO": "no", "DK": "dk", "FI": "fi",
    "PL": "pl", "CZ": "cz", "PT": "pt", "IE": "ie", "JP": "co.jp", "KR": "co.kr",
    "AU": "com.au", "NZ": "co.nz", "BR": "com.br", "MX": "com.mx", "AR": "com.ar",
    "CO": "com.co", "IN": "in", "ZA": "co.za", "TW": "com.tw", "HK": "com.hk",
    "SG": "com.sg", "CA": "ca", "TR": "com.tr", "IL": "co.il", "TH": "co.th",
    "VN": "vn", "ID": "co.id", "MY": "com.my", "RU": "ru", "UA": "com.ua", "GR": "gr",
    "BG": "bg", "SA": "com.sa", "AE": "ae", "EG": "com.eg",
}  # fmt: skip

# Countries whose companies are often written in their own script, with the Faker
# locale that invents such names and the share of companies named that way.
NATIVE_SCRIPT = {
    "JP": ("ja_JP", 0.7),
    "KR": ("ko_KR", 0.7),
    "TW": ("zh_TW", 0.6),
    "HK": ("zh_TW", 0.3),
    "TH": ("th_TH", 0.5),
    "RU": ("ru_RU", 0.8),
    "UA": ("uk_UA", 0.8),
    "GR": ("el_GR", 0.7),
    "BG": ("bg_BG", 0.7),
    "IL": ("he_IL", 0.4),
    "SA": ("ar_SA", 0.4),
    "AE": ("ar_SA", 0.2),
    "EG": ("ar_SA", 0.3),
}
# Cities in Cyrillic- and Greek-writing countries, which the demo data lacks:
# (city, country, latitude, longitude, postal code prefix, weight, streets).
EXTRA_CITIES = (
    ("Moscow", "RU", "55.755800", "37.617300", "101", 4, ("Tverskaya", "Arbat")),
    ("Saint Petersburg", "RU", "59.931100", "30.360900", "190", 2, ("Nevsky",)),
    ("Kyiv", "UA", "50.450100", "30.523400", "010", 2, ("Khreshchatyk",)),
    ("Athens", "GR", "37.983800", "23.727500", "105", 2, ("Ermou", "Stadiou")),
    ("Sofia", "BG", "42.697700", "23.321900", "100", 1, ("Vitosha",)),
)
LEGAL_FORMS_EXTRA = {
    "RU": ("{name} LLC", "OOO {name}"),
    "UA": ("{name} LLC", "TOV {name}"),
    "GR": ("{name} S.A.", "{name} IKE"),
    "BG": ("{name} OOD", "{name} EOOD"),
}

# Kinds of business, per language, added after the name.
KINDS = {
    "en": "Systems Solutions Technologies Consulting Logistics Foods Freight Health "
    "Clinics Bank Insurance Retail Energy Capital Partners Labs Media Manufacturing "
    "Engineering Construction Properties Pharma Motors Textiles Hotels Airlines "
    "Telecom Software Analytics Security Networks Group Holdings International",
    "de": "Logistik Bau Technik Handel Versicherung Maschinenbau Elektro Immobilien "
    "Beratung Software Systeme Werke Transporte Lebensmittel Gruppe",
    "fr": "Conseil Transports Batiment Assurances Distribution Industries Informatique "
    "Services Ingenierie Groupe",
    "es": "Construcciones Transportes Seguros Alimentos Servicios Sistemas Consultores "
    "Inmobiliaria Grupo",
    "it": "Costruzioni Trasporti Assicurazioni Alimentari Servizi Sistemi Impianti "
    "Gruppo",
    "nl": "Bouw Transport Techniek Verzekeringen Installatietechniek Groep",
    "pt": "Construtora Transportes Seguros Alimentos Servicos Sistemas Grupo",
}
LANGUAGE_OF = {
    "DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "ES": "es", "MX": "es",
    "AR": "es", "CO": "es", "CL": "es", "PE": "es", "UY": "es", "CR": "es", "IT": "it",
    "NL": "nl", "BR": "pt", "PT": "pt",
}  # fmt: skip

# Words of descriptive names, drawn with a skew: at 1,000,000 registrations the
# commonest is in about 4,500 names, the rarest in about 700 ("Summit", "Cedar").
DESCRIPTIVE_WORDS = """
Summit Cedar Granite Harbor Pioneer Apex Liberty Eagle Falcon Phoenix Atlas Orion
Vertex Horizon Meridian Beacon Anchor Compass Keystone Cornerstone Heritage Legacy
Premier Pinnacle Crest Ridge Valley River Lake Ocean Coastal Bay Prairie Mountain
Forest Oak Maple Willow Birch Pine Aspen Cypress Sequoia Redwood Elm Ash Laurel Ivy
Rose Lotus Orchid Jasmine Iris Sage Juniper Magnolia Acacia Bamboo Sterling Golden
Silver Copper Iron Steel Cobalt Crimson Scarlet Azure Indigo Emerald Sapphire Ruby
Amber Onyx Pearl Jade Coral Ivory Ebony Blue Green Red White Black Grey Northern
Southern Eastern Western Central Metro Urban Rural Capital Royal Imperial Crown
Regal Noble Sovereign Empire Kingdom Republic Union United Allied Alliance Federal
National Continental Global Universal Infinite Eternal Prime First Alpha Beta Delta
Gamma Omega Sigma Zenith Nova Stellar Solar Lunar Astro Cosmo Galaxy Nebula Comet
Meteor Rocket Orbit Quantum Fusion Vector Matrix Nexus Vortex Pulse Spark Flash Bolt
Thunder Storm Rain Snow Frost Ice Fire Flame Blaze Ember Sun Star Moon Sky Cloud
Wind Breeze Tide Wave Stream Spring Brook Creek Canyon Mesa Delta Harbour Port
Bridge Gate Tower Castle Fort Citadel Haven Harvest Orchard Meadow Field Garden
Grove Park Square Plaza Avenue Street Lane Road Way Path Trail Route Voyage Journey
Quest Venture Frontier Pathfinder Trailblazer Navigator Explorer Ranger Scout
Guardian Sentinel Shield Armor Fortress Bastion Vanguard Titan Giant Mammoth Lion
Tiger Bear Wolf Fox Hawk Raven Owl Swan Dolphin Whale Shark Stallion Mustang Bison
Elk Moose Lynx Panther Jaguar Cougar Cheetah Leopard Rhino Buffalo Bright Clear Pure
True Swift Rapid Smart Wise Bold Brave Grand Great Mighty Strong Solid Sound Steady
Trusted Reliable Precision Accurate Optimal Dynamic Active Agile Evergreen Everest
Kilimanjaro Alpine Nordic Baltic Atlantic Pacific Arctic Tropic Sahara Andes Amazon
Danube Rhine Thames Hudson Mississippi Columbia Sierra Rocky Highland Lowland
Midland Westfield Eastwood Northgate Southport Riverside Lakeside Seaside Hillside
Parkside Brookside Oakwood Elmwood Pinewood Redwood Greenfield Brightwater
Clearwater Stillwater Silverstone Blackstone Whitestone Redstone Keystone Flagstone
Cobblestone Milestone Touchstone Capstone Lodestar Polaris Aurora Borealis Equinox
Solstice Eclipse Horizon Dawn Dusk Twilight Midnight Noon
""".split()  # noqa: SIM905
DESCRIPTIVE_WEIGHTS = tuple(
    itertools.accumulate(1 / (rank + 40) for rank in range(len(DESCRIPTIVE_WORDS)))
)

# Syllables of coined brand names ("Zorvika", "Talenta", "Brixon").
ONSETS = "b br c ch d dr f fl g gr h j k kl l m n p pr qu r s sc sh st t tr v w x z"
ONSETS_LIST = ONSETS.split()
VOWELS = "a e i o u a e i o y".split()  # noqa: SIM905
CODAS = ["", "", "", "n", "r", "x", "l", "s", "m", "k", "t", "nt", "rk", "ll", "ss"]

# Typos by keyboard neighbourhood, for substitutions.
NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh",
    "h": "gj", "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm",
    "o": "ip", "p": "o", "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi",
    "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}  # fmt: skip

# German-style transliteration of umlauts, as partners type them on other keyboards.
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                         "Ü": "Ue", "ß": "ss"})  # fmt: skip
# A BGN/PCGN-style romanization of Cyrillic, which differs from anyascii's in places
# (х -> kh, ц -> ts, й -> y, е at the start -> ye), as a partner would write it.
CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
        "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
        "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi",
        "є": "ye", "ґ": "g",
    }
)  # fmt: skip
NATIVE_LEGAL_FORM = re.compile(
    "株式会社|有限会社|合同会社|股份有限公司|有限公司|주식회사|유한회사|\\(주\\)|\\(유\\)"
)
FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.co.uk", "gmx.de", "hotmail.fr")

START = date(2026, 12, 1)


_NAME_POOLS: dict[int, data.NamePools] = {}
_NATIVE_POOLS: dict[tuple[int, int], dict[str, tuple[str, ...]]] = {}


@dataclass(frozen=True)
class Place:
    """A city where customers are, with its postal codes."""

    city: str
    country: str
    latitude: float
    longitude: float
    postal_prefix: str
    weight: int
    streets: tuple[str, ...]
    postal_codes: int


@dataclass
class Registration:
    """One registration: the fields of a DealRegistration and its product codes."""

    index: int
    partner: int
    status: str
    customer_name: str
    customer_domain: str
    country: str
    city: str
    street: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    contact_name: str
    contact_email: str
    expected_close_date: date
    products: tuple[str, ...]
    amount: Decimal
    # What the generator knows and the product does not: the name without legal form.
    core: str = field(default="", repr=False)
    place: int = field(default=0, repr=False)

    def fields(self) -> dict[str, Any]:
        """Return the DealRegistration fields of this registration."""
        return {
            "customer_name": self.customer_name,
            "customer_domain": self.customer_domain,
            "country": self.country,
            "city": self.city,
            "street": self.street,
            "postal_code": self.postal_code,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "expected_close_date": self.expected_close_date,
        }


@dataclass
class Query:
    """A labelled registration to check: a true duplicate of `target`, or not."""

    label: str  # "duplicate" or "near_miss"
    kind: str
    target: int  # index of the registration it was made from
    registration: Registration

    def as_json(self) -> dict[str, Any]:
        """Return the query as JSON-ready data."""
        fields = self.registration.fields()
        for name in ("latitude", "longitude"):
            fields[name] = None if fields[name] is None else str(fields[name])
        fields["expected_close_date"] = fields["expected_close_date"].isoformat()
        return {
            "label": self.label,
            "kind": self.kind,
            "target": self.target,
            "partner": self.registration.partner,
            "products": list(self.registration.products),
            "fields": fields,
        }


DUPLICATE_KINDS = (
    "legal_form",
    "transliteration",
    "word_order",
    "typo",
    "subdomain",
    "other_suffix",
    "contact_email_domain",
    "nearby_address",
)
NEAR_MISS_KINDS = (
    "same_name_other_country",
    "same_name_other_city",
    "similar_name",
    "neighbour",
)


class Generator:
    """Invent `registrations` registrations of `partners` partners from a seed."""

    def __init__(self, *, seed: int, registrations: int, partners: int) -> None:
        self.seed = seed
        self.size = registrations
        self.partners = partners
        self.rng = random.Random(seed)
        self.countries = data.countries()
        self.places = self._places(registrations)
        self.place_weights = list(itertools.accumulate(p.weight for p in self.places))
        # Faker is slow to start per locale: the pools of a seed are drawn once per
        # process (NamePools draws each source from the seed alone).
        self.names = _NAME_POOLS.setdefault(seed, data.NamePools(seed))
        self.native_names = _NATIVE_POOLS.setdefault((seed, registrations), {})
        self.used_labels: set[str] = set()
        self.kinds = {language: words.split() for language, words in KINDS.items()}
        # Partners of very different sizes: a few register most deals.
        self.partner_weights = list(
            itertools.accumulate(1 / (rank + 5) for rank in range(partners))
        )

    # -- places ---------------------------------------------------------------------

    def _places(self, registrations: int) -> list[Place]:
        rows = [
            (c.name, c.country, float(c.latitude), float(c.longitude),
             c.postal_code, c.weight, c.streets)
            for c in data.cities()
        ]  # fmt: skip
        rows += [
            (city, country, float(lat), float(lon), prefix, weight, streets)
            for city, country, lat, lon, prefix, weight, streets in EXTRA_CITIES
        ]
        total = sum(row[5] for row in rows)
        places = []
        for city, country, lat, lon, postal, weight, streets in rows:
            # About 40 registrations per postal code, as in a real customer base.
            codes = max(5, registrations * weight // total // 40)
            places.append(
                Place(city, country, lat, lon, postal, weight, streets, codes)
            )
        return places

    def postal_code(self, place_index: int, number: int) -> str:
        """Return the postal code number `number` of a place, in a country's shape."""
        place = self.places[place_index]
        # Unique per place: real postal codes of two cities never coincide.
        area = 100 + place_index
        if place.country in {"GB", "CA", "NL", "IE"}:
            letters = string.ascii_uppercase
            outward = f"{letters[area % 26]}{letters[area // 26 % 26]}{area % 10}"
            inward = f"{letters[number // 10 % 26]}{letters[number // 260 % 26]}"
            return f"{outward} {number % 10}{inward}"
        if place.country == "JP":
            return f"{area:03d}-{number:04d}"
        if place.country == "BR":
            return f"{area:03d}{number // 1000:02d}-{number % 1000:03d}"
        if place.country == "PL":
            return f"{area % 100:02d}-{number:03d}"
        return f"{area:03d}{number:03d}"

    # -- names ----------------------------------------------------------------------

    def _native_pool(self, locale: str) -> tuple[str, ...]:
        if locale not in self.native_names:
            fake = Faker(locale)
            fake.seed_instance(self.seed ^ zlib.crc32(locale.encode()))
            # Enough names that a country's companies rarely share one by chance.
            names = {fake.company() for _ in range(min(20_000, 200 + self.size // 50))}
            # Faker mixes in English filler ("and Sons", "Group", "PLC") for some
            # locales; keep the names written wholly in the native script.
            native = sorted(n for n in names if not any("a" <= ch <= "z" for ch in n))
            self.native_names[locale] = tuple(native or sorted(names))
        return self.native_names[locale]

    def coined_word(self, rng: random.Random) -> str:
        """Return an invented brand word of two or three syllables."""
        syllables = rng.choice((2, 2, 3))
        word = "".join(
            rng.choice(ONSETS_LIST) + rng.choice(VOWELS) for _ in range(syllables)
        ) + rng.choice(CODAS)
        return word.capitalize()

    def _kind(self, rng: random.Random, country: str) -> str:
        language = LANGUAGE_OF.get(country, "en")
        if language != "en" and rng.random() < 0.4:
            language = "en"
        return rng.choice(self.kinds[language])

    def company_core(self, rng: random.Random, country: str) -> tuple[str, bool]:
        """Return a company name without legal form, and whether it is native script."""
        native = NATIVE_SCRIPT.get(country)
        if native and rng.random() < native[1]:
            return rng.choice(self._native_pool(native[0])), True
        style = rng.random()
        if style < 0.40:
            core = self.coined_word(rng)
            if rng.random() < 0.7:
                core = f"{core} {self._kind(rng, country)}"
        elif style < 0.62:
            sources = (
                self.countries[country].name_sources
                if country in self.countries
                else ("en_US",)
            )
            given, family = self.names.person(rng, sources)
            shape = rng.random()
            if shape < 0.6:
                core = f"{family} {self._kind(rng, country)}"
            elif shape < 0.8:
                _, other = self.names.person(rng, sources)
                core = f"{family} & {other}"
            else:
                core = f"{given} {family} {self._kind(rng, country)}"
        elif style < 0.93:
            first = rng.choices(DESCRIPTIVE_WORDS, cum_weights=DESCRIPTIVE_WEIGHTS)[0]
            if rng.random() < 0.45:
                second = rng.choices(
                    DESCRIPTIVE_WORDS, cum_weights=DESCRIPTIVE_WEIGHTS
                )[0]
                core = f"{first} {second} {self._kind(rng, country)}"
            else:
                core = f"{first} {self._kind(rng, country)}"
        else:
            letters = "".join(
                rng.choices(string.ascii_uppercase, k=rng.choice((2, 3, 3, 4)))
            )
            core = f"{letters} {self._kind(rng, country)}"
        return core, False

    def legal_name(
        self, rng: random.Random, core: str, country: str, native: bool
    ) -> str:
        """Return the core with a legal form of its country, or none."""
        if native or rng.random() < 0.25:
            return core
        return rng.choice(self._legal_forms(country)).format(name=core)

    def _legal_forms(self, country: str) -> tuple[str, ...]:
        if country in LEGAL_FORMS_EXTRA:
            return LEGAL_FORMS_EXTRA[country]
        entry = self.countries.get(country)
        return entry.legal_formats if entry else ("{name} Ltd.",)

    # -- domains --------------------------------------------------------------------

    def domain_label(self, rng: random.Random, core: str, city: str) -> str:
        """Return a web-domain label for a company, unused so far."""
        words = data.ascii_slug(anyascii(core), separator=" ").split()[:3] or ["co"]
        label = "".join(words) if rng.random() < 0.6 else "-".join(words)
        label = label[:40].strip("-") or "co"
        # Labels are unique once dashes are set aside: "acme-foods" and "acmefoods"
        # would be one company's two spellings of its domain.
        candidate = label
        if candidate.replace("-", "") in self.used_labels:
            candidate = f"{label}-{data.ascii_slug(city)}"[:50]
        number = 2
        while candidate.replace("-", "") in self.used_labels:
            candidate = f"{label}{number}"
            number += 1
        self.used_labels.add(candidate.replace("-", ""))
        return candidate

    @staticmethod
    def tld(country: str) -> str:
        """Return the usual web suffix of a country."""
        return TLDS.get(country, "com")

    # -- registrations --------------------------------------------------------------

    def _person(self, rng: random.Random, country: str) -> tuple[str, str]:
        entry = self.countries.get(country)
        sources = entry.name_sources if entry else ("en_US",)
        return self.names.person(rng, sources)

    def _contact(
        self, rng: random.Random, country: str, domain: str
    ) -> tuple[str, str]:
        given, family = self._person(rng, country)
        local = data.ascii_slug(anyascii(f"{given}.{family}"), separator=".") or "info"
        roll = rng.random()
        if domain and roll < 0.75:
            email = f"{local}@{domain}"
        elif roll < 0.88:
            email = f"{local}{rng.randint(1, 99)}@{rng.choice(FREE_MAIL)}"
        else:
            email = ""
        return f"{given} {family}", email

    def _products(self, rng: random.Random) -> tuple[str, ...]:
        count = rng.choice((1, 1, 1, 2, 2, 3))
        chosen: set[str] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(PRODUCTS, cum_weights=PRODUCT_WEIGHTS)[0])
        return tuple(sorted(chosen))

    def _address(
        self, rng: random.Random, place_index: int
    ) -> tuple[str, str, Decimal | None, Decimal | None]:
        place = self.places[place_index]
        street = f"{rng.randint(1, 250)} {rng.choice(place.streets)}"
        # Busy business districts hold more companies than the suburbs.
        number = int(place.postal_codes * rng.random() ** 1.5)
        postal = self.postal_code(place_index, number) if rng.random() < 0.9 else ""
        if rng.random() < 0.3:
            lat = Decimal(f"{place.latitude + rng.uniform(-0.08, 0.08):.6f}")
            lon = Decimal(f"{place.longitude + rng.uniform(-0.08, 0.08):.6f}")
            return street, postal, lat, lon
        return street, postal, None, None

    def registration(self, index: int) -> Registration:
        """Invent the next registration; call in index order."""
        rng = self.rng
        place_index = rng.choices(
            range(len(self.places)), cum_weights=self.place_weights
        )[0]
        place = self.places[place_index]
        country = place.country
        core, native = self.company_core(rng, country)
        name = self.legal_name(rng, core, country, native)
        label = self.domain_label(rng, core, place.city)
        domain = f"{label}.{self.tld(country)}" if rng.random() < 0.85 else ""
        written_domain = domain
        if domain and rng.random() < 0.2:
            written_domain = rng.choice(("www.", "https://", "https://www.")) + domain
        contact_name, email = self._contact(
            rng, country, domain or f"{label}.{self.tld(country)}"
        )
        street, postal, lat, lon = self._address(rng, place_index)
        status = rng.choices(STATUSES, cum_weights=STATUS_CUMULATIVE)[0]
        return Registration(
            index=index,
            partner=rng.choices(range(self.partners), cum_weights=self.partner_weights)[
                0
            ],
            status=status,
            customer_name=name,
            customer_domain=written_domain,
            country=country,
            city=place.city,
            street=street,
            postal_code=postal,
            latitude=lat,
            longitude=lon,
            contact_name=contact_name,
            contact_email=email,
            expected_close_date=START + timedelta(days=rng.randint(0, 364)),
            products=self._products(rng),
            amount=Decimal(rng.randint(5, 500) * 1000),
            core=core,
            place=place_index,
        )

    def registrations(self) -> Iterator[Registration]:
        """Yield every registration, in index order."""
        for index in range(self.size):
            yield self.registration(index)

    # -- labelled queries -----------------------------------------------------------

    def query_targets(self, registrations: list[Registration], count: int) -> list[int]:
        """Return `count` distinct indexes of open registrations, chosen at random."""
        rng = random.Random(self.seed * 7919 + 1)
        open_indexes = [r.index for r in registrations if r.status in OPEN_STATUSES]
        return rng.sample(open_indexes, min(count, len(open_indexes)))

    def queries(
        self, targets: dict[int, Registration], duplicates: int, near_misses: int
    ) -> list[Query]:
        """Return the labelled queries made from the target registrations.

        `targets` maps index -> registration for at least duplicates + near_misses
        open registrations (see `query_targets`).
        """
        rng = random.Random(self.seed * 104729 + 2)
        chosen = sorted(targets)
        rng.shuffle(chosen)
        result = []
        duplicate_targets = chosen[:duplicates]
        # Some variants need a suitable name: a transliteration one that is not
        # plain ASCII, a word order one of two words or more. Those targets go to
        # those variants first.
        needs = {
            "transliteration": lambda r: not r.customer_name.isascii(),
            "word_order": lambda r: len(r.core.split()) >= 2,
        }
        pools = {
            kind: [i for i in duplicate_targets if test(targets[i])]
            for kind, test in needs.items()
        }
        taken: set[int] = set()
        for number in range(len(duplicate_targets)):
            kind = DUPLICATE_KINDS[number % len(DUPLICATE_KINDS)]
            pool = [i for i in pools.get(kind, ()) if i not in taken] or [
                i for i in duplicate_targets if i not in taken
            ]
            index = pool[-1]
            taken.add(index)
            result.append(self.duplicate(rng, targets[index], kind))
        for number, index in enumerate(chosen[duplicates : duplicates + near_misses]):
            kind = NEAR_MISS_KINDS[number % len(NEAR_MISS_KINDS)]
            result.append(self.near_miss(rng, targets[index], kind))
        return result

    def _other_partner(self, rng: random.Random, partner: int) -> int:
        other = rng.randrange(self.partners - 1)
        return other if other < partner else other + 1

    @staticmethod
    def _bare_domain(written: str) -> str:
        return written.removeprefix("https://").removeprefix("www.")

    def _close_date(
        self, rng: random.Random, target: Registration, related: bool
    ) -> date:
        if related:
            return target.expected_close_date + timedelta(days=rng.randint(-60, 60))
        return START + timedelta(days=rng.randint(0, 364))

    def _related_products(
        self, rng: random.Random, target: Registration
    ) -> tuple[str, ...]:
        if rng.random() < 0.6:
            return tuple(sorted({rng.choice(target.products), *self._products(rng)}))
        return self._other_products(rng, target)

    def _other_products(
        self, rng: random.Random, target: Registration
    ) -> tuple[str, ...]:
        others = [code for code in PRODUCTS if code not in target.products]
        return tuple(sorted(rng.sample(others, rng.choice((1, 1, 2)))))

    def typo(self, rng: random.Random, text: str) -> str:
        """Return the text with one typing error in its longest ASCII word."""
        words = text.split(" ")
        candidates = [w for w in words if len(w) >= 4 and w.isascii() and w.isalpha()]
        if not candidates:
            return text
        word = max(candidates, key=len)
        position = rng.randrange(1, len(word) - 1)
        operation = rng.choice(("substitute", "delete", "insert", "transpose"))
        letter = word[position].lower()
        if operation == "substitute":
            new = (
                word[:position]
                + rng.choice(NEIGHBOURS.get(letter, "e"))
                + word[position + 1 :]
            )
        elif operation == "delete":
            new = word[:position] + word[position + 1 :]
        elif operation == "insert":
            new = word[:position] + word[position] + word[position:]
        else:
            new = (
                word[: position - 1]
                + word[position]
                + word[position - 1]
                + word[position + 1 :]
            )
        return text.replace(word, new, 1)

    def transliterate(self, text: str) -> str:
        """Return the name as a partner on another keyboard would write it."""
        if text.isascii():
            return text
        if any("\u0400" <= ch <= "\u04ff" for ch in text):
            return text.translate(CYRILLIC).translate(
                {ord(k.upper()): v.capitalize() for k, v in _cyrillic_pairs()}
            )
        if any(ch in "äöüÄÖÜß" for ch in text):
            return text.translate(UMLAUTS)
        if all(ord(ch) < 0x250 for ch in text):
            return data.to_ascii(text)  # accents dropped: "Société" -> "Societe"
        # CJK, Hangul, Thai, Greek, Hebrew, Arabic: a romanization, with the legal
        # form in Latin letters as the partner would type it.
        stripped = NATIVE_LEGAL_FORM.sub(" ", text)
        romanized = " ".join(word.capitalize() for word in anyascii(stripped).split())
        if stripped != text:
            romanized += " Co., Ltd."
        return romanized

    def duplicate(self, rng: random.Random, target: Registration, kind: str) -> Query:
        """Return another partner's registration of the target's customer."""
        domain = self._bare_domain(target.customer_domain)
        country = target.country
        name = target.customer_name
        give_domain = rng.random() < 0.5
        same_postal = rng.random() < 0.5
        new_domain = domain if give_domain else ""
        email = ""
        if kind == "legal_form":
            forms = [
                f
                for f in self._legal_forms(country)
                if f.format(name=target.core) != name
            ]
            name = (
                rng.choice(forms).format(name=target.core)
                if forms and rng.random() < 0.7
                else target.core
            )
        elif kind == "transliteration":
            name = self.transliterate(name)
            if name == target.customer_name:  # plain ASCII: the accents of another
                name = self.typo(rng, name) if rng.random() < 0.5 else name.upper()
        elif kind == "word_order":
            words = target.core.split()
            if len(words) >= 2:
                rotated = words[1:] + words[:1]
                name = " ".join(rotated)
            else:
                name = f"{target.core} {self._kind(rng, country)}"
        elif kind == "typo":
            name = self.typo(rng, name)
        elif kind == "subdomain":
            if domain:
                new_domain = (
                    rng.choice(("sales.", "eu.", "shop.", "mail.", "www.")) + domain
                )
            name = target.core if rng.random() < 0.5 else name
        elif kind == "other_suffix":
            label = (
                domain.partition(".")[0]
                if domain
                else data.ascii_slug(anyascii(target.core))
            )
            new_domain = f"{label}.{rng.choice(('com', 'net', 'eu', 'io', 'de', 'fr'))}"
            if domain and new_domain == domain:
                new_domain = f"{label}.org"
            name = self.typo(rng, target.core) if rng.random() < 0.3 else target.core
        elif kind == "contact_email_domain":
            new_domain = ""
            email_domain = domain or self._bare_domain(
                target.contact_email.partition("@")[2]
            )
            if email_domain and email_domain.partition(".")[0] not in {
                "gmail",
                "outlook",
                "yahoo",
                "gmx",
                "hotmail",
            }:
                given, family = self._person(rng, country)
                local = (
                    data.ascii_slug(anyascii(f"{given}.{family}"), separator=".")
                    or "info"
                )
                email = f"{local}@{email_domain}"
            name = self.typo(rng, name) if rng.random() < 0.5 else target.core
        elif kind == "nearby_address":
            new_domain = ""
            same_postal = True
            name = self.typo(rng, name) if rng.random() < 0.6 else target.core
        if not email:
            contact_domain = new_domain or ""
            contact_name, email = self._contact(
                rng, country, self._bare_domain(contact_domain)
            )
            if (
                not contact_domain
                and "@" in email
                and not any(email.endswith(free) for free in FREE_MAIL)
            ):
                email = ""
        else:
            contact_name = email.partition("@")[0].replace(".", " ").title()
        if same_postal and target.postal_code:
            postal = target.postal_code
            lat, lon = target.latitude, target.longitude
            if lat is not None and lon is not None and rng.random() < 0.5:
                lat = Decimal(f"{float(lat) + rng.uniform(-0.002, 0.002):.6f}")
                lon = Decimal(f"{float(lon) + rng.uniform(-0.002, 0.002):.6f}")
        else:
            _, postal, lat, lon = self._address(rng, target.place)
            if rng.random() < 0.5:
                postal = ""
        registration = Registration(
            index=-1,
            partner=self._other_partner(rng, target.partner),
            status="draft",
            customer_name=name,
            customer_domain=new_domain,
            country=country,
            city=target.city,
            street=target.street if same_postal else "",
            postal_code=postal,
            latitude=lat,
            longitude=lon,
            contact_name=contact_name,
            contact_email=email,
            expected_close_date=self._close_date(rng, target, rng.random() < 0.6),
            products=self._related_products(rng, target),
            amount=Decimal(rng.randint(5, 500) * 1000),
            core=target.core,
            place=target.place,
        )
        return Query("duplicate", kind, target.index, registration)

    def near_miss(self, rng: random.Random, target: Registration, kind: str) -> Query:
        """Return a registration of a different company whose name looks alike."""
        place_index = target.place
        core = target.core
        if kind == "same_name_other_country":
            others = [
                i for i, p in enumerate(self.places) if p.country != target.country
            ]
            place_index = rng.choice(others)
        elif kind == "same_name_other_city":
            same = [
                i
                for i, p in enumerate(self.places)
                if p.country == target.country and i != target.place
            ]
            place_index = rng.choice(same) if same else target.place
        elif kind == "similar_name":
            words = core.split()
            if len(words) >= 2 and rng.random() < 0.5:
                # Another business of the same stem: "Cedar Foods", "Cedar Freight".
                kind_word = self._kind(rng, target.country)
                while kind_word == words[-1]:
                    kind_word = self._kind(rng, target.country)
                core = " ".join([*words[:-1], kind_word])
            else:
                # A name one letter away: "Globex" and "Glovex".
                core = self.typo(rng, core)
                if core == target.core:
                    core = f"{core} {self._kind(rng, target.country)}"
        elif kind == "neighbour":
            core, _ = self.company_core(rng, target.country)
        place = self.places[place_index]
        country = place.country
        native = not core.isascii()
        name = self.legal_name(rng, core, country, native)
        label = self.domain_label(rng, core, place.city)
        # The domain is unrelated to the target's (another label): a namesake with
        # the same label under another suffix may well be the same group, and is
        # not labelled "no conflict".
        domain = f"{label}.{self.tld(country)}"
        if domain == self._bare_domain(target.customer_domain):
            domain = f"{label}-{data.ascii_slug(place.city)}.{self.tld(country)}"
        contact_name, email = self._contact(rng, country, domain)
        if kind == "neighbour" and target.postal_code:
            street, postal = (
                f"{rng.randint(1, 250)} {rng.choice(place.streets)}",
                target.postal_code,
            )
            lat, lon = None, None
            products = target.products
        else:
            street, postal, lat, lon = self._address(rng, place_index)
            if place_index == target.place:
                # Elsewhere in the same city: another postal code.
                while postal and postal == target.postal_code:
                    street, postal, lat, lon = self._address(rng, place_index)
            products = self._other_products(rng, target)
        registration = Registration(
            index=-1,
            partner=self._other_partner(rng, target.partner),
            status="draft",
            customer_name=name,
            customer_domain=domain,
            country=country,
            city=place.city,
            street=street,
            postal_code=postal,
            latitude=lat,
            longitude=lon,
            contact_name=contact_name,
            contact_email=email,
            expected_close_date=self._close_date(rng, target, False),
            products=products,
            amount=Decimal(rng.randint(5, 500) * 1000),
            core=core,
            place=place_index,
        )
        return Query("near_miss", kind, target.index, registration)


def _cyrillic_pairs() -> list[tuple[str, str]]:
    return [
        (chr(code), CYRILLIC[code])
        for code in CYRILLIC
        if isinstance(CYRILLIC[code], str)
    ]


def query_from_json(entry: dict[str, Any]) -> Query:
    """Rebuild a query stored with `Query.as_json`."""
    fields = dict(entry["fields"])
    for name in ("latitude", "longitude"):
        fields[name] = None if fields[name] is None else Decimal(fields[name])
    fields["expected_close_date"] = date.fromisoformat(fields["expected_close_date"])
    registration = Registration(
        index=-1,
        partner=entry["partner"],
        status="draft",
        products=tuple(entry["products"]),
        amount=Decimal("10000"),
        **fields,
    )
    return Query(entry["label"], entry["kind"], entry["target"], registration)
