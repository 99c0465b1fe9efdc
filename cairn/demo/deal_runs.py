"""Run the planned deals through the deals services, in the order of their moments."""

import datetime
from collections.abc import Callable
from typing import Any

from cairn.deals import services
from cairn.deals.choices import ConflictDecision, ConflictStatus, SalesStage
from cairn.deals.models import DealConflict, DealProgramSettings, DealRegistration
from cairn.demo import blueprint
from cairn.demo.context import GenerationContext
from cairn.demo.deal_clock import (
    CONFLICT_TIMES,
    REGISTRATION_TIMES,
    DealClock,
    update_rows,
)
from cairn.demo.deal_plan import DealPlanner, PlannedDeal
from cairn.partners.models import PartnerOrganization

LOST_REASONS = (
    "The customer chose a competitor on price.",
    "The project was postponed to next year.",
    "Budget cut after a reorganisation.",
    "The customer kept its existing tool.",
)
FIRST_COME = "The earlier registration of this customer keeps the deal."
SPLIT = "Both partners work different divisions of the customer; both proceed."
NOT_A_CONFLICT = "Different companies with similar names, in different cities."
_PARTNER_STEPS = frozenset({"draft", "submit", "stage", "appeal"})


class DealRunner:
    """Call the services for every planned step, then restamp what they wrote."""

    def __init__(self, context: GenerationContext, planner: DealPlanner) -> None:
        self.context = context
        # The planner's stream: the few draws made while running follow its own.
        self.rng = planner.rng
        self.orgs = planner.orgs
        self.deals = planner.deals
        self.directs = planner.directs
        self.admin = planner.admin
        program = context.programs[blueprint.PERSONA_PROGRAM]
        settings = DealProgramSettings.objects.filter(program=program).first()
        self.clock = DealClock(
            now=context.now,
            protection_days=settings.protection_days if settings else 90,
            review_days=settings.review_business_days if settings else 2,
        )

    def run(self) -> None:
        clock = self.clock
        clock.mark()
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
            clock.mark(moment)
        clock.restamp()
        self._touch_organizations()

    def ids(self) -> list[int]:
        return [deal.row.pk for deal in self.deals if deal.row is not None]

    def _save_direct(self, direct: dict[str, Any], moment: datetime.datetime) -> None:
        fields = {k: v for k, v in direct.items() if k != "claimed"}
        row = services.save_direct_opportunity(actor=self.admin, **fields)
        self.clock.learn(row, CONFLICT_TIMES[:2], moment)

    def _step(
        self, deal: PlannedDeal, kind: str, text: str, moment: datetime.datetime
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
                self.clock.learn(conflict, CONFLICT_TIMES, moment)
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
                self.clock.learn(conflict, CONFLICT_TIMES, moment)
        self.clock.learn(row, REGISTRATION_TIMES, moment)

    def _decide(self, deal: PlannedDeal, kind: str, moment: datetime.datetime) -> None:
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
            self.clock.learn(decided, CONFLICT_TIMES, moment)

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
        update_rows(PartnerOrganization, touched, ["last_active_at"])


def _bind(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: function(*args)
