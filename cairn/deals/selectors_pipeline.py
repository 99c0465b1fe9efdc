"""Scoped reads of the deal pipeline: the filtered list, the board by stage and the
CSV export, given the actor.

The list, the board and the export read the same queryset, so that each shows
exactly the registrations of the actor's scope: a rep's own, a partner admin's
organization's, a channel manager's partners', every one for vendor admins.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, NullIf, RowNumber

from cairn.deals import metrics, policies
from cairn.deals.choices import (
    PENDING_STATUSES,
    STAGE_TRANSITIONS,
    RegistrationStatus,
    SalesStage,
)
from cairn.deals.models import DealRegistration

BOARD_COLUMNS = (
    ("review", "Submitted or under review"),
    (SalesStage.QUALIFIED.value, "Approved, qualified"),
    (SalesStage.PROPOSAL.value, "Proposal"),
    (SalesStage.WON.value, "Won"),
    (SalesStage.LOST.value, "Lost"),
)
CARDS_PER_COLUMN = 25
CENT = Decimal("0.01")
EXPORT_CHUNK = 2000
EXPORT_COLUMNS = (
    ("id", "pk"),
    ("customer_name", "customer_name"),
    ("customer_domain", "customer_domain"),
    ("country", "country"),
    ("program", "program__name"),
    ("partner", "organization__name"),
    ("registered_by", "registered_by_name"),
    ("status", "status"),
    ("sales_stage", "sales_stage"),
    ("partner_role", "partner_role"),
    ("deal_type", "deal_type"),
    ("amount", "amount"),
    ("currency", "currency"),
    ("expected_close_date", "expected_close_date"),
    ("submitted_at", "submitted_at"),
    ("decided_at", "decided_at"),
    ("protection_expires_at", "protection_expires_at"),
)


def board_column() -> Case:
    """Return the board column of a registration, or null when it is on no column.

    Pending registrations are in review; approved ones by their stage, an approved
    deal without a stage counting as qualified. Won and lost deals stay on the board
    after their protection ends; drafts, rejected and expired open deals do not.
    """
    return Case(
        When(status__in=PENDING_STATUSES, then=Value("review")),
        When(sales_stage=SalesStage.WON, then=Value(SalesStage.WON.value)),
        When(sales_stage=SalesStage.LOST, then=Value(SalesStage.LOST.value)),
        When(
            status=RegistrationStatus.APPROVED,
            sales_stage=SalesStage.PROPOSAL,
            then=Value(SalesStage.PROPOSAL.value),
        ),
        When(
            status=RegistrationStatus.APPROVED,
            then=Value(SalesStage.QUALIFIED.value),
        ),
        default=None,
    )


def list_pipeline_for(
    actor: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[DealRegistration]:
    """Return the submitted registrations the actor may see that match the filters,
    by expected close date.

    Filters (all optional): status, sales_stage, program, partner (name contains,
    for the vendor), close_from and close_to (expected close date, inclusive),
    search (customer name or domain).
    """
    filters = filters or {}
    registrations = DealRegistration.objects.visible_to(actor).exclude(
        status=RegistrationStatus.DRAFT
    )
    for name in ("status", "sales_stage", "program"):
        if filters.get(name):
            registrations = registrations.filter(**{name: filters[name]})
    partner = str(filters.get("partner") or "").strip()
    if partner:
        registrations = registrations.filter(organization__name__icontains=partner)
    if filters.get("close_from"):
        registrations = registrations.filter(
            expected_close_date__gte=filters["close_from"]
        )
    if filters.get("close_to"):
        registrations = registrations.filter(
            expected_close_date__lte=filters["close_to"]
        )
    search = str(filters.get("search") or "").strip()
    if search:
        registrations = registrations.filter(
            Q(customer_name__icontains=search) | Q(customer_domain__icontains=search)
        )
    return registrations.select_related(
        "program", "organization", "registered_by"
    ).order_by(F("expected_close_date").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class Card:
    """A deal on the board, with the stages its viewer may move it to."""

    registration: DealRegistration
    next_stages: tuple[tuple[str, str], ...]


@dataclass
class BoardColumn:
    """One column of the board: its deals' count, sums per currency and first
    cards.
    """

    key: str
    label: str
    count: int = 0
    totals: list[tuple[str, Decimal]] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """Return how many deals of the column are not shown as cards."""
        return self.count - len(self.cards)


def _next_stages(
    actor: Any, registration: DealRegistration
) -> tuple[tuple[str, str], ...]:
    if not policies.can_move_stage_on_board(actor, registration):
        return ()
    allowed = STAGE_TRANSITIONS[registration.sales_stage]
    return tuple(
        (value, label) for value, label in SalesStage.choices if value in allowed
    )


def board_for(
    actor: Any,
    filters: Mapping[str, Any] | None = None,
    *,
    cards_per_column: int = CARDS_PER_COLUMN,
) -> list[BoardColumn]:
    """Return the board of the actor's filtered pipeline: per column, the number of
    deals, their amounts summed per currency (never across currencies) and the
    first deals by expected close date, in two queries.
    """
    registrations = list_pipeline_for(actor, filters).annotate(column=board_column())
    on_board = registrations.filter(column__isnull=False)
    columns = {key: BoardColumn(key=key, label=label) for key, label in BOARD_COLUMNS}
    for row in (
        on_board.order_by()
        .values("column", "currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("column", "currency")
    ):
        column = columns[row["column"]]
        column.count += row["count"]
        # SQLite's sum drops trailing zeros: amounts keep their cents.
        total = (row["total"] or Decimal("0")).quantize(CENT)
        column.totals.append((row["currency"], total))
    if cards_per_column <= 0:
        return list(columns.values())
    ranked = on_board.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[board_column()],
            order_by=[F("expected_close_date").asc(nulls_last=True), F("pk").asc()],
        )
    ).filter(rank__lte=cards_per_column)
    for registration in ranked:
        columns[registration.column].cards.append(
            Card(
                registration=registration,
                next_stages=_next_stages(actor, registration),
            )
        )
    return list(columns.values())


def export_header() -> list[str]:
    """Return the header row of the pipeline export."""
    return [name for name, _ in EXPORT_COLUMNS]


def export_rows_for(
    actor: Any, filters: Mapping[str, Any] | None = None
) -> Iterator[list[str]]:
    """Yield the actor's filtered pipeline as CSV rows safe to open in a
    spreadsheet, reading the rows in chunks.
    """
    rows = (
        list_pipeline_for(actor, filters)
        .annotate(
            registered_by_name=Coalesce(
                NullIf(F("registered_by__full_name"), Value("")),
                F("registered_by__email"),
                output_field=CharField(),
            )
        )
        .values_list(*(path for _, path in EXPORT_COLUMNS))
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for row in rows:
        yield [metrics.safe_cell(value) for value in row]
