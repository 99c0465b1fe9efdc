"""Vendor console pages of the LRS: the endpoint and its credentials."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cairn.core.portal import add_service_errors, policy_required
from cairn.lrs import policies, selectors
from cairn.lrs.forms import LRSClientForm, StatementForwardingForm
from cairn.lrs.services.clients import create_lrs_client, revoke_lrs_client
from cairn.lrs.services.forwarding import set_statement_forwarding
from cairn.partners.selectors.scoped import list_organizations_for, list_programs_for


def _form(request: HttpRequest, data: Any = None) -> LRSClientForm:
    return LRSClientForm(
        data,
        programs=list_programs_for(request.user),
        organizations=list_organizations_for(request.user).only("pk", "name"),
    )


def _forwarding_form(request: HttpRequest, data: Any = None) -> StatementForwardingForm:
    return StatementForwardingForm(data, programs=list_programs_for(request.user))


def _page(
    request: HttpRequest,
    form: LRSClientForm,
    *,
    new_client: Any = None,
    new_secret: str = "",
    forwarding_form: StatementForwardingForm | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "forwarding_form": forwarding_form or _forwarding_form(request),
        "forwardings": selectors.list_forwardings_for(request.user),
        "clients": selectors.list_lrs_clients_for(request.user),
        "new_client": new_client,
        "new_secret": new_secret,
        "endpoint": f"{settings.SITE_URL}/xapi/",
        "nav": "lrs",
    }
    return render(request, "lrs/clients.html", context)


@never_cache  # the page may carry a secret shown once: no cache may keep it
@policy_required(policies.can_manage_lrs_clients)
@require_http_methods(["GET", "POST"])
def client_list(request: HttpRequest) -> HttpResponse:
    """List LRS credentials and create new ones, showing the secret once."""
    if request.method != "POST":
        return _page(request, _form(request))
    form = _form(request, request.POST)
    if form.is_valid():
        try:
            client, secret = create_lrs_client(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                program=form.cleaned_data["program"],
                organization=form.cleaned_data["organization"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _page(request, _form(request), new_client=client, new_secret=secret)
    return _page(request, form)


@policy_required(policies.can_manage_lrs_clients)
@require_POST
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke LRS credentials at once."""
    client = selectors.access_lrs_client(request.user, pk)
    revoke_lrs_client(client, actor=request.user)
    messages.success(request, f"The credentials “{client.name}” are revoked.")
    return redirect("lrs:client_list")


@policy_required(policies.can_manage_lrs_clients)
@require_POST
def forwarding_save(request: HttpRequest) -> HttpResponse:
    """Create or change the forwarding of one program's statements."""
    form = _forwarding_form(request, request.POST)
    if form.is_valid():
        try:
            set_statement_forwarding(
                form.cleaned_data["program"],
                endpoint=form.cleaned_data["endpoint"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                is_active=form.cleaned_data["is_active"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Forwarding saved.")
            return redirect("lrs:client_list")
    return _page(request, _form(request), forwarding_form=form)
