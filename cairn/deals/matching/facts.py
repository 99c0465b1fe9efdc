"""The facts of one registration that conflict detection compares, normalized once."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from anyascii import anyascii

from cairn.deals.matching.domains import company_domain, domain_label
from cairn.deals.matching.names import company_name_words

RegistrationId: TypeAlias = int | str

_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")


def normalize_postal_code(value: str) -> str:
    """Return a postal code in uppercase, without spaces or dashes: SW1A1AA."""
    return _NOT_ALPHANUMERIC.sub("", anyascii(value)).upper()


def normalize_city(value: str) -> str:
    """Return a city name in lowercase ASCII without punctuation: "Köln" -> "koln"."""
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", anyascii(value)).lower().split())


@dataclass(frozen=True, slots=True)
class DealFacts:
    """Describe one registration, or one opportunity of the direct pipeline, to compare.

    `owner_key` is "partner:<organization id>" or "direct"; matching ignores it, the
    caller uses it to decide whom to compare with. Amounts are not facts here: two
    partners quoting the same deal rarely quote the same amount, so an amount says
    nothing about whether the customer is the same.
    """

    registration_id: RegistrationId
    owner_key: str
    company_name: str
    customer_domain: str = ""
    contact_email: str = ""
    country: str = ""
    city: str = ""
    postal_code: str = ""
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None
    product_codes: frozenset[str] = frozenset()
    expected_close_date: date | None = None
    # The normalized name and registrable domains as stored with a registration
    # (`DealRegistration.match_*`), when known: normalizing a name and looking up
    # public suffixes cost most of a candidate's facts, and a check reads hundreds
    # of candidates. None: work them out from the fields above.
    stored_name: str | None = field(default=None, repr=False, compare=False)
    stored_domain: str | None = field(default=None, repr=False, compare=False)
    stored_email_domain: str | None = field(default=None, repr=False, compare=False)

    # Normalized once, when the facts are made; compare() only reads these.
    name_words: tuple[str, ...] = field(init=False, repr=False, compare=False)
    name_text: str = field(init=False, repr=False, compare=False)
    name_key: str = field(init=False, repr=False, compare=False)
    name_word_set: frozenset[str] = field(init=False, repr=False, compare=False)
    domain: str = field(init=False, repr=False, compare=False)
    domain_label: str = field(init=False, repr=False, compare=False)
    email_domain: str = field(init=False, repr=False, compare=False)
    email_domain_label: str = field(init=False, repr=False, compare=False)
    country_code: str = field(init=False, repr=False, compare=False)
    city_key: str = field(init=False, repr=False, compare=False)
    postal_key: str = field(init=False, repr=False, compare=False)
    coordinates: tuple[float, float] | None = field(
        init=False, repr=False, compare=False
    )
    products: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.stored_name is not None:
            words = tuple(self.stored_name.split())
        else:
            words = company_name_words(self.company_name)
        if self.stored_domain is not None:
            domain = self.stored_domain
        else:
            domain = company_domain(self.customer_domain)
        if self.stored_email_domain is not None:
            email_domain = self.stored_email_domain
        elif self.contact_email:
            email_domain = company_domain(self.contact_email)
        else:
            email_domain = ""
        coordinates = None
        if self.latitude is not None and self.longitude is not None:
            coordinates = (float(self.latitude), float(self.longitude))
        # A frozen dataclass can only be completed through object.__setattr__.
        setattr_ = object.__setattr__
        setattr_(self, "name_words", words)
        setattr_(self, "name_text", " ".join(words))
        setattr_(self, "name_key", " ".join(sorted(words)))
        setattr_(self, "name_word_set", frozenset(words))
        setattr_(self, "domain", domain)
        setattr_(self, "domain_label", domain_label(domain))
        setattr_(self, "email_domain", email_domain)
        setattr_(self, "email_domain_label", domain_label(email_domain))
        setattr_(self, "country_code", self.country.strip().upper())
        setattr_(self, "city_key", normalize_city(self.city))
        setattr_(self, "postal_key", normalize_postal_code(self.postal_code))
        setattr_(self, "coordinates", coordinates)
        setattr_(
            self,
            "products",
            frozenset(
                code.strip().upper() for code in self.product_codes if code.strip()
            ),
        )
