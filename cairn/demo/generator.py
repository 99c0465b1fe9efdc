"""Generate a believable partner ecosystem, the same for the same seed.

A generator, not a service: it writes straight to the models in bulk, so that 10,000
partner organizations and 100,000 users take minutes, not hours, and it records the
history it invents (activity events, audit entries) as data rather than through
`record_event`, whose consumers would run once per row. It refuses a database that
already has partner organizations. Times are relative to when it runs.

Each aggregate has its own module (reference, people, organizations, memberships,
history, deals, learning); this one runs them in order. Only the deals and learning
steps go through the services (see deals.py and learning.py), capped so that large
ecosystems stay quick. Every module
draws from its own random stream of the seed (GenerationContext.rng), so the order of
the steps is part of the output.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from cairn.demo import blueprint, data
from cairn.demo.context import GenerationContext
from cairn.demo.deals import generate_deals
from cairn.demo.history import generate_history
from cairn.demo.learning import generate_learning
from cairn.demo.memberships import generate_memberships
from cairn.demo.organizations import generate_organizations
from cairn.demo.people import generate_partner_users, generate_vendor_staff
from cairn.demo.reference import generate_reference_data
from cairn.partners.models import PartnerOrganization


class EcosystemExistsError(Exception):
    """The database already has partner organizations."""


@dataclass
class Summary:
    """What the generator created, and how long each step took."""

    seed: int
    partners: int = 0
    countries: int = 0
    users: int = 0
    vendor_users: int = 0
    memberships: int = 0
    events: int = 0
    audit_entries: int = 0
    registrations: int = 0
    conflicts: int = 0
    enrollments: int = 0
    seconds: float = 0.0
    steps: list[tuple[str, int, float]] = field(default_factory=list)


class Writer(Protocol):
    """Where progress goes: a file, sys.stdout or a command's stdout."""

    def write(self, text: str, /) -> Any: ...


def ecosystem_exists() -> bool:
    """Say whether the database has partner organizations already."""
    return bool(PartnerOrganization.objects.exists())


def generate_ecosystem(
    *,
    seed: int,
    partners: int = 200,
    users_per_partner: int = 10,
    stdout: Writer | None = None,
) -> Summary:
    """Generate `partners` organizations with `users_per_partner` users on average.

    The first two organizations hold the demo's partner personas (see personas.py).
    """
    if partners < 2:
        raise ValueError("The demo needs at least two partner organizations.")
    if users_per_partner < 2:
        raise ValueError("The demo needs at least two users per partner.")
    if ecosystem_exists():
        raise EcosystemExistsError("The database already has partner organizations.")
    generator = _Generator(seed=seed, stdout=stdout)
    with transaction.atomic():
        summary = generator.run(partners=partners, users_per_partner=users_per_partner)
    with generator.step("statistics") as count:
        # Fresh planner statistics: right after a bulk load the database would
        # otherwise plan queries for the empty tables it last saw.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        count[0] = 1
    summary.seconds += summary.steps[-1][2]
    return summary


class _Generator:
    def __init__(self, *, seed: int, stdout: Writer | None) -> None:
        self.stdout = stdout
        self.context = GenerationContext(
            seed=seed,
            now=timezone.now().replace(second=0, microsecond=0),
            names=data.NamePools(seed),
        )
        self.summary = Summary(seed=seed)

    @contextmanager
    def step(self, name: str) -> Iterator[list[int]]:
        count = [0]
        started = time.perf_counter()
        yield count
        seconds = time.perf_counter() - started
        self.summary.steps.append((name, count[0], seconds))
        if self.stdout is not None:
            self.stdout.write(f"  {name:<18} {count[0]:>9,} in {seconds:6.1f} s\n")

    def run(self, *, partners: int, users_per_partner: int) -> Summary:
        context = self.context
        summary = self.summary
        started = time.perf_counter()
        with self.step("reference data") as count:
            # One hash for every demo user: hashing 100,000 passwords would take hours.
            context.password = make_password(blueprint.DEMO_PASSWORD)
            count[0] = generate_reference_data(context)
        with self.step("vendor staff") as count:
            summary.vendor_users = count[0] = generate_vendor_staff(context)
        with self.step("organizations") as count:
            orgs = generate_organizations(context, partners)
            count[0] = len(orgs)
        with self.step("memberships") as count:
            summary.memberships = count[0] = generate_memberships(context, orgs)
        with self.step("partner users") as count:
            total = partners * users_per_partner
            summary.users = count[0] = generate_partner_users(context, orgs, total)
        with self.step("events and audit") as count:
            summary.events, summary.audit_entries = generate_history(context, orgs)
            count[0] = summary.events + summary.audit_entries
        with self.step("deal registrations") as count:
            summary.registrations, summary.conflicts = generate_deals(context, orgs)
            count[0] = summary.registrations
        with self.step("learning") as count:
            summary.enrollments = count[0] = generate_learning(context)
        summary.partners = len(orgs)
        summary.countries = len({org.country.code for org in orgs})
        summary.seconds = time.perf_counter() - started
        return summary
