"""Pages of the vendor console (under /console/) and the partner portal (/partner/).

Views parse input, call a selector or a service and render; they never write rows
themselves. Console pages about one object answer not-found to anyone but vendor
staff, so that a partner learns nothing from an address.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_vary_headers

from cairn.core.access import NotFound
from cairn.core.portal import paginate, policy_required, save_form
from cairn.partners import policies, selectors, services
from cairn.partners.forms import (
    MembershipChangeForm,
    MembershipCreateForm,
    OrganizationFilterForm,
    OrganizationForm,
    ProgramForm,
    TierForm,
)

View = Callable[..., HttpResponse]


def console_object_view(view: View) -> View:
    """Send anonymous visitors to sign in; answer not-found to all but vendor staff."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policies.can_view_console(request.user):
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapped


def _wants_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # A history restore asks for the whole page although htmx sends it.
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    success_message: str | Callable[[Any], str],
    title: str,
    cancel_url: str,
    nav: str,
    redirect_to: str | Callable[[Any], str] | None = None,
    submit: str = "Save",
    intro: str = "",
) -> HttpResponse:
    """Save the posted form through `save`, or show the form page (again).

    After a save the page goes where Cancel goes, unless `redirect_to` says otherwise.
    """
    response = save_form(
        request,
        form,
        save,
        success_message=success_message,
        redirect_to=redirect_to or cancel_url,
    )
    if response is not None:
        return response
    return render(
        request,
        "partners/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": resolve_url(cancel_url),
            "nav": nav,
            "submit": submit,
            "intro": intro,
        },
    )


# Vendor console


@policy_required(policies.can_view_console)
def console(request: HttpRequest) -> HttpResponse:
    """Show the ecosystem overview of the partners the actor may see."""
    overview = selectors.console_overview_for(request.user)
    return render(
        request, "partners/console.html", {"overview": overview, "nav": "console"}
    )


@policy_required(policies.can_view_console)
def organization_list(request: HttpRequest) -> HttpResponse:
    """List the partners the actor may see, filtered, searched and sorted."""
    form = OrganizationFilterForm(request.GET, actor=request.user)
    filters = form.filters()
    organizations = selectors.list_organizations_for(request.user, filters)
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    encoded = query.urlencode()
    context = {
        "form": form,
        "nav": "partners",
        "sort": filters["sort"],
        "querystring_without_sort": f"{encoded}&" if encoded else "",
        "can_create": policies.can_create_organization(request.user),
        **paginate(request, organizations),
    }
    template = "partners/organization_list.html"
    if _wants_partial(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@console_object_view
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a partner's profile, memberships, users and recent activity."""
    organization = selectors.access_organization(request.user, pk)
    detail = selectors.organization_detail_for(request.user, organization)
    return render(
        request,
        "partners/organization_detail.html",
        {"detail": detail, "organization": organization, "nav": "partners"},
    )


@policy_required(policies.can_create_organization)
def organization_create(request: HttpRequest) -> HttpResponse:
    """Add a partner organization."""
    form = OrganizationForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.create_organization(actor=request.user, **data),
        success_message=lambda organization: f"{organization.name} was added.",
        title="New partner organization",
        cancel_url="partners:organization_list",
        nav="partners",
        redirect_to=lambda organization: organization.get_absolute_url(),
    )


@console_object_view
def organization_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a partner's profile and email domains."""
    organization = selectors.access_organization(request.user, pk, action="update")
    form = OrganizationForm(
        request.POST or None,
        instance=organization,
        with_email_domains=policies.can_change_email_domains(
            request.user, organization
        ),
    )
    return _form_page(
        request,
        form,
        lambda data: services.update_organization(
            organization, actor=request.user, **data
        ),
        success_message="The profile was saved.",
        title=f"Edit {organization.name}",
        cancel_url=organization.get_absolute_url(),
        nav="partners",
    )


@console_object_view
def membership_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a partner to a program."""
    organization = selectors.access_organization(
        request.user, pk, action="add_membership"
    )
    form = MembershipCreateForm(
        request.POST or None, actor=request.user, organization=organization
    )
    return _form_page(
        request,
        form,
        lambda data: services.add_membership(organization, actor=request.user, **data),
        success_message=lambda membership: (
            f"{organization.name} joined {membership.program}."
        ),
        title=f"Add {organization.name} to a program",
        cancel_url=organization.get_absolute_url(),
        nav="partners",
        submit="Add to program",
    )


@console_object_view
def membership_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a membership's status, tier, partner type or channel manager."""
    membership = selectors.access_membership(request.user, pk, action="change")
    form = MembershipChangeForm(request.POST or None, membership=membership)
    return _form_page(
        request,
        form,
        lambda data: services.change_membership(membership, actor=request.user, **data),
        success_message="The membership was saved.",
        title=f"{membership.organization.name} in {membership.program.name}",
        cancel_url=membership.organization.get_absolute_url(),
        nav="partners",
        intro=(
            f"Status: {membership.get_status_display()}. A status can change only "
            "to the statuses offered here."
        ),
    )


@policy_required(policies.can_view_console)
def program_list(request: HttpRequest) -> HttpResponse:
    """List the programs with their tiers and membership counts."""
    return render(
        request,
        "partners/program_list.html",
        {
            "rows": selectors.program_rows_for(request.user),
            "can_manage": policies.can_manage_programs(request.user),
            "nav": "programs",
        },
    )


@console_object_view
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a program's tiers, partner types, managers and membership counts."""
    program = selectors.access_program(request.user, pk)
    detail = selectors.program_detail_for(request.user, program)
    return render(
        request, "partners/program_detail.html", {"detail": detail, "nav": "programs"}
    )


@policy_required(policies.can_manage_programs)
def program_create(request: HttpRequest) -> HttpResponse:
    """Add a partner program."""
    form = ProgramForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.create_program(actor=request.user, **data),
        success_message=lambda program: f"{program.name} was created; add its tiers.",
        title="New program",
        cancel_url="partners:program_list",
        nav="programs",
        redirect_to=lambda program: program.get_absolute_url(),
    )


@console_object_view
def program_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a program."""
    program = selectors.access_program(request.user, pk, action="update")
    form = ProgramForm(request.POST or None, program=program)
    return _form_page(
        request,
        form,
        lambda data: services.update_program(program, actor=request.user, **data),
        success_message="The program was saved.",
        title=f"Edit {program.name}",
        cancel_url=program.get_absolute_url(),
        nav="programs",
    )


@console_object_view
def tier_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a tier to a program."""
    program = selectors.access_program(request.user, pk, action="update")
    next_rank = (max((tier.rank for tier in program.tiers.all()), default=0)) + 1
    form = TierForm(request.POST or None, initial={"rank": next_rank})
    return _form_page(
        request,
        form,
        lambda data: services.create_tier(program, actor=request.user, **data),
        success_message="The tier was added.",
        title=f"New tier of {program.name}",
        cancel_url=program.get_absolute_url(),
        nav="programs",
    )


@console_object_view
def tier_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, re-rank or describe a tier."""
    tier = selectors.access_tier(request.user, pk, action="update")
    form = TierForm(request.POST or None, instance=tier)
    return _form_page(
        request,
        form,
        lambda data: services.update_tier(tier, actor=request.user, **data),
        success_message="The tier was saved.",
        title=f"Edit tier {tier.name} of {tier.program.name}",
        cancel_url=tier.program.get_absolute_url(),
        nav="programs",
    )


# Partner portal


@policy_required(policies.can_use_partner_portal)
def partner_home(request: HttpRequest) -> HttpResponse:
    """Show a partner user what to do next, their programs and their contacts."""
    home = selectors.partner_home_for(request.user)
    return render(request, "partners/partner_home.html", {"home": home, "nav": "home"})


@policy_required(policies.can_use_partner_portal)
def my_organization(request: HttpRequest) -> HttpResponse:
    """Show the partner user's organization profile."""
    detail = selectors.my_organization_for(request.user)
    return render(
        request,
        "partners/my_organization.html",
        {"detail": detail, "organization": detail.organization, "nav": "organization"},
    )


@policy_required(policies.can_use_partner_portal)
def my_organization_update(request: HttpRequest) -> HttpResponse:
    """Let a partner admin edit their organization's profile."""
    organization = selectors.access_own_organization(request.user, action="update")
    form = OrganizationForm(
        request.POST or None, instance=organization, with_email_domains=False
    )
    return _form_page(
        request,
        form,
        lambda data: services.update_organization(
            organization, actor=request.user, **data
        ),
        success_message="Your organization's profile was saved.",
        title="Edit your organization's profile",
        cancel_url="partners:my_organization",
        nav="organization",
    )
