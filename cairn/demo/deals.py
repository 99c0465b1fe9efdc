"""Generate the deal registrations of the demo through the deals services.

Unlike the other steps this one calls the services (register, submit, review, decide
conflicts, move sales stages), so that match keys, conflicts, status histories, audit
entries and events are exactly what Cairn itself writes. The services stamp
`timezone.now()`; the step runs every call in the order of its planned moment (in the
last 90 days), notes which rows each call wrote, and afterwards moves those rows'
times, and the times inside their audit snapshots and event data, to the planned
moment. Production code never learns about the demo's clock.

deal_plan.py draws the deals and their steps (deal_customers.py invents the
customers), deal_runs.py calls the services and deal_clock.py moves the times.
"""

from cairn.deals.models import DealConflict, DealRegistration
from cairn.demo.context import GenerationContext
from cairn.demo.deal_plan import DealPlanner
from cairn.demo.deal_runs import DealRunner
from cairn.demo.plan import PlannedOrganization


def generate_deals(
    context: GenerationContext, orgs: list[PlannedOrganization]
) -> tuple[int, int]:
    """Register, review and decide the partners' deals; return (registrations,
    conflicts).
    """
    planner = DealPlanner(context, orgs)
    planner.plan()
    runner = DealRunner(context, planner)
    runner.run()
    return (
        DealRegistration.objects.filter(pk__in=runner.ids()).count(),
        DealConflict.objects.count(),
    )
