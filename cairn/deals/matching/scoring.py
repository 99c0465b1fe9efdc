"""Compare two registrations: a score in [0, 1] made of explained, weighted reasons."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from cairn.deals.matching.facts import DealFacts, RegistrationId


class ReasonCode(StrEnum):
    """Name one kind of evidence that two registrations are about the same deal."""

    SAME_DOMAIN = "SAME_DOMAIN"
    CONTACT_EMAIL_DOMAIN = "CONTACT_EMAIL_DOMAIN"
    RELATED_DOMAIN = "RELATED_DOMAIN"
    SAME_COMPANY_NAME = "SAME_COMPANY_NAME"
    SIMILAR_COMPANY_NAME = "SIMILAR_COMPANY_NAME"
    NEARBY_ADDRESS = "NEARBY_ADDRESS"
    OVERLAPPING_PRODUCTS = "OVERLAPPING_PRODUCTS"
    CLOSE_DATES = "CLOSE_DATES"
    # Counter-evidence: lowers the score, shown to the vendor only.
    DIFFERENT_DOMAIN = "DIFFERENT_DOMAIN"
    DIFFERENT_COUNTRY = "DIFFERENT_COUNTRY"
    DIFFERENT_CITY = "DIFFERENT_CITY"


# Points out of 100 that each reason adds to the score; docs/adr/0008 explains them.
# Within the domain group and within the name group only the strongest reason counts.
POINTS: dict[ReasonCode, int] = {
    ReasonCode.SAME_DOMAIN: 55,
    ReasonCode.CONTACT_EMAIL_DOMAIN: 50,
    ReasonCode.RELATED_DOMAIN: 20,
    ReasonCode.SAME_COMPANY_NAME: 50,
    ReasonCode.SIMILAR_COMPANY_NAME: 35,
    ReasonCode.NEARBY_ADDRESS: 15,
    ReasonCode.OVERLAPPING_PRODUCTS: 15,
    ReasonCode.CLOSE_DATES: 10,
    ReasonCode.DIFFERENT_DOMAIN: -20,
    ReasonCode.DIFFERENT_COUNTRY: -20,
    ReasonCode.DIFFERENT_CITY: -10,
}
# Same city, but no postal codes or coordinates on both sides to say more: with the
# same name, enough for a conflict (50 + 10).
SAME_CITY_POINTS = 10

CONFLICT_THRESHOLD = 0.60
# Normalized Indel similarity (rapidfuzz ratio, 0-100) from which two names count as
# similar: one typo in a two-word name passes, "Acme" against "Acme Foods" (57) not.
SIMILAR_NAME_RATIO = 88.0
# Shorter names are similar at one slip of the keyboard (a letter left out, added,
# changed or two swapped: optimal string alignment distance 1), which the ratio
# misses: "mitrin" and "mutrin" are 83% alike.
TYPO_NAME_MIN_LETTERS = 5
NEARBY_KILOMETRES = 1.0
CLOSE_DATES_DAYS = 90

# Words that a name may gain or lose and still name the same company:
# "Acme Systems" and "Acme Systems Group" are similar, never the same.
GROUP_WORDS = frozenset(
    {
        "group", "groupe", "gruppe", "grupo", "gruppo", "groep", "holding", "holdings",
        "international", "intl", "global", "worldwide",
    }
)  # fmt: skip

# What a partner may read: the kind of evidence, nothing of the other registration.
PARTNER_MESSAGES: dict[ReasonCode, str] = {
    ReasonCode.SAME_DOMAIN: (
        "Another registration names a company with the same web domain."
    ),
    ReasonCode.CONTACT_EMAIL_DOMAIN: (
        "A contact e-mail address on one registration is at the web domain of the "
        "company on another."
    ),
    ReasonCode.RELATED_DOMAIN: (
        "Another registration names a company with a related web domain."
    ),
    ReasonCode.SAME_COMPANY_NAME: (
        "Another registration names a company with the same name."
    ),
    ReasonCode.SIMILAR_COMPANY_NAME: (
        "Another registration names a company with a very similar name."
    ),
    ReasonCode.NEARBY_ADDRESS: (
        "Another registration names a company at the same or a nearby address."
    ),
    ReasonCode.OVERLAPPING_PRODUCTS: (
        "Another registration includes some of the same products."
    ),
    ReasonCode.CLOSE_DATES: (
        f"Another registration expects to close within {CLOSE_DATES_DAYS} days of "
        "this one."
    ),
    # Counter-evidence is never shown to partners; it would hint at the other side.
    ReasonCode.DIFFERENT_DOMAIN: "",
    ReasonCode.DIFFERENT_COUNTRY: "",
    ReasonCode.DIFFERENT_CITY: "",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Explain one piece of evidence and the points it adds to a score, or takes."""

    code: ReasonCode
    points: int
    # For the vendor, who sees both registrations side by side.
    detail: str

    @property
    def partner_message(self) -> str:
        """Return the explanation a partner may read."""
        return PARTNER_MESSAGES[self.code]


@dataclass(frozen=True, slots=True)
class Match:
    """Record how strongly a new registration resembles an existing one, and why."""

    new_id: RegistrationId
    existing_id: RegistrationId
    score: float
    reasons: tuple[Reason, ...]
    counter_reasons: tuple[Reason, ...] = ()

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        """Return the codes of the evidence for a conflict, strongest first."""
        return tuple(reason.code for reason in self.reasons)

    def partner_reasons(self) -> tuple[tuple[ReasonCode, str], ...]:
        """Return the reason codes and messages a partner may see."""
        return tuple((reason.code, reason.partner_message) for reason in self.reasons)

    def as_record(self) -> dict[str, Any]:
        """Return the match as JSON-ready data, to store with the conflict."""
        return {
            "score": self.score,
            "reasons": [_reason_record(reason) for reason in self.reasons],
            "counter_reasons": [
                _reason_record(reason) for reason in self.counter_reasons
            ],
        }


def _reason_record(reason: Reason) -> dict[str, Any]:
    return {
        "code": str(reason.code),
        "points": reason.points,
        "partner_message": reason.partner_message,
        "detail": reason.detail,
    }


def _reason(code: ReasonCode, detail: str) -> Reason:
    return Reason(code=code, points=POINTS[code], detail=detail)


def _domain_reason(new: DealFacts, old: DealFacts) -> Reason | None:
    if new.domain and new.domain == old.domain:
        return _reason(
            ReasonCode.SAME_DOMAIN,
            f"Both customers have the web domain {new.domain} "
            f"(given as {new.customer_domain} and {old.customer_domain}).",
        )
    for mail_side, mail_domain, other_side in (
        (new, new.email_domain, old),
        (old, old.email_domain, new),
    ):
        if mail_domain and mail_domain in (other_side.domain, other_side.email_domain):
            return _reason(
                ReasonCode.CONTACT_EMAIL_DOMAIN,
                f"The contact {mail_side.contact_email} of {mail_side.company_name} is "
                f"at {mail_domain}, the domain of {other_side.company_name}.",
            )
    if new.domain and old.domain and new.domain_label == old.domain_label:
        return _reason(
            ReasonCode.RELATED_DOMAIN,
            f"The web domains {new.domain} and {old.domain} share the name "
            f"{new.domain_label} under different suffixes.",
        )
    return None


def _name_reason(new: DealFacts, old: DealFacts) -> Reason | None:
    if not new.name_key or not old.name_key:
        return None
    names = f'"{new.company_name}" and "{old.company_name}"'
    if new.name_key == old.name_key:
        return _reason(
            ReasonCode.SAME_COMPANY_NAME,
            f"The company names {names} are the same once legal form, accents, "
            f'punctuation and word order are set aside ("{new.name_key}").',
        )
    similarity = max(
        ratio(new.name_key, old.name_key),
        # Word order as written too, so that a typo in a first letter, which moves
        # the word when sorted, still compares letter by letter.
        ratio(new.name_text, old.name_text),
    )
    is_one_typo = (
        min(len(new.name_key), len(old.name_key)) >= TYPO_NAME_MIN_LETTERS
        and OSA.distance(new.name_text, old.name_text, score_cutoff=1) <= 1
    )
    if similarity >= SIMILAR_NAME_RATIO or is_one_typo:
        return _reason(
            ReasonCode.SIMILAR_COMPANY_NAME,
            f'The company names {names} are {similarity:.0f}% alike ("{new.name_key}" '
            f'and "{old.name_key}").',
        )
    extra = new.name_word_set ^ old.name_word_set
    if extra and extra <= GROUP_WORDS and new.name_word_set & old.name_word_set:
        return _reason(
            ReasonCode.SIMILAR_COMPANY_NAME,
            f"The company names {names} differ only by {', '.join(sorted(extra))}.",
        )
    return None


def haversine_km(first: tuple[float, float], second: tuple[float, float]) -> float:
    """Return the great-circle distance between two (latitude, longitude) in km."""
    lat1, lon1 = map(math.radians, first)
    lat2, lon2 = map(math.radians, second)
    half_chord = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, half_chord)))


def _address_reason(new: DealFacts, old: DealFacts) -> Reason | None:
    countries_agree = (
        not new.country_code
        or not old.country_code
        or new.country_code == old.country_code
    )
    if not countries_agree:
        return None
    if new.postal_key and new.postal_key == old.postal_key:
        return _reason(
            ReasonCode.NEARBY_ADDRESS,
            f"Both addresses have the postal code {new.postal_code}.",
        )
    if new.coordinates and old.coordinates:
        distance = haversine_km(new.coordinates, old.coordinates)
        if distance <= NEARBY_KILOMETRES:
            return _reason(
                ReasonCode.NEARBY_ADDRESS,
                f"The addresses are {distance * 1000:.0f} m apart.",
            )
    # Two different postal codes in one city are two addresses, not a match.
    if (
        new.city_key
        and new.city_key == old.city_key
        and not (new.postal_key and old.postal_key)
    ):
        return Reason(
            code=ReasonCode.NEARBY_ADDRESS,
            points=SAME_CITY_POINTS,
            detail=f"Both addresses are in {new.city}; one has no postal code.",
        )
    return None


def _product_reason(new: DealFacts, old: DealFacts) -> Reason | None:
    shared = new.products & old.products
    if not shared:
        return None
    return _reason(
        ReasonCode.OVERLAPPING_PRODUCTS,
        f"Both include {', '.join(sorted(shared))}.",
    )


def _date_reason(new: DealFacts, old: DealFacts) -> Reason | None:
    if new.expected_close_date is None or old.expected_close_date is None:
        return None
    days = abs((new.expected_close_date - old.expected_close_date).days)
    if days > CLOSE_DATES_DAYS:
        return None
    return _reason(
        ReasonCode.CLOSE_DATES,
        f"The expected close dates {new.expected_close_date.isoformat()} and "
        f"{old.expected_close_date.isoformat()} are {days} days apart.",
    )


def _counter_reasons(
    new: DealFacts,
    old: DealFacts,
    domain_reason: Reason | None,
    address_reason: Reason | None,
) -> list[Reason]:
    counter = []
    if domain_reason is None and new.domain and old.domain:
        counter.append(
            _reason(
                ReasonCode.DIFFERENT_DOMAIN,
                f"The web domains {new.domain} and {old.domain} are unrelated.",
            )
        )
    if new.country_code and old.country_code and new.country_code != old.country_code:
        counter.append(
            _reason(
                ReasonCode.DIFFERENT_COUNTRY,
                f"The customers are in {new.country_code} and {old.country_code}.",
            )
        )
    elif (
        address_reason is None
        and new.city_key
        and old.city_key
        and new.city_key != old.city_key
    ):
        # A namesake in another city of the country is most often another company;
        # a branch of the same one usually shares its domain, which outweighs this.
        counter.append(
            _reason(
                ReasonCode.DIFFERENT_CITY,
                f"The customers are in {new.city} and {old.city}.",
            )
        )
    return counter


def compare(new: DealFacts, existing: DealFacts) -> Match | None:
    """Score how likely two registrations claim the same deal; None without evidence.

    The score is the sum of the points of its reasons, clamped to [0, 1]. It is the
    same whichever registration is called new.
    """
    # A direct opportunity and a registration may share a number, never an owner too.
    if (new.owner_key, new.registration_id) == (
        existing.owner_key,
        existing.registration_id,
    ):
        return None
    domain_reason = _domain_reason(new, existing)
    address_reason = _address_reason(new, existing)
    found = (
        domain_reason,
        _name_reason(new, existing),
        address_reason,
        _product_reason(new, existing),
        _date_reason(new, existing),
    )
    reasons = sorted(
        (reason for reason in found if reason is not None),
        key=lambda reason: -reason.points,
    )
    if not reasons:
        return None
    counter = _counter_reasons(new, existing, domain_reason, address_reason)
    total = sum(reason.points for reason in reasons) + sum(
        reason.points for reason in counter
    )
    return Match(
        new_id=new.registration_id,
        existing_id=existing.registration_id,
        score=min(100, max(0, total)) / 100,
        reasons=tuple(reasons),
        counter_reasons=tuple(counter),
    )


def is_conflict(match: Match | None) -> bool:
    """Say whether a match is strong enough to hold a registration for review."""
    return match is not None and match.score >= CONFLICT_THRESHOLD


def find_conflicts(new: DealFacts, candidates: Iterable[DealFacts]) -> list[Match]:
    """Return the conflicts of a new registration among candidates, strongest first."""
    conflicts = []
    for candidate in candidates:
        match = compare(new, candidate)
        if match is not None and is_conflict(match):
            conflicts.append(match)
    return sorted(conflicts, key=lambda match: -match.score)
