"""Pages of attachments, protection extensions and a program's deal settings, and
the parts they add to the registration pages.

Downloads go through an access-checked view only: the stored name is random, the
storage is not served, and a file outside the actor's scope is not found.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cairn.core.portal import add_service_errors
from cairn.deals import selectors, selectors_protection, services
from cairn.deals.downloads import download_response
from cairn.deals.forms_protection import (
    AttachmentForm,
    DealSettingsForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    custom_field_formset,
)
from cairn.deals.views import (
    _detail_page,
    _review_page,
    partner_page,
    vendor_object_page,
    vendor_page,
)
from cairn.partners import selectors as partner_selectors

# Attachments


@partner_page
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to a registration."""
    registration = selectors.access_registration(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                registration, actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The file was attached.")
            return redirect("deals:registration_detail", registration.pk)
    return _detail_page(request, registration, extras={"attachment_form": form})


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Send a file to someone who may see its registration, as a download."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = selectors_protection.access_attachment(request.user, pk)
    return download_response(attachment)


@partner_page
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a file from a draft; only its uploader may."""
    attachment = selectors_protection.access_attachment(
        request.user, pk, action="delete"
    )
    services.delete_attachment(attachment, actor=request.user)
    messages.success(request, "The file was removed.")
    return redirect("deals:registration_detail", attachment.registration_id)


# Extensions


@partner_page
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for more protection time for a protected registration."""
    registration = selectors.access_registration(request.user, pk)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_extension(
                registration, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your extension request was sent for review.")
            return redirect("deals:registration_detail", registration.pk)
    return _detail_page(request, registration, extras={"extension_form": form})


@vendor_object_page
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve an extension request (for the program's days or a chosen number)
    or decline it with a reason.
    """
    extension = selectors_protection.access_extension(request.user, pk, action="decide")
    form = ExtensionDecisionForm(
        request.POST, auto_id=f"id_extension_{extension.pk}_%s"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == ExtensionDecisionForm.APPROVE:
                services.approve_extension(
                    extension,
                    actor=request.user,
                    days=data["days"],
                    reason=data["reason"],
                )
            else:
                services.decline_extension(
                    extension, actor=request.user, reason=data["reason"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The extension request was decided.")
            return redirect("deals:review_detail", extension.registration_id)
    registration = selectors.access_registration(
        request.user, extension.registration_id
    )
    return _review_page(
        request,
        registration,
        extras={"decision_form": form, "extension_pk": extension.pk},
    )


# Program settings


@vendor_page
def program_settings_list(request: HttpRequest) -> HttpResponse:
    """List the programs whose deal rules and form the actor may read."""
    return render(
        request,
        "deals/program_settings_list.html",
        {
            "programs": selectors_protection.list_programs_with_settings_for(
                request.user
            ),
            "nav": "deal_reviews",
        },
    )


@vendor_object_page
def program_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a program's deal rules, registration form and per-tier protection;
    vendor admins change them, the program's channel managers read them.
    """
    current = selectors_protection.access_program_settings(request.user, pk)
    is_post = request.method == "POST"
    if is_post and not current.can_edit:
        raise PermissionDenied
    form = DealSettingsForm(
        request.POST if is_post else None,
        settings=current.settings,
        tiers=current.tiers,
        approvers=partner_selectors.channel_manager_choices(),
    )
    custom = custom_field_formset(
        request.POST if is_post else None, current.configuration.custom_fields
    )
    if is_post and form.is_valid() and custom.is_valid():
        try:
            with transaction.atomic():
                services.update_deal_settings(
                    current.program,
                    actor=request.user,
                    custom_fields=custom.definitions(),
                    **form.service_arguments(),
                )
        except ValidationError as error:
            _add_settings_errors(form, custom, error)
        else:
            messages.success(request, "The deal settings were saved.")
            return redirect("deals:program_settings", current.program.pk)
    if not current.can_edit:
        for field in form.fields.values():
            field.disabled = True
        for row in custom.forms:
            for field in row.fields.values():
                field.disabled = True
    return render(
        request,
        "deals/program_settings.html",
        {
            "current": current,
            "form": form,
            "custom": custom,
            "nav": "deal_reviews",
        },
    )


def _add_settings_errors(form: Any, custom: Any, error: ValidationError) -> None:
    """Put a service error on the settings input, or on the custom field row, that
    it names.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        target = name
        if name.startswith("form_fields."):
            target = f"field_{name.removeprefix('form_fields.')}"
        elif name.startswith("tier_protection."):
            target = f"tier_{name.removeprefix('tier_protection.')}"
        if name.startswith("custom_field_definitions."):
            index = int(name.rsplit(".", 1)[1])
            for message in field_messages:
                custom.forms[index].add_error(None, message)
            continue
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)
