"""Pipeline pages (board, list, CSV export) for partners under /deals/pipeline/ and
vendor staff under /console/deals/pipeline/, and the vendor's service-level and
velocity pages.

The page and its export read the same selector with the same filters, so an export
holds exactly the rows the page would show, all of them rather than one page.
"""

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cairn.core.portal import paginate
from cairn.deals import (
    policies,
    selectors,
    selectors_metrics,
    selectors_pipeline,
    selectors_portal,
    selectors_velocity,
    services,
)
from cairn.deals.forms_pipeline import (
    VIEWS,
    BoardStageForm,
    PeriodForm,
    PipelineFilterForm,
)
from cairn.deals.views import partner_page, vendor_page


class _Echo:
    """A file-like object whose write returns the line, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def _pipeline_page(
    request: HttpRequest, *, page_url: str, export_url: str, nav: str, console: bool
) -> HttpResponse:
    actor = request.user
    form = PipelineFilterForm(
        request.GET,
        programs=selectors_portal.programs_to_filter_by(actor),
        show_partner=console,
    )
    filters = form.filters()
    view = request.GET.get("view")
    view = view if view in dict(VIEWS) else "board"
    # The filters as links carry them: empty fields, the page and the view left out.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in {"page", "view"}:
            query.setlist(key, [value for value in values if value])
    context: dict[str, Any] = {
        "form": form,
        "nav": nav,
        "view": view,
        "views": VIEWS,
        "console": console,
        "page_url": page_url,
        "export_url": export_url,
        "filter_query": query.urlencode(),
        "here": request.get_full_path(),
    }
    if view == "board":
        context["columns"] = selectors_pipeline.board_for(actor, filters)
    else:
        context.update(
            paginate(request, selectors_pipeline.list_pipeline_for(actor, filters))
        )
    template = "deals/pipeline.html"
    htmx = getattr(request, "htmx", None)
    # Only the filters, views and pages ask for the results; a boosted stage move
    # that lands here after its redirect wants the whole page with its message.
    if htmx and htmx.target == "results" and not htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _export(request: HttpRequest, *, console: bool) -> StreamingHttpResponse:
    actor = request.user
    form = PipelineFilterForm(
        request.GET,
        programs=selectors_portal.programs_to_filter_by(actor),
        show_partner=console,
    )
    filters = form.filters()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        # A byte order mark lets spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow(selectors_pipeline.export_header())
        for row in selectors_pipeline.export_rows_for(actor, filters):
            yield writer.writerow(row)

    filename = f"deal-pipeline-{timezone.now():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Partner portal


@partner_page
def pipeline(request: HttpRequest) -> HttpResponse:
    """Show the partner's pipeline as a board by stage or a list: a rep's own deals,
    the organization's for partner admins.
    """
    return _pipeline_page(
        request,
        page_url=reverse("deals:pipeline"),
        export_url=reverse("deals:pipeline_export"),
        nav="pipeline",
        console=False,
    )


@partner_page
def pipeline_export(request: HttpRequest) -> HttpResponse:
    """Download the partner's filtered pipeline as CSV."""
    return _export(request, console=False)  # type: ignore[return-value]


def _back_to_board(request: HttpRequest, target: str) -> HttpResponse:
    board = reverse("deals:pipeline")
    is_safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if is_safe and target.startswith(board) else board)


@partner_page
@require_POST
def pipeline_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one of the partner's approved deals to another stage from the board."""
    registration = selectors.access_registration(
        request.user, pk, action="update_stage"
    )
    if not policies.can_move_stage_on_board(request.user, registration):
        raise PermissionDenied
    form = BoardStageForm(request.POST)
    target = request.POST.get("next", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{registration.customer_name}: {error}")
        return _back_to_board(request, target)
    try:
        registration = services.update_sales_stage(
            registration,
            actor=request.user,
            stage=form.cleaned_data["stage"],
            lost_reason=form.cleaned_data["lost_reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"{registration.customer_name}: {message}")
    else:
        messages.success(
            request,
            f"{registration.customer_name} moved to "
            f"{registration.get_sales_stage_display()}.",
        )
    return _back_to_board(request, target)


# Vendor console


@vendor_page
def console_pipeline(request: HttpRequest) -> HttpResponse:
    """Show the pipeline of the partners the staff member sees, by stage or listed."""
    return _pipeline_page(
        request,
        page_url=reverse("deals:console_pipeline"),
        export_url=reverse("deals:console_pipeline_export"),
        nav="deal_pipeline",
        console=True,
    )


@vendor_page
def console_pipeline_export(request: HttpRequest) -> HttpResponse:
    """Download the filtered pipeline of the staff member's partners as CSV."""
    return _export(request, console=True)  # type: ignore[return-value]


@vendor_page
def service_levels(request: HttpRequest) -> HttpResponse:
    """Show time to decision per program and approver, deadline compliance, overdue
    registrations and escalations over a period.
    """
    form = PeriodForm(request.GET)
    figures = selectors_metrics.service_levels_for(
        request.user, period_days=form.period_days()
    )
    return render(
        request,
        "deals/service_levels.html",
        {"form": form, "figures": figures, "nav": "deal_service_levels"},
    )


@vendor_page
def velocity(request: HttpRequest) -> HttpResponse:
    """Show days per stage, partner-involved against direct sales cycles, and
    partner-sourced against partner-influenced won revenue over a period.
    """
    form = PeriodForm(request.GET)
    figures = selectors_velocity.velocity_for(
        request.user, period_days=form.period_days()
    )
    return render(
        request,
        "deals/pipeline_velocity.html",
        {"form": form, "figures": figures, "nav": "deal_service_levels"},
    )
