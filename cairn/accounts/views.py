"""Portal pages of the accounts app: profile, API tokens, team, staff, invitations."""

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cairn.accounts import policies, selectors, services
from cairn.accounts.forms import (
    ApiTokenForm,
    InvitationSignupForm,
    InviteForm,
    ProfileForm,
    RoleForm,
    role_choices,
)
from cairn.accounts.models import Invitation
from cairn.core.portal import (
    add_service_errors,
    is_htmx,
    paginate,
    policy_required,
    save_form,
)
from cairn.core.roles import Role
from cairn.partners import selectors as partner_selectors


def _message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return target
    return None


# Profile ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and edit the signed-in person's own profile."""
    user: Any = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={
            "full_name": user.full_name,
            "job_title": user.job_title,
            "job_function": user.job_function,
        },
    )
    response = save_form(
        request,
        form,
        lambda data: services.update_profile(
            user,
            full_name=data["full_name"],
            job_title=data["job_title"],
            job_function=data["job_function"],
            actor=user,
        ),
        success_message="Your profile is saved.",
        redirect_to="accounts:profile",
    )
    return response or render(request, "accounts/profile.html", {"form": form})


# API tokens ---------------------------------------------------------------------


def _api_tokens_page(
    request: HttpRequest,
    form: ApiTokenForm,
    *,
    new_token: Any = None,
    new_secret: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "tokens": selectors.list_api_tokens_for(request.user),
        "new_token": new_token,
        "new_secret": new_secret,
    }
    return render(request, "accounts/api_tokens.html", context)


@never_cache  # the page may carry a secret shown once: no cache may keep it
@policy_required(policies.can_use_api_tokens)
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the person's API tokens and create one, showing its secret once."""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = services.create_api_token(
                    request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    scopes=[form.cleaned_data["scope"]],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _api_tokens_page(
                    request, ApiTokenForm(), new_token=token, new_secret=raw
                )
        return _api_tokens_page(request, form)
    return _api_tokens_page(request, ApiTokenForm())


@policy_required(policies.can_use_api_tokens)
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's API tokens."""
    token = selectors.access_api_token(request.user, pk, action="revoke")
    services.revoke_api_token(token, actor=request.user)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("accounts:api_tokens")


# Team ---------------------------------------------------------------------------


def _team_context(
    request: HttpRequest,
    *,
    organization_id: int | None,
    invite_form: InviteForm | None = None,
) -> dict[str, Any]:
    actor = request.user
    can_manage = policies.can_manage_team(actor, organization_id)
    members = selectors.list_users_for(
        actor,
        organization_id=organization_id,
        vendor_staff=organization_id is None,
    )
    context: dict[str, Any] = {
        "can_manage": can_manage,
        "role_choices": role_choices(organization_id),
        "invite_form": invite_form or InviteForm(organization_id=organization_id),
        "invitation_valid_days": settings.INVITATION_VALID_DAYS,
        "invitations": (
            selectors.list_invitations_for(
                actor,
                organization_id=organization_id,
                vendor_staff=organization_id is None,
                outstanding_only=True,
            )
            if can_manage
            else Invitation.objects.none()
        ),
        **paginate(request, members),
    }
    return context


def _render_team(
    request: HttpRequest,
    *,
    invite_form: InviteForm | None = None,
    partial: str = "",
) -> HttpResponse:
    """Render the partner's team page, or the staff page for vendor admins."""
    actor: Any = request.user
    if policies.can_view_team(actor):
        template, organization_id = "accounts/team.html", actor.organization_id
        extra = {"nav": "team", "organization": actor.organization}
    else:
        template, organization_id = "accounts/staff_list.html", None
        extra = {"nav": "staff"}
    context = _team_context(
        request,
        organization_id=organization_id,
        invite_form=invite_form,
    )
    context.update(extra)
    if partial:
        template = f"{template}#{partial}"
        context["htmx_partial"] = True
    return render(request, template, context)


def _invite(request: HttpRequest, organization: Any) -> HttpResponse | InviteForm:
    """Invite from a posted form; return a redirect on success or the bound form."""
    organization_id = organization.pk if organization is not None else None
    form = InviteForm(request.POST, organization_id=organization_id)
    response = save_form(
        request,
        form,
        lambda data: services.invite_user(
            data["email"],
            organization=organization,
            role=data["role"],
            actor=request.user,
        ),
        success_message=lambda sent: f"Invitation sent to {sent[0].email}.",
        redirect_to=_safe_next(request) or request.path,
    )
    return response or form


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    """Show the organization's people; partner admins invite and manage them."""
    actor: Any = request.user
    if not policies.can_view_team(actor):
        # Vendor staff manage partners' people from partner pages.
        return redirect("home")
    invite_form = None
    if request.method == "POST":
        if not policies.can_invite_user(actor, actor.organization):
            raise PermissionDenied
        result = _invite(request, actor.organization)
        if isinstance(result, HttpResponse):
            return result
        invite_form = result
    partial = "members" if is_htmx(request) and request.method == "GET" else ""
    return _render_team(request, invite_form=invite_form, partial=partial)


@policy_required(policies.can_view_staff)
@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    """Show the vendor's staff; vendor admins invite and manage them."""
    invite_form = None
    if request.method == "POST":
        result = _invite(request, None)
        if isinstance(result, HttpResponse):
            return result
        invite_form = result
    partial = "members" if is_htmx(request) and request.method == "GET" else ""
    return _render_team(request, invite_form=invite_form, partial=partial)


@login_required
@require_http_methods(["GET", "POST"])
def organization_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite someone into a partner organization (its first admin, for example)."""
    organization = partner_selectors.access_organization(request.user, pk)
    if not policies.can_invite_user(request.user, organization):
        raise PermissionDenied
    form = InviteForm(organization_id=organization.pk)
    if request.method == "POST":
        result = _invite(request, organization)
        if isinstance(result, HttpResponse):
            return result
        form = result
    elif not selectors.has_active_admin(organization.pk):
        form.initial["role"] = Role.PARTNER_ADMIN
    return render(
        request,
        "accounts/organization_invite.html",
        {
            "organization": organization,
            "form": form,
            "next": _safe_next(request) or "",
            "invitations": selectors.list_invitations_for(
                request.user, organization_id=organization.pk, outstanding_only=True
            ),
        },
    )


def _after_member_action(
    request: HttpRequest, *, error: ValidationError | None = None
) -> HttpResponse:
    """Go back to where the change was asked for, telling how it went.

    htmx follows the redirect with its headers, so an htmx request gets back the
    refreshed people region of the page, messages included.
    """
    if error is not None:
        messages.error(request, _message_of(error))
    return redirect(_safe_next(request) or _own_page(request.user))


def _own_page(actor: Any) -> str:
    if policies.can_view_team(actor):
        return reverse("accounts:team")
    if policies.can_view_staff(actor):
        return reverse("accounts:staff_list")
    return reverse("home")


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a colleague's role."""
    member = selectors.access_user(request.user, pk, action="change_role")
    form = RoleForm(request.POST, organization_id=member.organization_id)
    if not form.is_valid():
        error = ValidationError("Choose a role that fits this organization.")
        return _after_member_action(request, error=error)
    try:
        services.change_user_role(
            member, role=form.cleaned_data["role"], actor=request.user
        )
    except ValidationError as error:
        return _after_member_action(request, error=error)
    messages.success(request, f"The role of {member.display_name} is changed.")
    return _after_member_action(request)


@login_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a colleague from signing in."""
    member = selectors.access_user(request.user, pk, action="deactivate")
    try:
        services.deactivate_user(member, actor=request.user)
    except ValidationError as error:
        return _after_member_action(request, error=error)
    messages.success(request, f"{member.display_name} can no longer sign in.")
    return _after_member_action(request)


@login_required
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a deactivated colleague sign in again."""
    member = selectors.access_user(request.user, pk, action="reactivate")
    services.reactivate_user(member, actor=request.user)
    messages.success(request, f"{member.display_name} can sign in again.")
    return _after_member_action(request)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an invitation again with a new link and a new expiry."""
    invitation = selectors.access_invitation(request.user, pk, action="resend")
    try:
        services.resend_invitation(invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        messages.success(request, f"Invitation sent again to {invitation.email}.")
    return redirect(_safe_next(request) or _own_page(request.user))


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an invitation."""
    invitation = selectors.access_invitation(request.user, pk, action="revoke")
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, _message_of(error))
    else:
        messages.success(request, f"The invitation of {invitation.email} is withdrawn.")
    return redirect(_safe_next(request) or _own_page(request.user))


# Accepting an invitation --------------------------------------------------------


def _closed_page(
    request: HttpRequest, invitation: Invitation, status: str
) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_closed.html",
        {
            "invitation": invitation,
            "status": status,
            "is_own": (
                request.user.is_authenticated
                and invitation.accepted_by_id == request.user.pk
            ),
        },
        status=410,
    )


def _accept_signed_in(
    request: HttpRequest, key: str, invitation: Invitation, context: dict[str, Any]
) -> HttpResponse:
    """Show the accept button to the invited person, and accept on POST."""
    user: Any = request.user
    if not policies.can_accept_invitation(user, invitation):
        return render(
            request, "accounts/invitation_wrong_user.html", context, status=403
        )
    context["error"] = ""
    if request.method == "POST":
        try:
            services.accept_invitation(key, user=user)
        except services.InvitationClosedError as error:
            return _closed_page(request, invitation, error.status)
        except ValidationError as error:
            context["error"] = _message_of(error)
        else:
            name = context["organization_name"] or "the team"
            messages.success(request, f"Welcome to {name}.")
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", context)


def _sign_up(
    request: HttpRequest, key: str, invitation: Invitation, context: dict[str, Any]
) -> HttpResponse:
    """Create the invited person's account from the invitation, and sign them in."""
    form = InvitationSignupForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.sign_up_by_invitation(
                key,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationClosedError as error:
            return _closed_page(request, invitation, error.status)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "password" in error.error_dict:
                error = ValidationError({"password1": error.error_dict["password"]})
            add_service_errors(form, error)
        else:
            signed_in: HttpResponse = perform_login(
                request,
                new_user,
                email_verification=allauth_settings.EMAIL_VERIFICATION,
                redirect_url=reverse("home"),
                email=new_user.email,
            )
            return signed_in
    context["form"] = form
    return render(request, "accounts/invitation_signup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    """Let the invited person join: sign up, sign in, or accept when signed in."""
    invitation = selectors.find_invitation_by_key(key)
    user: Any = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and invitation.accepted_by_id == user.pk
    ):
        # A second click on "Accept" (or a replayed form) counts once.
        messages.info(request, "You have already accepted this invitation.")
        return redirect("home")
    if not invitation.is_pending:
        return _closed_page(request, invitation, invitation.status)
    context: dict[str, Any] = {
        "invitation": invitation,
        "organization_name": (
            invitation.organization.name if invitation.organization else None
        ),
        "role_label": Role(invitation.role).label,
    }
    if user.is_authenticated:
        return _accept_signed_in(request, key, invitation, context)
    if selectors.email_has_account(invitation.email):
        context["login_url"] = (
            reverse("account_login") + "?" + urlencode({"next": request.path})
        )
        return render(request, "accounts/invitation_sign_in.html", context)
    return _sign_up(request, key, invitation, context)
