"""Plan the demo's deal registrations: who registers what, and what happens to it.

Every draw of the deals' random stream is made here, in a fixed order, before any
service runs; the plan is a list of deals, each with its dated steps.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cairn.accounts.models import User
from cairn.core.roles import Role
from cairn.deals.models import DealRegistration
from cairn.demo import blueprint
from cairn.demo.blueprint import weighted_key
from cairn.demo.context import GenerationContext
from cairn.demo.deal_customers import CustomerMaker
from cairn.demo.plan import PlannedOrganization
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import ProgramMembership

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
APPEAL = (
    "We have worked with this customer's IT team for two years and brought the "
    "opportunity to them; please review the decision."
)


@dataclass
class PlannedDeal:
    """One planned registration, its steps and, once run, its row."""

    org: PlannedOrganization
    program_slug: str
    rep: User
    reviewer: User
    fields: dict[str, Any]
    lines: list[dict[str, Any]]
    steps: list[tuple[datetime.datetime, str, str]] = field(default_factory=list)
    row: DealRegistration | None = None


class DealPlanner:
    """Draw the deals of an ecosystem and their steps, in a fixed order."""

    def __init__(
        self, context: GenerationContext, orgs: list[PlannedOrganization]
    ) -> None:
        self.context = context
        self.now = context.now
        self.rng = context.rng("deals")
        self.orgs = orgs
        self.customers = CustomerMaker(context, self.rng)
        self.deals: list[PlannedDeal] = []
        self.directs: list[tuple[datetime.datetime, dict[str, Any]]] = []
        self.admin = context.vendor_admins[0]

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

    def _deal(
        self,
        org: PlannedOrganization,
        membership: ProgramMembership,
        customer: dict[str, Any] | None = None,
        rep: User | None = None,
    ) -> PlannedDeal:
        lines = self.customers.lines()
        fields = {**(customer or self.customers.customer(org))}
        fields["amount"] = sum(
            (line["unit_amount"] * line["quantity"] for line in lines), Decimal("0")
        )
        fields["partner_role"] = (
            "resell" if membership.program.slug == "resellers" else "influence"
        )
        deal = PlannedDeal(
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
        deal: PlannedDeal,
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
        self, deal: PlannedDeal, outcome: str, moment: datetime.datetime
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
        earlier: PlannedDeal,
        partners: list[tuple[PlannedOrganization, ProgramMembership]],
        outcome: str,
        later_partner: tuple[PlannedOrganization, ProgramMembership] | None = None,
        rep: User | None = None,
    ) -> PlannedDeal:
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
        customer = self.customers.customer(org)
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
                customer = self.customers.customer(org)
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
            customer = self.customers.customer(org)
            earlier = self._deal(rival_org, rival_membership, customer)
            self._plan_outcome(earlier, "approved")
            self._plan_conflict(
                earlier, partners, "open", later_partner=(org, membership), rep=rep
            )
        for outcome in ("approved", "won", "draft"):
            self._plan_outcome(self._deal(org, membership, rep=rep), outcome)


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


def _ends_open(deal: PlannedDeal) -> bool:
    kinds = [kind for _, kind, _ in deal.steps]
    return "submit" in kinds and "reject" not in kinds and "info" not in kinds
