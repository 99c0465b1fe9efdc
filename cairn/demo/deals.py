"""Generate the deal registrations of the demo through the deals services.

Unlike the other steps this one calls the services (register, submit, review, decide
conflicts, move sales stages), so that match keys, conflicts, status histories, audit
entries and events are exactly what Cairn itself writes. The services stamp
`timezone.now()`; the step runs every call in the order of its planned moment (in the
last 90 days), notes which rows each call wrote, and afterwards moves those rows'
times, and the times inside their audit snapshots and event data, to the planned
moment. Production code never learns about the demo's clock.
"""

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models

from cairn.accounts.models import User
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.core.roles import Role
from cairn.deals import services
from cairn.deals.choices import ConflictDecision, ConflictStatus, SalesStage
from cairn.deals.models import (
    DealConflict,
    DealProgramSettings,
    DealRegistration,
    DealStatusChange,
    DirectOpportunity,
)
from cairn.deals.services._common import add_business_days
from cairn.demo import blueprint, data
from cairn.demo.blueprint import weighted_key
from cairn.demo.context import GenerationContext
from cairn.demo.plan import PlannedOrganization
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import PartnerOrganization, ProgramMembership

# Programs whose partners register deals, and the cap that keeps a 10,000-partner
# demo quick: every registration costs a dozen queries through the services.
DEAL_PROGRAMS = ("resellers", "managed-services")
MAX_REGISTRATIONS = 600
DIRECT_OPPORTUNITIES = 30
PER_PARTNER = (1, 2, 2, 3)

# What happens to an ordinary registration, by weight.
OUTCOMES: dict[str, int] = {
    "draft": 9,
    "submitted": 11,
    "under_review": 10,
    "more_info": 7,
    "answered": 3,
    "approved": 22,
    "won": 14,
    "lost": 9,
    "rejected": 15,
}
# Deliberate conflicts of a later registration with an earlier claim, by weight.
CONFLICT_OUTCOMES: dict[str, int] = {
    "open": 3,
    "first_come": 3,
    "split": 2,
    "not_a_conflict": 1,
}

# The sales stages an approved deal goes through, one path drawn per deal.
STAGES: dict[str, tuple[tuple[str, ...], ...]] = {
    "approved": ((), ("qualified",), ("qualified", "proposal")),
    "won": (("won",), ("qualified", "won"), ("qualified", "proposal", "won")),
    "lost": (("lost",), ("qualified", "lost"), ("proposal", "lost")),
}
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
QUESTIONS = (
    "Please add the customer contact's email address and the decision date.",
    "Which products does the customer evaluate? Add the product lines.",
    "Is this a new project or an extension of an existing contract?",
    "Please confirm the expected close date; it looks early for this size.",
)
REJECTIONS = (
    "The customer is a named account of our direct sales team.",
    "The customer already runs a current subscription through another partner.",
    "Not enough detail to confirm a qualified opportunity.",
    "The opportunity is below the program's minimum deal size.",
)
LOST_REASONS = (
    "The customer chose a competitor on price.",
    "The project was postponed to next year.",
    "Budget cut after a reorganisation.",
    "The customer kept its existing tool.",
)
FIRST_COME = "The earlier registration of this customer keeps the deal."
SPLIT = "Both partners work different divisions of the customer; both proceed."
NOT_A_CONFLICT = "Different companies with similar names, in different cities."
APPEAL = (
    "We have worked with this customer's IT team for two years and brought the "
    "opportunity to them; please review the decision."
)


@dataclass
class _Deal:
    """One planned registration, its steps and, once run, its row."""

    org: PlannedOrganization
    program_slug: str
    rep: User
    reviewer: User
    fields: dict[str, Any]
    lines: list[dict[str, Any]]
    steps: list[tuple[datetime.datetime, str, str]] = field(default_factory=list)
    row: DealRegistration | None = None


@dataclass
class _Clock:
    """Which rows each service call wrote, and the times they should have."""

    now: datetime.datetime
    protection_days: int
    review_days: int
    marks: list[tuple[int, ...]] = field(default_factory=list)
    moments: list[datetime.datetime] = field(default_factory=list)
    # Each datetime a service stamped (as isoformat) and the planned one.
    times: dict[str, datetime.datetime] = field(default_factory=dict)


_STAMPED = (AuditEntry, ActivityEvent, DealStatusChange, DealConflict)
_REGISTRATION_TIMES = (
    "created_at",
    "updated_at",
    "submitted_at",
    "review_due_at",
    "decided_at",
    "protection_expires_at",
)
_PARTNER_STEPS = frozenset({"draft", "submit", "stage", "appeal"})
_CONFLICT_TIMES = ("created_at", "updated_at", "decided_at", "appealed_at")


def generate_deals(
    context: GenerationContext, orgs: list[PlannedOrganization]
) -> tuple[int, int]:
    """Register, review and decide the partners' deals; return (registrations,
    conflicts).
    """
    maker = _DealMaker(context, orgs)
    maker.plan()
    maker.run()
    return (
        DealRegistration.objects.filter(pk__in=maker.ids()).count(),
        DealConflict.objects.count(),
    )


class _DealMaker:
    def __init__(
        self, context: GenerationContext, orgs: list[PlannedOrganization]
    ) -> None:
        self.context = context
        self.now = context.now
        self.rng = context.rng("deals")
        self.orgs = orgs
        self.words = data.vocabulary()
        self.used_names: set[str] = set()
        self.used_domains: set[str] = set()
        self.deals: list[_Deal] = []
        self.directs: list[tuple[datetime.datetime, dict[str, Any]]] = []
        admin = context.vendor_admins[0]
        self.admin = admin
        program = context.programs[blueprint.PERSONA_PROGRAM]
        settings = DealProgramSettings.objects.filter(program=program).first()
        self.clock = _Clock(
            now=self.now,
            protection_days=settings.protection_days if settings else 90,
            review_days=settings.review_business_days if settings else 2,
        )

    # Planning: every draw is made here, in a fixed order.

    def plan(self) -> None:
        eligible = [
            (org, membership)
            for org in self.orgs
            for membership in org.memberships[:1]
            if membership.status == MembershipStatus.ACTIVE
            and membership.program.slug in DEAL_PROGRAMS
            and self._reps(org)
        ]
        persona, others = eligible[:1], eligible[1:]
        # Room for the persona's registrations and the deliberate conflicts.
        budget = MAX_REGISTRATIONS - 7 - max(4, MAX_REGISTRATIONS // 40)
        counts = [self.rng.choice(PER_PARTNER) for _ in others]
        if sum(counts) > budget:
            # A large ecosystem: a random share of its partners register deals.
            order = list(range(len(others)))
            self.rng.shuffle(order)
            kept, total = set(), 0
            for index in order:
                if total + counts[index] > budget:
                    continue
                kept.add(index)
                total += counts[index]
            others = [pair for i, pair in enumerate(others) if i in kept]
            counts = [count for i, count in enumerate(counts) if i in kept]
        for _ in range(DIRECT_OPPORTUNITIES):
            org = self.rng.choice(others or persona)[0]
            self._plan_direct(org)
        for (org, membership), count in zip(others, counts, strict=True):
            for _ in range(count):
                deal = self._deal(org, membership)
                self._plan_outcome(deal, weighted_key(self.rng, OUTCOMES))
        plain = [d for d in self.deals if d.steps and _ends_open(d)]
        pairs = max(4, len(self.deals) // 40)
        for _ in range(min(pairs, len(plain))):
            earlier = self.rng.choice(plain)
            self._plan_conflict(
                earlier, others, weighted_key(self.rng, CONFLICT_OUTCOMES)
            )
        appealable = [d for d in self.deals if d.steps[-1][1] == "first_come"]
        if appealable:
            deal = self.rng.choice(appealable)
            deal.steps.append(
                (_after(self.rng, deal.steps[-1][0], self.now), "appeal", APPEAL)
            )
        for _ in range(2):
            self._plan_direct_conflict(others)
        if persona:
            self._plan_persona(*persona[0], others)

    def _reps(self, org: PlannedOrganization) -> list[User]:
        reps = [u for u in org.users if u.role == Role.PARTNER_REP and u.is_active]
        if not reps:
            reps = [u for u in org.users if u.is_active]
        return reps

    def _reviewer(self, membership: ProgramMembership) -> User:
        return membership.channel_manager or self.context.program_managers.get(
            membership.program.slug, self.admin
        )

    def _customer(self, org: PlannedOrganization) -> dict[str, Any]:
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

    def _lines(self) -> list[dict[str, Any]]:
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

    def _deal(
        self,
        org: PlannedOrganization,
        membership: ProgramMembership,
        customer: dict[str, Any] | None = None,
        rep: User | None = None,
    ) -> _Deal:
        lines = self._lines()
        fields = {**(customer or self._customer(org))}
        fields["amount"] = sum(
            (line["unit_amount"] * line["quantity"] for line in lines), Decimal("0")
        )
        fields["partner_role"] = (
            "resell" if membership.program.slug == "resellers" else "influence"
        )
        deal = _Deal(
            org=org,
            program_slug=membership.program.slug,
            rep=rep or self.rng.choice(self._reps(org)),
            reviewer=self._reviewer(membership),
            fields=fields,
            lines=lines,
        )
        self.deals.append(deal)
        return deal

    def _plan_outcome(
        self,
        deal: _Deal,
        outcome: str,
        *,
        submitted: datetime.datetime | None = None,
    ) -> None:
        rng, now = self.rng, self.now
        hours = datetime.timedelta(hours=1)
        if submitted is None:
            recent = outcome in {"submitted", "under_review"}
            days = rng.uniform(0.1, 6) if recent else rng.uniform(8, 85)
            if outcome in {"more_info", "answered"}:
                days = rng.uniform(3, 30)
            submitted = now - datetime.timedelta(days=days)
        created = submitted - datetime.timedelta(minutes=rng.uniform(5, 60 * 48))
        close = (submitted + datetime.timedelta(days=rng.uniform(30, 150))).date()
        deal.fields["expected_close_date"] = close
        steps = deal.steps
        if outcome == "draft":
            steps.append(
                (now - datetime.timedelta(days=rng.uniform(0.2, 20)), "draft", "")
            )
            return
        steps.append((created, "draft", ""))
        steps.append((submitted, "submit", ""))
        if outcome in {"submitted", "open"}:
            return
        moment = _after(rng, submitted, now, low=hours, high=hours * 40)
        if outcome in {"first_come", "split", "not_a_conflict"}:
            steps.append((moment, outcome, ""))
            if outcome == "first_come":
                return
            moment = _after(rng, moment, now, low=hours, high=hours * 30)
            outcome = "approved"
        if outcome != "more_info" or rng.random() < 0.5:
            steps.append((moment, "review", ""))
            moment = _after(rng, moment, now, low=hours, high=hours * 50)
        if outcome == "under_review":
            return
        if outcome in {"more_info", "answered"}:
            steps.append((moment, "info", rng.choice(QUESTIONS)))
            if outcome == "answered":
                steps.append(
                    (_after(rng, moment, now, low=hours, high=hours * 72), "submit", "")
                )
            return
        if outcome == "rejected":
            steps.append((moment, "reject", rng.choice(REJECTIONS)))
            return
        steps.append((moment, "approve", ""))
        self._plan_stages(deal, outcome, moment)

    def _plan_stages(
        self, deal: _Deal, outcome: str, moment: datetime.datetime
    ) -> None:
        rng = self.rng
        hours = datetime.timedelta(hours=1)
        stages = rng.choice(STAGES[outcome])
        for stage in stages:
            moment = _after(rng, moment, self.now, low=hours * 4, high=hours * 288)
            deal.steps.append((moment, "stage", stage))
        if outcome == "won":
            deal.fields["expected_close_date"] = moment.date()

    def _plan_conflict(
        self,
        earlier: _Deal,
        partners: list[tuple[PlannedOrganization, ProgramMembership]],
        outcome: str,
        later_partner: tuple[PlannedOrganization, ProgramMembership] | None = None,
        rep: User | None = None,
    ) -> _Deal:
        country = earlier.org.country.code
        if later_partner is None:
            same = [
                pair
                for pair in partners
                if pair[0].country.code == country and pair[0] is not earlier.org
            ]
            later_partner = self.rng.choice(
                same or [p for p in partners if p[0] is not earlier.org]
            )
        org, membership = later_partner
        customer = {**earlier.fields}
        customer.pop("amount", None)
        customer.pop("partner_role", None)
        customer.pop("expected_close_date", None)
        if outcome == "not_a_conflict" or self.rng.random() < 0.4:
            # The same company name, without the web domain the other partner gave.
            customer["customer_domain"] = ""
            customer["contact_email"] = ""
        customer["street"] = (
            f"{self.rng.randint(1, 180)} {self.rng.choice(org.city.streets)}"
        )
        deal = self._deal(org, membership, customer, rep=rep)
        start = next(moment for moment, kind, _ in earlier.steps if kind == "submit")
        submitted = _after(
            self.rng,
            start,
            self.now,
            low=datetime.timedelta(hours=2),
            high=datetime.timedelta(days=6 if outcome == "open" else 20),
        )
        self._plan_outcome(deal, outcome, submitted=submitted)
        return deal

    def _plan_direct(self, org: PlannedOrganization) -> None:
        customer = self._customer(org)
        given, family = self.context.names.person(self.rng, org.country.name_sources)
        moment = self.now - datetime.timedelta(days=self.rng.uniform(60, 89))
        number = len(self.directs) + 1
        self.directs.append(
            (
                moment,
                {
                    "external_id": f"SF-{number:06d}",
                    "company_name": customer["customer_name"],
                    "domain": customer["customer_domain"],
                    "country": customer["country"],
                    "postal_code": customer["postal_code"],
                    "owner_name": f"{given} {family}",
                    "expected_close_date": (
                        self.now + datetime.timedelta(days=self.rng.uniform(20, 200))
                    ).date(),
                    "currency": customer["currency"],
                    "amount": Decimal(self.rng.randrange(20, 400) * 1000),
                },
            )
        )

    def _plan_direct_conflict(
        self, partners: list[tuple[PlannedOrganization, ProgramMembership]]
    ) -> None:
        for moment, direct in self.directs:
            same = [p for p in partners if p[0].country.code == direct["country"]]
            if same and not direct.get("claimed"):
                direct["claimed"] = True
                org, membership = self.rng.choice(same)
                customer = self._customer(org)
                customer["customer_name"] = direct["company_name"]
                customer["customer_domain"] = direct["domain"]
                customer["contact_email"] = customer["contact_email"].split("@")[0] + (
                    "@" + direct["domain"]
                )
                deal = self._deal(org, membership, customer)
                submitted = moment + datetime.timedelta(days=self.rng.uniform(5, 50))
                outcome = self.rng.choice(("open", "first_come"))
                self._plan_outcome(deal, outcome, submitted=submitted)
                return

    def _plan_persona(
        self,
        org: PlannedOrganization,
        membership: ProgramMembership,
        partners: list[tuple[PlannedOrganization, ProgramMembership]],
    ) -> None:
        # The tour's partner rep: an open conflict, a protected deal, a won deal and
        # a draft, all in the persona program.
        rep = next(
            (
                u
                for u in org.users
                if u.email.startswith(f"{blueprint.PARTNER_REP_LOCAL_PART}@")
            ),
            self._reps(org)[0],
        )
        others = [p for p in partners if p[1].program.slug == membership.program.slug]
        if others:
            rival_org, rival_membership = self.rng.choice(
                [p for p in others if p[0].country.code == org.country.code] or others
            )
            customer = self._customer(org)
            earlier = self._deal(rival_org, rival_membership, customer)
            self._plan_outcome(earlier, "approved")
            self._plan_conflict(
                earlier, partners, "open", later_partner=(org, membership), rep=rep
            )
        for outcome in ("approved", "won", "draft"):
            self._plan_outcome(self._deal(org, membership, rep=rep), outcome)

    # Running: the services, in the order of the planned moments.

    def run(self) -> None:
        clock = self.clock
        clock.marks.append(self._mark())
        actions: list[tuple[datetime.datetime, int, Callable[[], Any]]] = []
        for moment, direct in self.directs:
            action = _bind(self._save_direct, direct, moment)
            actions.append((moment, len(actions), action))
        for deal in self.deals:
            for moment, kind, text in deal.steps:
                action = _bind(self._step, deal, kind, text, moment)
                actions.append((moment, len(actions), action))
        actions.sort(key=lambda item: (item[0], item[1]))
        for moment, _, action in actions:
            action()
            clock.marks.append(self._mark())
            clock.moments.append(moment)
        self._restamp()

    def ids(self) -> list[int]:
        return [deal.row.pk for deal in self.deals if deal.row is not None]

    def _mark(self) -> tuple[int, ...]:
        # Table names of the models, no input: nothing to inject.
        tables = [model._meta.db_table for model in _STAMPED]
        columns = ", ".join(
            f"(SELECT MAX(id) FROM {table})"  # noqa: S608
            for table in tables
        )
        sql = f"SELECT {columns}"
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return tuple(value or 0 for value in row)

    def _save_direct(self, direct: dict[str, Any], moment: datetime.datetime) -> None:
        fields = {k: v for k, v in direct.items() if k != "claimed"}
        row = services.save_direct_opportunity(actor=self.admin, **fields)
        self._learn(row, _CONFLICT_TIMES[:2], moment)

    def _step(
        self, deal: _Deal, kind: str, text: str, moment: datetime.datetime
    ) -> None:
        row = deal.row
        reviewer = deal.reviewer
        if kind == "draft":
            row = deal.row = services.create_draft(
                actor=deal.rep,
                program=self.context.programs[deal.program_slug],
                lines=deal.lines,
                **deal.fields,
            )
        elif row is None:
            return
        elif kind == "submit":
            row = services.submit_registration(row, actor=deal.rep)
            for conflict in DealConflict.objects.filter(registration=row):
                self._learn(conflict, _CONFLICT_TIMES, moment)
        elif kind == "review":
            row = services.start_review(row, actor=reviewer)
        elif kind == "info":
            row = services.request_more_information(row, actor=reviewer, reason=text)
        elif kind == "reject":
            row = services.reject_registration(row, actor=reviewer, reason=text)
        elif kind == "approve":
            self._decide(deal, "not_a_conflict", moment)
            row = services.approve_registration(row, actor=reviewer)
        elif kind == "stage":
            reason = self.rng.choice(LOST_REASONS) if text == SalesStage.LOST else ""
            row = services.update_sales_stage(
                row, actor=deal.rep, stage=text, lost_reason=reason
            )
        elif kind in {"first_come", "split", "not_a_conflict"}:
            self._decide(deal, kind, moment)
            row = DealRegistration.objects.get(pk=row.pk)
        elif kind == "appeal":
            conflict = DealConflict.objects.filter(registration=row).first()
            if conflict is not None:
                conflict = services.appeal_conflict(conflict, actor=deal.rep, note=text)
                self._learn(conflict, _CONFLICT_TIMES, moment)
        self._learn(row, _REGISTRATION_TIMES, moment)

    def _decide(self, deal: _Deal, kind: str, moment: datetime.datetime) -> None:
        # Before an approval, "not a conflict" also settles matches nobody planned:
        # similar invented names may match by chance.
        decision, reason = {
            "first_come": (ConflictDecision.FIRST_COME, FIRST_COME),
            "split": (ConflictDecision.SPLIT, SPLIT),
            "not_a_conflict": (ConflictDecision.REJECTED, NOT_A_CONFLICT),
        }[kind]
        for conflict in DealConflict.objects.filter(
            registration=deal.row, status=ConflictStatus.OPEN
        ):
            decided = services.resolve_conflict(
                conflict, actor=deal.reviewer, decision=decision, reason=reason
            )
            self._learn(decided, _CONFLICT_TIMES, moment)

    # Times: move what the services stamped to the planned moments.

    def _learn(self, row: Any, names: Iterable[str], moment: datetime.datetime) -> None:
        times = self.clock.times
        for name in names:
            value = getattr(row, name)
            if value is None or value.isoformat() in times:
                continue
            planned = moment
            if name == "review_due_at":
                planned = add_business_days(moment, self.clock.review_days)
            elif name == "protection_expires_at":
                planned = moment + datetime.timedelta(days=self.clock.protection_days)
            times[value.isoformat()] = planned

    def _restamp(self) -> None:
        clock = self.clock
        first, marks, moments = clock.marks[0], clock.marks[1:], clock.moments

        def moment_of(position: int, pk: int) -> datetime.datetime:
            # The call whose marks first reach this row wrote it.
            low, high = 0, len(marks) - 1
            while low < high:
                middle = (low + high) // 2
                if marks[middle][position] >= pk:
                    high = middle
                else:
                    low = middle + 1
            return moments[low]

        times = clock.times

        def planned(value: Any) -> Any:
            if isinstance(value, str):
                moved = times.get(value)
                return moved.isoformat() if moved is not None else value
            if isinstance(value, dict):
                return {key: planned(item) for key, item in value.items()}
            if isinstance(value, list):
                return [planned(item) for item in value]
            return value

        entries = list(AuditEntry.objects.filter(pk__gt=first[0]))
        for entry in entries:
            entry.occurred_at = moment_of(0, entry.pk)
            entry.before = planned(entry.before)
            entry.after = planned(entry.after)
        _update(AuditEntry, entries, ["occurred_at", "before", "after"])
        events = list(ActivityEvent.objects.filter(pk__gt=first[1]))
        for event in events:
            event.occurred_at = moment_of(1, event.pk)
            event.data = planned(event.data)
        _update(ActivityEvent, events, ["occurred_at", "data"])
        changes = list(DealStatusChange.objects.filter(pk__gt=first[2]).only("at"))
        for change in changes:
            change.at = moment_of(2, change.pk)
        _update(DealStatusChange, changes, ["at"])
        for model, names in (
            (DealRegistration, _REGISTRATION_TIMES),
            (DealConflict, _CONFLICT_TIMES),
            (DirectOpportunity, _CONFLICT_TIMES[:2]),
        ):
            rows = list(model._default_manager.only(*names))
            for row in rows:
                for name in names:
                    value = getattr(row, name)
                    if value is not None and value.isoformat() in times:
                        setattr(row, name, times[value.isoformat()])
            _update(model, rows, list(names))
        self._touch_organizations()

    def _touch_organizations(self) -> None:
        # What the activity consumer would do: the partner's people acted.
        latest: dict[int, datetime.datetime] = {}
        for deal in self.deals:
            for moment, kind, _ in deal.steps:
                if kind in _PARTNER_STEPS and deal.row is not None:
                    pk = deal.org.obj.pk
                    latest[pk] = max(moment, latest.get(pk, moment))
        touched = []
        for org in self.orgs:
            acted = latest.get(org.obj.pk)
            if acted and (
                org.obj.last_active_at is None or org.obj.last_active_at < acted
            ):
                org.obj.last_active_at = acted
                touched.append(org.obj)
        _update(PartnerOrganization, touched, ["last_active_at"])


def _update(model: type[models.Model], rows: list[Any], names: list[str]) -> None:
    model._default_manager.bulk_update(rows, names, batch_size=500)


def _bind(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: function(*args)


def _after(
    rng: random.Random,
    start: datetime.datetime,
    now: datetime.datetime,
    *,
    low: datetime.timedelta = datetime.timedelta(days=1),
    high: datetime.timedelta = datetime.timedelta(days=5),
) -> datetime.datetime:
    """Return a moment after `start`, before `now` (close to it if time is short)."""
    moment = start + datetime.timedelta(
        seconds=rng.uniform(low.total_seconds(), high.total_seconds())
    )
    latest = now - datetime.timedelta(minutes=5)
    if moment >= latest:
        moment = start + (latest - start) * rng.uniform(0.3, 0.9)
    return moment


def _ends_open(deal: _Deal) -> bool:
    kinds = [kind for _, kind, _ in deal.steps]
    return "submit" in kinds and "reject" not in kinds and "info" not in kinds
