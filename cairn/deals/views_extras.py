"""What the registration pages show of attachments, custom fields and extension
requests, and the program the registration form is for.
"""

from typing import Any

from django.http import HttpRequest

from cairn.deals import policies, selectors_protection
from cairn.deals.forms_protection import (
    AttachmentForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
)
from cairn.deals.models import DealRegistration
from cairn.deals.services.fields import FormConfiguration


def chosen_program(request: HttpRequest, programs: list[Any]) -> Any:
    """Return the program the registration form is for: the one posted or asked
    for, if the partner may register in it, else the first.
    """
    wanted = request.POST.get("program") or request.GET.get("program")
    for program in programs:
        if str(program.pk) == str(wanted):
            return program
    return programs[0] if programs else None


def configuration_of(program: Any) -> FormConfiguration | None:
    """Return the program's registration form, or None without a program."""
    if program is None:
        return None
    return selectors_protection.registration_form_configuration(program)


def partner_detail_context(
    actor: Any, registration: DealRegistration, extras: dict[str, Any] | None
) -> dict[str, Any]:
    """Return what the partner's detail page shows of files, custom fields and
    extensions, with the forms the actor may use.
    """
    extras = extras or {}
    can_attach = policies.can_add_attachment(actor, registration)
    can_extend = policies.can_request_extension(actor, registration)
    attachments = selectors_protection.attachments_of(registration)
    return {
        "custom_field_rows": selectors_protection.custom_field_rows(registration),
        "attachments": [
            (attachment, policies.can_delete_attachment(actor, attachment))
            for attachment in attachments
        ],
        "attachment_form": extras.get("attachment_form") or AttachmentForm()
        if can_attach
        else None,
        "extensions": selectors_protection.extensions_of(registration),
        "extension_form": extras.get("extension_form") or ExtensionRequestForm()
        if can_extend
        else None,
        "extensions_remaining": selectors_protection.extensions_remaining_of(
            registration
        )
        if registration.is_protected
        else 0,
    }


def review_detail_context(
    actor: Any, registration: DealRegistration, extras: dict[str, Any] | None
) -> dict[str, Any]:
    """Return what the reviewer's page shows of files, custom fields and extension
    requests, with a decision form for each pending request the actor may decide.
    """
    extras = extras or {}
    failed_pk = extras.get("extension_pk")
    extensions = [
        (
            extension,
            (
                extras["decision_form"]
                if failed_pk == extension.pk
                else ExtensionDecisionForm(auto_id=f"id_extension_{extension.pk}_%s")
            )
            if policies.can_decide_extension(actor, extension)
            else None,
        )
        for extension in selectors_protection.extensions_of(registration)
    ]
    return {
        "custom_field_rows": selectors_protection.custom_field_rows(registration),
        "attachments": [
            (attachment, False)
            for attachment in selectors_protection.attachments_of(registration)
        ],
        "extensions": extensions,
    }


def pending_extensions(request: HttpRequest) -> list[Any]:
    """Return the extension requests waiting in the actor's review queue."""
    return list(selectors_protection.list_pending_extensions_for(request.user)[:50])
