"""API endpoints of the deal metrics under /api/v1/deal-metrics/.

The vendor's staff read service levels and velocity for their scope; every
signed-in actor reads the vendor's time to decision in their programs and the
totals of their own pipeline board.
"""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cairn.core.api.permissions import HasTokenScope, IsActor, IsVendorStaff
from cairn.core.api.views import ScopedViewSet
from cairn.deals import (
    selectors,
    selectors_metrics,
    selectors_pipeline,
    selectors_velocity,
)
from cairn.deals.api.serializers.metrics import (
    BoardColumnSerializer,
    PeriodQuerySerializer,
    PipelineQuerySerializer,
    ProgramDecisionTimeSerializer,
    ServiceLevelsSerializer,
    VelocitySerializer,
)
from cairn.deals.models import DealRegistration

VENDOR_PERMISSIONS = (IsActor, IsVendorStaff, HasTokenScope)


def _money(totals: list[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    return [{"currency": currency, "amount": amount} for currency, amount in totals]


def _cycle(figures: selectors_velocity.CycleFigures) -> dict[str, Any]:
    return {
        "label": figures.label,
        "closed": figures.closed,
        "won": figures.won,
        "lost": figures.lost,
        "win_rate": figures.win_rate,
        "average_days": figures.average_days,
        "median_days": figures.median_days,
        "won_amounts": _money(figures.won_totals),
    }


def _period(request: Request) -> int:
    query = PeriodQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return int(query.validated_data["period"])


class DealMetricsViewSet(ScopedViewSet):
    """Figures about deal registrations, computed for the actor's scope."""

    queryset = DealRegistration.objects.none()
    # Figures, not rows: nothing to page through, order or search.
    pagination_class = None
    filter_backends = ()

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_registrations_for(actor)

    @extend_schema(
        summary="Review service levels per program and approver",
        parameters=[PeriodQuerySerializer],
        responses={200: ServiceLevelsSerializer},
    )
    @action(
        detail=False,
        url_path="service-levels",
        permission_classes=VENDOR_PERMISSIONS,
    )
    def service_levels(self, request: Request) -> Response:
        """Return time to decision, compliance, overdue and escalations."""
        figures = selectors_metrics.service_levels_for(
            request.user, period_days=_period(request)
        )
        return Response(ServiceLevelsSerializer(figures).data)

    @extend_schema(
        summary="Deal velocity and partner-sourced against influenced revenue",
        parameters=[PeriodQuerySerializer],
        responses={200: VelocitySerializer},
    )
    @action(detail=False, permission_classes=VENDOR_PERMISSIONS)
    def velocity(self, request: Request) -> Response:
        """Return days per stage, sales cycles and won revenue."""
        figures = selectors_velocity.velocity_for(
            request.user, period_days=_period(request)
        )
        data = {
            "period_days": figures.period_days,
            "since": figures.since,
            "until": figures.until,
            "phases": figures.phases,
            "partner_involved": _cycle(figures.partner),
            "direct": _cycle(figures.direct) if figures.direct else None,
            "partner_sourced": {
                "deals": figures.sourced_deals,
                "won_amounts": _money(figures.sourced),
            },
            "partner_influenced": {
                "deals": figures.influenced_deals,
                "won_amounts": _money(figures.influenced),
            },
        }
        return Response(VelocitySerializer(data).data)

    @extend_schema(
        summary="The vendor's median time to decision in your programs",
        responses={200: ProgramDecisionTimeSerializer(many=True)},
    )
    @action(detail=False, url_path="decision-times")
    def decision_times(self, request: Request) -> Response:
        """Return the median of the last 90 days per program, without who decided."""
        times = selectors_metrics.decision_times_for(request.user)
        return Response(ProgramDecisionTimeSerializer(times, many=True).data)

    @extend_schema(
        summary="The totals of your pipeline board, per stage and currency",
        parameters=[PipelineQuerySerializer],
        responses={200: BoardColumnSerializer(many=True)},
    )
    @action(detail=False)
    def pipeline(self, request: Request) -> Response:
        """Return each board column's number of deals and sums per currency."""
        query = PipelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        columns = selectors_pipeline.board_for(
            request.user, query.validated_data, cards_per_column=0
        )
        data = [
            {
                "key": column.key,
                "label": column.label,
                "count": column.count,
                "totals": _money(column.totals),
            }
            for column in columns
        ]
        return Response(BoardColumnSerializer(data, many=True).data)
