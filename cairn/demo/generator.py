"""Generate a believable partner ecosystem, the same for the same seed.

A generator, not a service: it writes straight to the models in bulk, so that 10,000
partner organizations and 100,000 users take minutes, not hours, and it records the
history it invents (activity events, audit entries) as data rather than through
`record_event`, whose consumers would run once per row. It refuses a database that
already has partner organizations. Times are relative to when it runs.
"""

import datetime
import itertools
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from cairn.accounts.models import User
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.core.roles import Role
from cairn.demo import blueprint, data
from cairn.demo.blueprint import weighted, weighted_key
from cairn.demo.history import HistoryWriter
from cairn.demo.plan import PlannedOrganization
from cairn.partners.choices import MembershipStatus, OrganizationSize, PartnerType
from cairn.partners.models import (
    Industry,
    OrganizationEmailDomain,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Specialization,
    Tier,
)

BATCH_SIZE = 2000

M = TypeVar("M", bound=models.Model)


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
        self.seed = seed
        self.stdout = stdout
        self.names = data.NamePools(seed)
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.summary = Summary(seed=seed)
        self.used_names: set[str] = set()
        self.used_domains: set[str] = set()
        self.password = ""
        self.specializations: list[Specialization] = []
        self.industries: list[Industry] = []
        self.programs: dict[str, Program] = {}
        self.tiers: dict[str, list[Tier]] = {}
        self.vendor_admins: list[User] = []
        self.program_managers: dict[str, User] = {}
        self.regional_managers: dict[str, list[User]] = {}

    def rng(self, purpose: str) -> random.Random:
        # One stream per purpose: changing how users are made leaves the
        # organizations of a seed as they were.
        return random.Random(f"{self.seed}:{purpose}")  # noqa: S311 - not a secret

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
        started = time.perf_counter()
        with self.step("reference data") as count:
            # One hash for every demo user: hashing 100,000 passwords would take hours.
            self.password = make_password(blueprint.DEMO_PASSWORD)
            self.specializations = self._named_rows(Specialization, "specializations")
            self.industries = self._named_rows(Industry, "industries")
            self._programs()
            count[0] = len(self.specializations) + len(self.industries)
        with self.step("vendor staff") as count:
            count[0] = self._vendor_staff()
        with self.step("organizations") as count:
            orgs = self._organizations(partners)
            count[0] = len(orgs)
        with self.step("memberships") as count:
            count[0] = self._memberships(orgs)
        with self.step("partner users") as count:
            count[0] = self._partner_users(orgs, partners * users_per_partner)
        with self.step("events and audit") as count:
            count[0] = self._history(orgs)
        self.summary.partners = len(orgs)
        self.summary.countries = len({org.country.code for org in orgs})
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    # Reference data and vendor staff ------------------------------------------------

    def _named_rows(self, model: type[M], vocabulary_key: str) -> list[M]:
        names = data.vocabulary()[vocabulary_key]
        manager = model._default_manager
        existing = set(manager.filter(name__in=names).values_list("name", flat=True))
        manager.bulk_create(
            [
                model(name=name, slug=slugify(name))
                for name in names
                if name not in existing
            ]
        )
        return list(manager.filter(name__in=names).order_by("name"))

    def _programs(self) -> None:
        for spec in blueprint.PROGRAMS:
            program, _ = Program.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "description": spec.description,
                    "partner_types": list(spec.partner_types),
                },
            )
            self.programs[spec.slug] = program
            self.tiers[spec.slug] = [
                Tier.objects.get_or_create(
                    program=program, name=name, defaults={"rank": rank}
                )[0]
                for rank, name in enumerate(spec.tiers, start=1)
            ]

    def _vendor_staff(self) -> int:
        rng = self.rng("vendor")
        people: list[tuple[str, str, str, str, str]] = [
            # (email, full name, role, job title, what they manage)
            (blueprint.VENDOR_ADMIN_EMAIL, "Avery Stone", Role.VENDOR_ADMIN,
             "Head of Partner Operations", ""),
            (blueprint.CHANNEL_MANAGER_EMAIL, "Casey Morgan", Role.CHANNEL_MANAGER,
             "Channel Account Manager", f"program:{blueprint.PERSONA_PROGRAM}"),
        ]  # fmt: skip
        taken = {email.partition("@")[0] for email, *_ in people}
        for role, title, sources, manages in blueprint.VENDOR_STAFF:
            given, family = self.names.person(rng, sources)
            local = blueprint.local_part(given, family, "first.last", taken)
            taken.add(local)
            email = f"{local}@{blueprint.VENDOR_DOMAIN}"
            people.append((email, f"{given} {family}", role, title, manages))
        # Reuse staff who already exist (say, an admin made by createsuperuser).
        by_email = {
            user.email: user
            for user in User.objects.filter(email__in=[p[0] for p in people])
        }
        new_users = [
            User(
                email=email,
                full_name=full_name,
                role=role,
                job_title=title,
                is_staff=role == Role.VENDOR_ADMIN,
                is_superuser=role == Role.VENDOR_ADMIN,
                password=self.password,
                date_joined=self.now - datetime.timedelta(days=rng.randint(400, 1500)),
                last_login=self.now - datetime.timedelta(hours=rng.randint(1, 72)),
            )
            for email, full_name, role, title, _ in people
            if email not in by_email
        ]
        self._bulk(User, new_users)
        self._verify_emails(new_users)
        by_email.update({user.email: user for user in new_users})
        for email, _, role, _, manages in people:
            user = by_email[email]
            kind, _, key = manages.partition(":")
            if role == Role.VENDOR_ADMIN:
                self.vendor_admins.append(user)
            elif kind == "program":
                self.program_managers[key] = user
                self.programs[key].managers.add(user)
            elif kind == "region":
                self.regional_managers.setdefault(key, []).append(user)
        self.summary.vendor_users = len(new_users)
        return len(new_users)

    # Organizations ------------------------------------------------------------------

    def _organizations(self, partners: int) -> list[PlannedOrganization]:
        rng = self.rng("organizations")
        cities = data.cities()
        countries = data.countries()
        by_country: dict[str, list[data.City]] = {}
        for city in cities:
            by_country.setdefault(city.country, []).append(city)
        # Spread the first organizations over every country, so that even a small
        # ecosystem looks worldwide; the rest cluster where partners really do.
        country_order = sorted(by_country)
        rng.shuffle(country_order)
        spread = min(len(country_order), partners // 4)
        city_weights = [city.weight for city in cities]
        orgs: list[PlannedOrganization] = []
        for index in range(partners):
            if index < spread:
                in_country = by_country[country_order[index]]
                city = weighted(rng, in_country, [c.weight for c in in_country])
            else:
                city = weighted(rng, cities, city_weights)
            orgs.append(
                self._organization(
                    rng, city, countries[city.country], is_persona=index < 2
                )
            )
        self._bulk(PartnerOrganization, [org.obj for org in orgs])
        self._bulk(
            OrganizationEmailDomain,
            [
                OrganizationEmailDomain(organization=o.obj, domain=o.domain)
                for o in orgs
            ],
        )
        specialization_link = PartnerOrganization.specializations.through
        self._bulk(
            specialization_link,
            [
                specialization_link(
                    partnerorganization_id=org.obj.pk, specialization_id=item.pk
                )
                for org in orgs
                for item in org.specializations
            ],
        )
        industry_link = PartnerOrganization.industries.through
        self._bulk(
            industry_link,
            [
                industry_link(partnerorganization_id=org.obj.pk, industry_id=item.pk)
                for org in orgs
                for item in org.industries
            ],
        )
        return orgs

    def _organization(
        self,
        rng: random.Random,
        city: data.City,
        country: data.Country,
        *,
        is_persona: bool,
    ) -> PlannedOrganization:
        name = self._partner_name(rng, city, country)
        domain = self._domain(name, country)
        natures = blueprint.NATURES
        nature = (
            PartnerType.RESELLER
            if is_persona
            else weighted(rng, list(natures), [n.weight for n in natures.values()])
        )
        sizes = blueprint.SIZES
        size = weighted(rng, list(sizes), [weight for weight, _ in sizes.values()])
        specializations = rng.sample(self.specializations, rng.randint(1, 4))
        industries = rng.sample(self.industries, rng.randint(1, 3))
        languages = list(country.languages)
        languages += [lang for lang in country.extra_languages if rng.random() < 0.3]
        if "en" not in languages and rng.random() < 0.7:
            languages.append("en")
        # Offices spread around the city centre, not stacked on one map pin.
        jitter = [Decimal(f"{rng.uniform(-0.03, 0.03):.6f}") for _ in range(2)]
        levels = blueprint.ACTIVITY_LEVELS
        low, high = weighted(rng, [lvl for lvl, _ in levels], [w for _, w in levels])
        activity = sorted(
            (self._recent_time(rng), weighted_key(rng, blueprint.PARTNER_VERBS))
            for _ in range(max(rng.randint(low, high), 3 if is_persona else 0))
        )
        legal_format = weighted(
            rng, list(country.legal_formats), list(country.legal_weights)
        )
        obj = PartnerOrganization(
            name=name,
            legal_name=legal_format.format(name=name),
            website=f"https://www.{domain}",
            country=country.code,
            region=city.region,
            street=self._street(rng, city, country),
            city=city.name,
            postal_code=city.postal_code,
            state=city.state,
            latitude=city.latitude + jitter[0],
            longitude=city.longitude + jitter[1],
            size=size,
            languages=languages,
            description=(
                f"{name} is a {natures[nature].phrase} based in {city.name}, "
                f"focused on {data.lower_first(specializations[0].name)} for "
                f"customers in {data.lower_first(industries[0].name)}."
            ),
            allows_domain_join=rng.random() < 0.4,
            created_at=self.now
            - datetime.timedelta(
                days=rng.randint(120, 4 * 365), minutes=rng.randint(0, 1439)
            ),
            last_active_at=activity[-1][0] if activity else None,
        )
        return PlannedOrganization(
            obj=obj,
            city=city,
            country=country,
            domain=domain,
            nature=nature,
            email_style=weighted_key(rng, blueprint.EMAIL_STYLES),
            activity=activity,
            specializations=specializations,
            industries=industries,
        )

    def _partner_name(
        self, rng: random.Random, city: data.City, country: data.Country
    ) -> str:
        words = data.vocabulary()
        kind = rng.choice(words["name_kinds"])
        for attempt in range(40):
            kind = rng.choice(words["name_kinds"])
            roll = rng.random()
            if roll < 0.40:
                stem = rng.choice(words["name_stems"])
                ending = rng.choice(words["name_endings"])
                name = f"{stem}{ending} {kind}"
            elif roll < 0.65:
                name = f"{rng.choice(words['name_words'])} {kind}"
            elif roll < 0.85:
                family = self.names.person(rng, country.name_sources)[1]
                family = family[:1].upper() + family[1:]  # "van Arkel" opens a name
                if rng.random() < 0.3:
                    other = self.names.person(rng, country.name_sources)[1]
                    name = f"{family} & {other}"
                else:
                    name = f"{family} {kind}"
            elif roll < 0.95:
                name = f"{city.name} {kind}"
            else:
                letters = rng.choices("ABCDEFGHKLMNPRSTVXZ", k=rng.randint(2, 3))
                name = f"{''.join(letters)} {kind}"
            if attempt > 30:
                name = f"{name} {city.name}"
            if name.lower() not in self.used_names:
                self.used_names.add(name.lower())
                return name
        # Only huge ecosystems exhaust the combinations.
        name = f"{rng.choice(words['name_words'])} {kind} {len(self.used_names)}"
        self.used_names.add(name.lower())
        return name

    def _domain(self, name: str, country: data.Country) -> str:
        base = data.ascii_slug(name, separator="-")[:50].strip("-") or "partner"
        candidates = itertools.chain(
            [base, f"{base}-{country.code.lower()}"],
            (f"{base}-{number}" for number in itertools.count(2)),
        )
        domain = next(
            domain
            for domain in (f"{candidate}.example" for candidate in candidates)
            if domain not in self.used_domains
        )
        self.used_domains.add(domain)
        return domain

    def _street(
        self, rng: random.Random, city: data.City, country: data.Country
    ) -> str:
        numbers = {
            "street": rng.choice(city.streets),
            "number": rng.randint(1, 2500 if country.code in {"US", "CA"} else 180),
            "suite": rng.randint(1, 40) * 100 + rng.randint(0, 20),
            "floor": rng.randint(2, 40),
            "block": rng.randint(1, 120),
            "small": rng.randint(1, 40),
            "tiny": rng.randint(1, 30),
        }
        line = country.address_format.format(**numbers)
        if country.suite_format and rng.random() < 0.4:
            line = f"{line}, {country.suite_format.format(**numbers)}"
        return line

    def _recent_time(self, rng: random.Random) -> datetime.datetime:
        # More activity lately, on weekdays, in office hours (UTC is close enough).
        days = int(blueprint.ACTIVITY_DAYS * rng.random() ** 1.4)
        moment = self.now - datetime.timedelta(days=days)
        if moment.weekday() >= 5 and rng.random() < 0.8:
            moment -= datetime.timedelta(days=moment.weekday() - 4)
        moment = moment.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59))
        if moment > self.now:
            moment -= datetime.timedelta(days=1)
        return moment

    # Memberships --------------------------------------------------------------------

    def _memberships(self, orgs: list[PlannedOrganization]) -> int:
        rng = self.rng("memberships")
        specs = {spec.slug: spec for spec in blueprint.PROGRAMS}
        for index, org in enumerate(orgs):
            nature = blueprint.NATURES[org.nature]
            slugs = [weighted_key(rng, nature.first_programs)]
            if nature.second_chance and rng.random() < nature.second_chance:
                second = weighted_key(rng, nature.second_programs)
                if second not in slugs:
                    slugs.append(second)
            for slug in slugs:
                spec = specs[slug]
                status = weighted_key(rng, blueprint.STATUSES)
                rank = 1 + weighted(
                    rng, range(len(spec.tiers)), list(spec.tier_weights)
                )
                if org.obj.size in {
                    OrganizationSize.LARGE,
                    OrganizationSize.ENTERPRISE,
                }:
                    rank = min(len(spec.tiers), rank + (rng.random() < 0.4))
                org.memberships.append(
                    self._membership(rng, org, spec, status=status, rank=rank)
                )
            if index < 2:
                # Persona partner A: Gold reseller, also in Managed Services;
                # persona partner B: Silver reseller.
                specs_and_ranks = [(specs[blueprint.PERSONA_PROGRAM], 3 - index)]
                if index == 0:
                    specs_and_ranks.append((specs["managed-services"], 2))
                org.memberships = [
                    self._membership(
                        rng, org, spec, status=MembershipStatus.ACTIVE, rank=rank
                    )
                    for spec, rank in specs_and_ranks
                ]
        memberships = [m for org in orgs for m in org.memberships]
        self._bulk(ProgramMembership, memberships)
        self.summary.memberships = len(memberships)
        return len(memberships)

    def _membership(
        self,
        rng: random.Random,
        org: PlannedOrganization,
        spec: blueprint.ProgramSpec,
        *,
        status: str,
        rank: int,
    ) -> ProgramMembership:
        if status == MembershipStatus.APPLIED:
            created_at = self.now - datetime.timedelta(days=rng.uniform(1, 60))
            changed_at = created_at
        else:
            created_at = min(
                org.obj.created_at + datetime.timedelta(days=rng.uniform(0, 60)),
                self.now - datetime.timedelta(days=30),
            )
            # Approval follows the application closely; suspensions and exits are
            # recent history.
            share = rng.uniform(0, 0.05) if status == MembershipStatus.ACTIVE else 0.9
            span = (self.now - created_at).total_seconds() * share
            changed_at = created_at + datetime.timedelta(
                seconds=span + rng.uniform(0, 86400)
            )
        manager = None
        if status != MembershipStatus.APPLIED and rng.random() < 0.85:
            manager = rng.choice(self.regional_managers[org.city.region])
        return ProgramMembership(
            organization=org.obj,
            program=self.programs[spec.slug],
            partner_type=(
                org.nature
                if org.nature in spec.partner_types
                else spec.partner_types[0]
            ),
            tier=(
                None
                if status == MembershipStatus.APPLIED
                else self.tiers[spec.slug][rank - 1]
            ),
            status=status,
            channel_manager=manager,
            status_changed_at=min(changed_at, self.now),
            created_at=created_at,
        )

    # Partner users ------------------------------------------------------------------

    def _partner_users(self, orgs: list[PlannedOrganization], total: int) -> int:
        rng = self.rng("users")
        words = data.vocabulary()
        weights = [blueprint.SIZES[org.obj.size][1] for org in orgs]
        counts = blueprint.allocate(total, weights)
        for index, (org, count) in enumerate(zip(orgs, counts, strict=True)):
            personas = (
                [blueprint.PARTNER_ADMIN_LOCAL_PART, blueprint.PARTNER_REP_LOCAL_PART]
                if index < 2
                else []
            )
            taken = set(personas)
            admins = 2 if count >= 8 and not personas else 1
            for position in range(count):
                given, family = self.names.person(rng, org.country.name_sources)
                if position < len(personas):
                    local = personas[position]
                else:
                    local = blueprint.local_part(given, family, org.email_style, taken)
                taken.add(local)
                is_admin = position < admins
                days_after = (
                    rng.uniform(0, 2)
                    if is_admin
                    else rng.uniform(0, (self.now - org.obj.created_at).days)
                )
                org.users.append(
                    User(
                        email=f"{local}@{org.domain}",
                        full_name=f"{given} {family}",
                        job_title=rng.choice(
                            words["admin_titles" if is_admin else "rep_titles"]
                        ),
                        role=Role.PARTNER_ADMIN if is_admin else Role.PARTNER_REP,
                        organization=org.obj,
                        is_active=(
                            position < max(admins, len(personas)) or rng.random() < 0.97
                        ),
                        password=self.password,
                        date_joined=min(
                            org.obj.created_at + datetime.timedelta(days=days_after),
                            self.now,
                        ),
                    )
                )
            self._plan_activity(rng, org)
        users = [user for org in orgs for user in org.users]
        self._bulk(User, users)
        self._verify_emails(users)
        self.summary.users = len(users)
        return len(users)

    def _plan_activity(self, rng: random.Random, org: PlannedOrganization) -> None:
        # Actors are chosen before the users are saved, so that each one's last login
        # is their latest sign-in event.
        admins = [user for user in org.users if user.role == Role.PARTNER_ADMIN]
        active = [user for user in org.users if user.is_active]
        is_tiered = any(m.tier and m.tier.rank > 1 for m in org.memberships)
        for moment, planned_verb in org.activity:
            verb = planned_verb
            if verb == "membership.tier_changed" and not is_tiered:
                verb = "user.signed_in"
            anyone = verb in {"user.signed_in", "invitation.accepted"}
            actor = rng.choice(active if anyone else admins)
            org.plan.append((moment, verb, actor))
            if verb == "user.signed_in" and (
                actor.last_login is None or actor.last_login < moment
            ):
                actor.last_login = moment
        for user in active:
            if user.last_login is None and rng.random() < 0.4:
                user.last_login = self.now - datetime.timedelta(
                    days=rng.uniform(blueprint.ACTIVITY_DAYS, 400)
                )
            if user.last_login is not None and user.last_login < user.date_joined:
                user.date_joined = user.last_login

    def _verify_emails(self, users: Sequence[User]) -> None:
        # Verification is mandatory at sign-in; the demo's addresses are known good.
        self._bulk(
            EmailAddress,
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            ],
        )

    # History ------------------------------------------------------------------------

    def _history(self, orgs: list[PlannedOrganization]) -> int:
        writer = HistoryWriter(
            rng=self.rng("history"),
            now=self.now,
            names=self.names,
            tiers=self.tiers,
            program_managers=self.program_managers,
            vendor_admins=self.vendor_admins,
        )
        for org in orgs:
            writer.add(org)
        # Saved in time order, so that ids follow time as they would in production.
        writer.events.sort(key=lambda event: event.occurred_at)
        writer.entries.sort(key=lambda entry: entry.occurred_at)
        self._bulk(ActivityEvent, writer.events)
        self._bulk(AuditEntry, writer.entries)
        self.summary.events = len(writer.events)
        self.summary.audit_entries = len(writer.entries)
        return len(writer.events) + len(writer.entries)

    def _bulk(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
