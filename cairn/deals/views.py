"""Pages of deal registration: partners under /deals/, vendor staff under
/console/deals/.

Views parse input, call a selector or a service and render; they never write rows
themselves. Console pages about one registration answer not-found to anyone but
vendor staff, so that a partner learns nothing from an address.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from cairn.core.access import NotFound
from cairn.core.portal import add_service_errors, paginate, policy_required
from cairn.deals import (
    policies,
    selectors,
    selectors_metrics,
    selectors_portal,
    services,
    views_extras,
)
from cairn.deals.choices import RegistrationStatus
from cairn.deals.forms import (
    SUBMIT,
    AppealForm,
    BaseLineFormSet,
    ConflictDecisionForm,
    RegistrationFilterForm,
    RegistrationForm,
    ReviewDecisionForm,
    ReviewFilterForm,
    SalesStageForm,
    line_formset,
)
from cairn.deals.forms_fields import with_form_field_names
from cairn.deals.models import DealRegistration
from cairn.partners import policies as partner_policies

View = Callable[..., HttpResponse]
partner_page = policy_required(partner_policies.can_use_partner_portal)
vendor_page = policy_required(partner_policies.can_view_console)


def vendor_object_page(view: View) -> View:
    """Send anonymous visitors to sign in; answer not-found to all but vendor staff."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not partner_policies.can_view_console(request.user):
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapped


def _wants_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # A history restore asks for the whole page although htmx sends it.
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _list_page(
    request: HttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    if _wants_partial(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _describe(error: ValidationError, form: Any = None) -> list[str]:
    """Return a service's validation errors as sentences naming their fields."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    described: list[str] = []
    for name, field_messages in error.message_dict.items():
        field = form.fields.get(name) if form is not None else None
        label = (
            field.label
            if field is not None and field.label
            else name.replace("_", " ").capitalize()
        )
        described.extend(f"{label}: {message}" for message in field_messages)
    return described


# Partner portal


@partner_page
def registration_list(request: HttpRequest) -> HttpResponse:
    """List the partner's registrations: a rep's own, the organization's for admins."""
    form = RegistrationFilterForm(
        request.GET, programs=selectors_portal.programs_to_filter_by(request.user)
    )
    registrations = selectors.list_registrations_for(request.user, form.filters())
    context = {
        "form": form,
        "nav": "deals",
        "decision_times": selectors_metrics.decision_times_for(request.user),
        **paginate(request, registrations),
    }
    return _list_page(request, "deals/registration_list.html", context)


def _form_page(
    request: HttpRequest,
    form: RegistrationForm,
    lines: BaseLineFormSet,
    *,
    title: str,
    registration: DealRegistration | None = None,
    programs: Any = None,
    program: Any = None,
) -> HttpResponse:
    return render(
        request,
        "deals/registration_form.html",
        {
            "form": form,
            "lines": lines,
            "title": title,
            "registration": registration,
            # More than one program: the partner chooses, and the form follows.
            "program_choices": programs if programs and len(programs) > 1 else None,
            "selected_program": program,
            "nav": "deals",
        },
    )


def _create(
    request: HttpRequest, form: RegistrationForm, lines: BaseLineFormSet
) -> DealRegistration:
    data = form.cleaned_data
    key = data["idempotency_key"]
    arguments = {
        "actor": request.user,
        "program": data["program"],
        "idempotency_key": key,
        "lines": lines.lines(),
        **form.registration_values(),
    }
    if request.POST.get("action") == SUBMIT:
        return services.register_deal(**arguments)
    existing = selectors_portal.registration_with_key(request.user, key)
    if existing is not None:
        return existing
    try:
        return services.create_draft(**arguments)
    except IntegrityError:
        # A concurrent twin of this very form committed first: it is the answer.
        existing = selectors_portal.registration_with_key(request.user, key)
        if existing is None:
            raise
        return existing


@partner_page
def registration_create(request: HttpRequest) -> HttpResponse:
    """Register a deal: save it as a draft or submit it for review."""
    programs = list(selectors_portal.programs_to_register_in(request.user))
    program = views_extras.chosen_program(request, programs)
    form = RegistrationForm(
        request.POST or None,
        programs=selectors_portal.programs_to_register_in(request.user),
        configuration=views_extras.configuration_of(program),
        initial={"program": program} if program is not None else None,
    )
    lines = line_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            registration = _create(request, form, lines)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            submitted = registration.status != RegistrationStatus.DRAFT
            messages.success(
                request,
                "The registration was submitted for review."
                if submitted
                else "The draft was saved.",
            )
            return redirect("deals:registration_detail", registration.pk)
    if not form.is_bound and program is not None:
        form.initial["program"] = program.pk
    return _form_page(
        request,
        form,
        lines,
        title="Register a deal",
        programs=programs,
        program=program,
    )


@partner_page
def registration_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft, or answer a reviewer's request for more information."""
    registration = selectors.access_registration(request.user, pk, action="update")
    form = RegistrationForm(
        request.POST or None,
        registration=registration,
        configuration=views_extras.configuration_of(registration.program),
    )
    lines = line_formset(request.POST or None, registration=registration)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        is_submit = request.POST.get("action") == SUBMIT
        try:
            # Saved and submitted together: a refused submission keeps the old draft.
            with transaction.atomic():
                updated = services.update_draft(
                    registration,
                    actor=request.user,
                    lines=lines.lines(),
                    **form.registration_values(),
                )
                if is_submit:
                    services.submit_registration(updated, actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "The registration was submitted for review."
                if is_submit
                else "The draft was saved.",
            )
            return redirect("deals:registration_detail", registration.pk)
    return _form_page(
        request,
        form,
        lines,
        title=f"Edit the registration of {registration.customer_name}",
        registration=registration,
    )


def _detail_page(
    request: HttpRequest,
    registration: DealRegistration,
    *,
    stage_form: SalesStageForm | None = None,
    appeal_form: AppealForm | None = None,
    appeal_conflict_pk: int | None = None,
    extras: dict[str, Any] | None = None,
) -> HttpResponse:
    actor = request.user
    conflicts = selectors.conflict_for_partner(actor, registration)
    appeals = [
        (
            conflict,
            (
                appeal_form
                if appeal_form is not None and conflict.pk == appeal_conflict_pk
                else AppealForm(auto_id=f"id_appeal_{conflict.pk}_%s")
            )
            if conflict.can_appeal
            else None,
        )
        for conflict in conflicts
    ]
    can_update_stage = policies.can_update_sales_stage(actor, registration)
    return render(
        request,
        "deals/registration_detail.html",
        {
            "registration": registration,
            "lines": selectors_portal.lines_of(registration),
            "history": selectors_portal.history_rows_for(actor, registration.pk),
            "conflicts": appeals,
            "time_to_decision": selectors_portal.describe_duration(
                selectors_portal.time_to_decision(registration)
            ),
            "decision_time": next(
                iter(
                    selectors_metrics.decision_times_for(
                        actor, program_ids=[registration.program_id]
                    )
                ),
                None,
            ),
            "can_update": policies.can_update_registration(actor, registration),
            "can_submit": policies.can_submit_registration(actor, registration),
            "stage_form": (stage_form or SalesStageForm())
            if can_update_stage
            else None,
            "nav": "deals",
            **views_extras.partner_detail_context(actor, registration, extras),
        },
    )


@partner_page
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a registration: status, protection, history, conflicts and decisions."""
    registration = selectors.access_registration(request.user, pk)
    return _detail_page(request, registration)


@partner_page
@require_POST
def registration_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a draft, or a completed answer, for review."""
    registration = selectors.access_registration(request.user, pk, action="submit")
    try:
        services.submit_registration(registration, actor=request.user)
    except ValidationError as error:
        form = RegistrationForm(
            registration=registration,
            configuration=views_extras.configuration_of(registration.program),
        )
        error = with_form_field_names(error)
        for message in _describe(error, form):
            messages.error(request, message)
        return redirect("deals:registration_update", registration.pk)
    messages.success(request, "The registration was submitted for review.")
    return redirect("deals:registration_detail", registration.pk)


@partner_page
@require_POST
def registration_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an approved deal to qualified, proposal, won or lost."""
    registration = selectors.access_registration(
        request.user, pk, action="update_stage"
    )
    form = SalesStageForm(request.POST)
    if form.is_valid():
        try:
            services.update_sales_stage(
                registration,
                actor=request.user,
                stage=form.cleaned_data["stage"],
                lost_reason=form.cleaned_data["lost_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The sales stage was saved.")
            return redirect("deals:registration_detail", registration.pk)
    return _detail_page(request, registration, stage_form=form)


@partner_page
@require_POST
def conflict_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """Appeal a conflict decision, once, with a note."""
    conflict = selectors.access_conflict(request.user, pk, action="appeal")
    form = AppealForm(request.POST, auto_id=f"id_appeal_{conflict.pk}_%s")
    if form.is_valid():
        try:
            services.appeal_conflict(
                conflict, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your appeal was sent; the decision is reopened.")
            return redirect("deals:registration_detail", conflict.registration_id)
    registration = selectors.access_registration(request.user, conflict.registration_id)
    return _detail_page(
        request, registration, appeal_form=form, appeal_conflict_pk=conflict.pk
    )


# Vendor console


@vendor_page
def review_queue(request: HttpRequest) -> HttpResponse:
    """List the registrations waiting for a decision, earliest deadline first."""
    form = ReviewFilterForm(
        request.GET, programs=selectors_portal.programs_to_filter_by(request.user)
    )
    registrations = selectors_portal.list_review_queue_for(request.user, form.filters())
    context = {
        "form": form,
        "nav": "deal_reviews",
        "now": timezone.now(),
        "extension_requests": views_extras.pending_extensions(request),
        **paginate(request, registrations),
    }
    return _list_page(request, "deals/review_queue.html", context)


def _review_page(
    request: HttpRequest,
    registration: DealRegistration,
    *,
    decision_form: ReviewDecisionForm | None = None,
    resolve_form: ConflictDecisionForm | None = None,
    resolve_conflict_pk: int | None = None,
    extras: dict[str, Any] | None = None,
) -> HttpResponse:
    actor = request.user
    conflicts = [
        (
            view,
            (
                resolve_form
                if resolve_form is not None and view.conflict.pk == resolve_conflict_pk
                else ConflictDecisionForm(auto_id=f"id_resolve_{view.conflict.pk}_%s")
            )
            if view.can_resolve
            else None,
        )
        for view in selectors_portal.vendor_conflicts_for(actor, registration)
    ]
    return render(
        request,
        "deals/review_detail.html",
        {
            "registration": registration,
            "lines": selectors_portal.lines_of(registration),
            "history": selectors_portal.history_rows_for(actor, registration.pk),
            "conflicts": conflicts,
            "time_to_decision": selectors_portal.describe_duration(
                selectors_portal.time_to_decision(registration)
            ),
            "can_review": policies.can_review_registration(actor, registration),
            "decision_form": decision_form or ReviewDecisionForm(),
            "is_overdue": registration.review_due_at is not None
            and registration.review_due_at <= timezone.now(),
            "nav": "deal_reviews",
            **views_extras.review_detail_context(actor, registration, extras),
        },
    )


@vendor_object_page
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a registration to its reviewer, with both sides of each conflict."""
    registration = selectors.access_registration(request.user, pk)
    return _review_page(request, registration)


REVIEW_MESSAGES = {
    ReviewDecisionForm.START: "The review has started.",
    ReviewDecisionForm.MORE_INFO: "The partner was asked for more information.",
    ReviewDecisionForm.APPROVE: "The registration was approved.",
    ReviewDecisionForm.REJECT: "The registration was rejected.",
}


def _decide(
    registration: DealRegistration, actor: Any, decision: str, reason: str
) -> None:
    if decision == ReviewDecisionForm.START:
        services.start_review(registration, actor=actor)
    elif decision == ReviewDecisionForm.MORE_INFO:
        services.request_more_information(registration, actor=actor, reason=reason)
    elif decision == ReviewDecisionForm.APPROVE:
        services.approve_registration(registration, actor=actor, reason=reason)
    else:
        services.reject_registration(registration, actor=actor, reason=reason)


@vendor_object_page
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the review of a registration, ask for information, approve or reject."""
    registration = selectors.access_registration(request.user, pk, action="review")
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            _decide(registration, request.user, decision, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, REVIEW_MESSAGES[decision])
            return redirect("deals:review_detail", registration.pk)
    return _review_page(request, registration, decision_form=form)


@vendor_object_page
@require_POST
def conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide a possible conflict (first come, split, not a conflict) with a reason."""
    conflict = selectors.access_conflict(request.user, pk, action="resolve")
    form = ConflictDecisionForm(request.POST, auto_id=f"id_resolve_{conflict.pk}_%s")
    if form.is_valid():
        try:
            services.resolve_conflict(
                conflict,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The conflict was decided.")
            return redirect("deals:review_detail", conflict.registration_id)
    registration = selectors.access_registration(request.user, conflict.registration_id)
    return _review_page(
        request, registration, resolve_form=form, resolve_conflict_pk=conflict.pk
    )
