"""Invent the customers and order lines of the demo's deal registrations."""

import random
from decimal import Decimal
from typing import Any

from cairn.demo import blueprint, data
from cairn.demo.blueprint import weighted_key
from cairn.demo.context import GenerationContext
from cairn.demo.plan import PlannedOrganization

PRODUCTS = (
    ("CRN-PLT-STD", "Cairn Platform Standard, annual per seat", Decimal("240.00")),
    ("CRN-PLT-ENT", "Cairn Platform Enterprise, annual per seat", Decimal("420.00")),
    ("CRN-SEC-ADV", "Advanced Security add-on, annual per seat", Decimal("96.00")),
    ("CRN-ANL-PRO", "Analytics Pro, annual per seat", Decimal("120.00")),
    ("CRN-SUP-PRM", "Premium Support, annual", Decimal("6500.00")),
    ("CRN-SVC-ONB", "Onboarding and migration services", Decimal("12000.00")),
)
CURRENCIES = {
    "US": "USD", "CA": "CAD", "MX": "MXN", "BR": "BRL", "AR": "ARS", "CL": "CLP",
    "CO": "COP", "PE": "PEN", "GB": "GBP", "CH": "CHF", "SE": "SEK", "NO": "NOK",
    "DK": "DKK", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "TR": "TRY",
    "ZA": "ZAR", "AE": "AED", "SA": "SAR", "IL": "ILS", "EG": "EGP", "NG": "NGN",
    "KE": "KES", "MA": "MAD", "IN": "INR", "JP": "JPY", "KR": "KRW", "CN": "CNY",
    "SG": "SGD", "AU": "AUD", "NZ": "NZD", "ID": "IDR", "MY": "MYR", "TH": "THB",
    "PH": "PHP", "VN": "VND", "HK": "HKD", "TW": "TWD",
}  # fmt: skip
NOTES = (
    "Customer is consolidating three legacy tools; budget approved for this year.",
    "Proof of concept finished last week, security review pending.",
    "Renewal of an on-premises installation moving to the cloud.",
    "Introduced through our managed services contract with the customer.",
    "Competitive evaluation against two other vendors.",
    "Phased roll-out: first region this quarter, the rest next year.",
    "",
)


class CustomerMaker:
    """Invent customers with names and web domains no other deal uses."""

    def __init__(self, context: GenerationContext, rng: random.Random) -> None:
        self.context = context
        self.rng = rng
        self.words = data.vocabulary()
        self.used_names: set[str] = set()
        self.used_domains: set[str] = set()

    def customer(self, org: PlannedOrganization) -> dict[str, Any]:
        rng = self.rng
        words = self.words
        for attempt in range(20):
            core = rng.choice(words["name_stems"]) + rng.choice(words["name_endings"])
            if attempt > 10:
                core = f"{rng.choice(words['name_words'])} {core}"
            name = f"{core} {rng.choice(words['customer_kinds'])}"
            if core not in self.used_names:
                break
        self.used_names.add(core)
        domain = data.ascii_slug(name, separator="-") + ".example"
        while domain in self.used_domains:
            domain = f"{domain.removesuffix('.example')}-{rng.randint(2, 99)}.example"
        self.used_domains.add(domain)
        city = org.city
        legal = rng.choice(org.country.legal_formats)
        given, family = self.context.names.person(rng, org.country.name_sources)
        contact_local = data.ascii_slug(f"{given}.{family}", separator=".")
        return {
            "customer_name": legal.format(name=name),
            "customer_domain": domain,
            "country": org.country.code,
            "street": f"{rng.randint(1, 180)} {rng.choice(city.streets)}",
            "city": city.name,
            "postal_code": city.postal_code,
            "contact_name": f"{given} {family}",
            "contact_email": f"{contact_local}@{domain}",
            "deal_type": weighted_key(rng, {"new": 6, "renewal": 2, "upsell": 2}),
            "notes": rng.choice(NOTES),
            "currency": CURRENCIES.get(org.country.code, "EUR"),
        }

    def lines(self) -> list[dict[str, Any]]:
        count = blueprint.weighted(self.rng, (1, 2, 3), (6, 3, 1))
        chosen = self.rng.sample(PRODUCTS, count)
        return [
            {
                "product_code": code,
                "description": description,
                "quantity": 1
                if price > 1000
                else self.rng.choice((10, 25, 50, 120, 300)),
                "unit_amount": price,
            }
            for code, description, price in chosen
        ]
