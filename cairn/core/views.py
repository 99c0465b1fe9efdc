"""Error pages, the home redirect, the activity stream and the audit log."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cairn.core import policies, roles, selectors
from cairn.core.api.problems import problem_response
from cairn.core.forms import ActivityFilterForm, AuditFilterForm
from cairn.core.portal import is_htmx, paginate, policy_required


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer not-found: problem details under the API, a page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(request, 404, "No such resource.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unexpected error without leaking anything."""
    if request.path.startswith("/api/"):
        return problem_response(request, 500, "An unexpected error occurred.")
    return render(request, "500.html", status=500)


def home(request: HttpRequest) -> HttpResponse:
    """Send each persona to their home: the console, the partner home, or sign-in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if roles.is_vendor_staff(user):
        return redirect("partners:console")
    if roles.is_partner_user(user):
        return redirect("partners:partner_home")
    return render(request, "core/no_organization.html")


@policy_required(policies.can_view_activity)
def activity(request: HttpRequest) -> HttpResponse:
    """List the activity events the actor may see."""
    form = ActivityFilterForm(request.GET or None)
    verb = form.cleaned_data["verb"] if form.is_valid() else ""
    events = selectors.list_activity_events_for(request.user, verb=verb)
    context = {"form": form, "nav": "activity", **paginate(request, events)}
    template = (
        "core/activity.html#results" if is_htmx(request) else "core/activity.html"
    )
    return render(request, template, context)


@policy_required(policies.can_view_audit_log)
def audit_log(request: HttpRequest) -> HttpResponse:
    """List the audit entries the actor may read."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.list_audit_entries_for(
        request.user, action=filters.get("action", ""), search=filters.get("q", "")
    )
    context = {"form": form, "nav": "audit", **paginate(request, entries)}
    template = (
        "core/audit_log.html#results" if is_htmx(request) else "core/audit_log.html"
    )
    return render(request, template, context)
