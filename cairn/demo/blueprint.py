"""The shape of the demo ecosystem: programs, kinds of partners and their proportions.

Change the proportions here; the generator only follows them.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from cairn.demo import data
from cairn.partners.choices import MembershipStatus, OrganizationSize, PartnerType

T = TypeVar("T")

DEMO_PASSWORD = "cairn-demo-2026"  # noqa: S105 - the published password of the demo
VENDOR_DOMAIN = "cairn.example"
VENDOR_ADMIN_EMAIL = f"admin@{VENDOR_DOMAIN}"
CHANNEL_MANAGER_EMAIL = f"cm@{VENDOR_DOMAIN}"
# The first two organizations hold the partner personas, at these addresses.
PARTNER_ADMIN_LOCAL_PART = "admin"
PARTNER_REP_LOCAL_PART = "rep"
ACTIVITY_DAYS = 90


@dataclass(frozen=True)
class ProgramSpec:
    """A program of the demo and its tiers, lowest first."""

    name: str
    slug: str
    description: str
    partner_types: tuple[str, ...]
    tiers: tuple[str, ...]
    tier_weights: tuple[int, ...]


PROGRAMS = (
    ProgramSpec(
        name="Resellers",
        slug="resellers",
        description=(
            "Resell our products with margins, deal protection and co-marketing "
            "funds that grow with your tier."
        ),
        partner_types=(
            PartnerType.RESELLER,
            PartnerType.SYSTEMS_INTEGRATOR,
            PartnerType.DISTRIBUTOR,
        ),
        tiers=("Registered", "Silver", "Gold", "Platinum"),
        tier_weights=(45, 30, 18, 7),
    ),
    ProgramSpec(
        name="Referral",
        slug="referral",
        description="Introduce customers and earn a fee on every deal that closes.",
        partner_types=(
            PartnerType.REFERRAL,
            PartnerType.ISV,
            PartnerType.SYSTEMS_INTEGRATOR,
            PartnerType.RESELLER,
        ),
        tiers=("Member", "Preferred"),
        tier_weights=(75, 25),
    ),
    ProgramSpec(
        name="Managed Services",
        slug="managed-services",
        description=(
            "Run our platform as a managed service for your customers, with "
            "usage-based pricing and technical certification."
        ),
        partner_types=(
            PartnerType.MSP,
            PartnerType.SYSTEMS_INTEGRATOR,
            PartnerType.RESELLER,
        ),
        tiers=("Authorized", "Advanced", "Elite"),
        tier_weights=(60, 30, 10),
    ),
)
# The channel manager persona manages this program; both persona partners are in it.
PERSONA_PROGRAM = "resellers"


@dataclass(frozen=True)
class Nature:
    """What kind of company a partner is, and which programs it joins."""

    weight: int
    phrase: str
    first_programs: dict[str, int]
    second_chance: float = 0.0
    second_programs: dict[str, int] = field(default_factory=dict)


NATURES: dict[str, Nature] = {
    PartnerType.RESELLER: Nature(
        34,
        "value-added reseller",
        {"resellers": 1},
        0.3,
        {"managed-services": 5, "referral": 1},
    ),
    PartnerType.SYSTEMS_INTEGRATOR: Nature(
        20,
        "systems integrator",
        {"resellers": 5, "managed-services": 3, "referral": 2},
        0.4,
        {"resellers": 1, "managed-services": 1, "referral": 1},
    ),
    PartnerType.MSP: Nature(
        16, "managed service provider", {"managed-services": 1}, 0.2, {"resellers": 1}
    ),
    PartnerType.REFERRAL: Nature(16, "consultancy", {"referral": 1}),
    PartnerType.DISTRIBUTOR: Nature(4, "distributor", {"resellers": 1}),
    PartnerType.ISV: Nature(
        10, "software company", {"referral": 1}, 0.1, {"resellers": 1}
    ),
}

# size: (weight among partners, relative number of users)
SIZES: dict[str, tuple[int, float]] = {
    OrganizationSize.MICRO: (18, 0.5),
    OrganizationSize.SMALL: (34, 0.8),
    OrganizationSize.MEDIUM: (28, 1.1),
    OrganizationSize.LARGE: (13, 1.5),
    OrganizationSize.ENTERPRISE: (7, 2.0),
}

STATUSES: dict[str, int] = {
    MembershipStatus.ACTIVE: 84,
    MembershipStatus.APPLIED: 7,
    MembershipStatus.SUSPENDED: 4,
    MembershipStatus.ENDED: 5,
}

EMAIL_STYLES = {
    "first.last": 55,
    "flast": 20,
    "firstl": 10,
    "first_last": 10,
    "first": 5,
}

# (events in the last 90 days as a range, weight): dormant, low, medium and high.
ACTIVITY_LEVELS = (((0, 0), 15), ((1, 6), 35), ((6, 18), 35), ((18, 40), 15))

# What partner users do, with weights; vendor decisions come from the memberships.
PARTNER_VERBS = {
    "user.signed_in": 60,
    "invitation.sent": 8,
    "organization.updated": 6,
    "invitation.accepted": 5,
    "membership.tier_changed": 3,
    "api_token.created": 2,
}

# (role, job title, name sources, what they manage) of the vendor staff beyond the
# two personas.
VENDOR_STAFF = (
    ("vendor_admin", "Partner Operations Manager", ("en_GB",), ""),
    ("channel_manager", "Partner Program Manager", ("en_US",), "program:referral"),
    (
        "channel_manager",
        "Partner Program Manager",
        ("en_GB",),
        "program:managed-services",
    ),
    ("channel_manager", "Regional Partner Manager", ("en_US", "en_CA"), "region:na"),
    ("channel_manager", "Regional Partner Manager", ("es_MX", "pt_BR"), "region:latam"),
    ("channel_manager", "Partner Account Manager", ("de_DE", "fr_FR"), "region:emea"),
    ("channel_manager", "Channel Account Manager", ("en_GB", "nl_NL"), "region:emea"),
    (
        "channel_manager",
        "Regional Partner Manager",
        ("en_AU", "ja_JP:romanized"),
        "region:apac",
    ),
)

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
)


def weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    """Pick one item with the given weights."""
    return rng.choices(items, weights=weights)[0]


def weighted_key(rng: random.Random, weights: dict[T, int]) -> T:
    """Pick one key of a {key: weight} mapping."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def allocate(total: int, weights: Sequence[float], *, minimum: int = 2) -> list[int]:
    """Share `total` out by weight, at least `minimum` each and exactly `total` in all.

    Largest remainders decide the last units, so the counts are predictable.
    """
    spare = total - minimum * len(weights)
    shares = [spare * weight / sum(weights) for weight in weights]
    counts = [minimum + int(share) for share in shares]
    by_remainder = sorted(
        range(len(weights)),
        key=lambda i: (shares[i] - int(shares[i]), -i),
        reverse=True,
    )
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def local_part(given: str, family: str, style: str, taken: set[str]) -> str:
    """Return an email local part in the organization's style, not yet taken."""
    first = data.ascii_slug(given.split(maxsplit=1)[0]) or "user"
    last = data.ascii_slug(family) or "team"
    base = {
        "first.last": f"{first}.{last}",
        "flast": f"{first[0]}{last}",
        "firstl": f"{first}{last[0]}",
        "first_last": f"{first}_{last}",
        "first": first,
    }[style]
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate
