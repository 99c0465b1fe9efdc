"""Protection periods by tier, and extension requests: the services, the pages and
the API, with partner isolation.
"""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cairn.core.models import ActivityEvent
from cairn.deals import services
from cairn.deals.choices import ExtensionStatus
from cairn.deals.models import (
    DealExtensionRequest,
    DealProgramSettings,
    DealRegistration,
    DealStatusChange,
)
from cairn.deals.tests.support import MONDAY, UNRELATED, register
from cairn.partners.models import ProgramMembership

REASON = "The customer's board meets next quarter."
DAY = datetime.timedelta(days=1)


def _approved(ecosystem: Any, actor: Any = None) -> DealRegistration:
    registration = register(ecosystem, actor or ecosystem.partner_a_rep, UNRELATED)
    return services.approve_registration(registration, actor=ecosystem.vendor_admin)


def _rules(ecosystem: Any, **changes: Any) -> None:
    services.update_deal_settings(
        ecosystem.program, actor=ecosystem.vendor_admin, **changes
    )


def _notes(registration: DealRegistration) -> list[tuple[str, str]]:
    return [
        (step.actor_role_label, step.reason)
        for step in DealStatusChange.objects.filter(
            registration=registration, from_status="approved", to_status="approved"
        ).order_by("at", "pk")
    ]


# Protection by tier


def test_approval_uses_the_partners_tier_protection(ecosystem: Any) -> None:
    _rules(ecosystem, tier_protection={ecosystem.gold.pk: 120})

    with time_machine.travel(MONDAY, tick=False):
        gold = _approved(ecosystem, ecosystem.partner_a_rep)  # partner A is Gold
        silver = services.approve_registration(
            register(ecosystem, ecosystem.partner_b_rep),
            actor=ecosystem.vendor_admin,
        )

    assert gold.protection_expires_at == MONDAY + 120 * DAY
    assert silver.protection_expires_at == MONDAY + 90 * DAY
    event = ActivityEvent.objects.get(verb="deal.approved", target_id=str(gold.pk))
    assert event.data["protection_days"] == 120


def test_the_tier_at_approval_time_counts(ecosystem: Any) -> None:
    _rules(ecosystem, tier_protection={ecosystem.gold.pk: 120})
    registration = register(ecosystem, ecosystem.partner_a_rep, UNRELATED)
    ProgramMembership.objects.filter(organization=ecosystem.partner_a).update(
        tier=ecosystem.silver
    )

    with time_machine.travel(MONDAY, tick=False):
        services.approve_registration(registration, actor=ecosystem.vendor_admin)

    registration.refresh_from_db()
    assert registration.protection_expires_at == MONDAY + 90 * DAY


def test_the_partner_sees_protected_until(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)

    page = (
        clients["partner_a_rep"]
        .get(reverse("deals:registration_detail", args=[registration.pk]))
        .content.decode()
    )

    assert "Protected until" in page


# Requests


def test_a_partner_requests_an_extension_into_the_history(ecosystem: Any) -> None:
    registration = _approved(ecosystem)

    extension = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=f"  {REASON} "
    )

    assert (extension.status, extension.reason) == (ExtensionStatus.PENDING, REASON)
    assert _notes(registration) == [("Partner rep", f"Extension requested: {REASON}")]
    event = ActivityEvent.objects.get(verb="deal.extension_requested")
    assert event.data["registration_id"] == registration.pk
    assert event.organization_id == ecosystem.partner_a.pk


def test_one_request_at_a_time(ecosystem: Any) -> None:
    registration = _approved(ecosystem)
    services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )

    with pytest.raises(ValidationError) as error:
        services.request_extension(
            registration, actor=ecosystem.partner_a_admin, reason="Again"
        )

    assert error.value.message_dict == {
        "reason": ["An extension request is already waiting for a decision."]
    }
    assert DealExtensionRequest.objects.count() == 1


def test_a_request_needs_a_reason(ecosystem: Any) -> None:
    registration = _approved(ecosystem)

    with pytest.raises(ValidationError):
        services.request_extension(
            registration, actor=ecosystem.partner_a_rep, reason="  "
        )

    assert not DealExtensionRequest.objects.exists()


def test_only_a_protected_registration_can_be_extended(ecosystem: Any) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    with pytest.raises(ValidationError) as error:
        services.request_extension(
            registration, actor=ecosystem.partner_a_rep, reason=REASON
        )

    assert error.value.message_dict == {
        "reason": ["Only a registration whose protection is running can be extended."]
    }
    assert not DealExtensionRequest.objects.exists()


@pytest.mark.parametrize(
    "persona", ["vendor_admin", "channel_manager", "partner_a_second_rep"]
)
def test_only_the_registering_partner_requests(ecosystem: Any, persona: str) -> None:
    registration = _approved(ecosystem)

    with pytest.raises(PermissionDenied):
        services.request_extension(
            registration, actor=getattr(ecosystem, persona), reason=REASON
        )

    assert not DealExtensionRequest.objects.exists()


# Decisions


def test_approval_extends_by_the_program_days_and_resets_the_reminder(
    ecosystem: Any,
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        registration = _approved(ecosystem)
    end = MONDAY + 90 * DAY
    with time_machine.travel(end - 14 * DAY, tick=False):
        assert services.remind_expiring_protection() == 1
        extension = services.request_extension(
            registration, actor=ecosystem.partner_a_rep, reason=REASON
        )

        services.approve_extension(extension, actor=ecosystem.channel_manager)

    registration.refresh_from_db()
    extension.refresh_from_db()
    assert registration.protection_expires_at == end + 30 * DAY
    assert registration.protection_reminded_at is None
    assert (extension.status, extension.days_granted) == (ExtensionStatus.APPROVED, 30)
    assert extension.previous_expires_at == end
    assert _notes(registration)[-1] == (
        "Channel manager",
        f"Extension approved: 30 more days, protected until "
        f"{(end + 30 * DAY).date().isoformat()}.",
    )
    event = ActivityEvent.objects.get(verb="deal.extension_approved")
    assert event.data["days"] == 30
    # The new end date is announced again, fourteen days before it.
    with time_machine.travel(end + 16 * DAY, tick=False):
        assert services.remind_expiring_protection() == 1


def test_a_reviewer_chooses_the_days_within_the_cap(ecosystem: Any) -> None:
    _rules(ecosystem, extension_days=20, max_extension_days=45)
    registration = _approved(ecosystem)
    before: Any = registration.protection_expires_at
    extension = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )

    with pytest.raises(ValidationError) as error:
        services.approve_extension(extension, actor=ecosystem.vendor_admin, days=46)
    assert error.value.message_dict == {"days": ["Grant between 1 and 45 days."]}
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING

    services.approve_extension(
        extension, actor=ecosystem.vendor_admin, days=45, reason="Board meeting."
    )

    registration.refresh_from_db()
    assert registration.protection_expires_at == before + 45 * DAY


def test_a_decline_needs_a_reason_and_keeps_the_end_date(ecosystem: Any) -> None:
    registration = _approved(ecosystem)
    before: Any = registration.protection_expires_at
    extension = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )

    with pytest.raises(ValidationError):
        services.decline_extension(extension, actor=ecosystem.vendor_admin, reason="")
    services.decline_extension(
        extension, actor=ecosystem.vendor_admin, reason="The deal has stalled."
    )

    registration.refresh_from_db()
    extension.refresh_from_db()
    assert registration.protection_expires_at == before
    assert extension.status == ExtensionStatus.DECLINED
    assert _notes(registration)[-1] == (
        "Vendor admin",
        "Extension declined: The deal has stalled.",
    )


@pytest.mark.parametrize("persona", ["partner_a_rep", "partner_a_admin"])
def test_the_partner_cannot_decide_its_own_request(
    ecosystem: Any, persona: str
) -> None:
    registration = _approved(ecosystem)
    extension = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )

    with pytest.raises(PermissionDenied):
        services.approve_extension(extension, actor=getattr(ecosystem, persona))

    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


def test_the_program_limits_the_number_of_extensions(ecosystem: Any) -> None:
    registration = _approved(ecosystem)
    first = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )
    services.approve_extension(first, actor=ecosystem.vendor_admin)

    with pytest.raises(ValidationError) as error:
        services.request_extension(
            registration, actor=ecosystem.partner_a_rep, reason="More"
        )
    assert error.value.message_dict == {
        "reason": ["This registration already had the extensions it may get (1)."]
    }

    _rules(ecosystem, max_extensions=2)
    second = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason="More"
    )
    assert second.status == ExtensionStatus.PENDING


def test_a_declined_request_does_not_use_up_the_limit(ecosystem: Any) -> None:
    registration = _approved(ecosystem)
    first = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )
    services.decline_extension(first, actor=ecosystem.vendor_admin, reason="Too early")

    second = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason="Now it is time."
    )

    assert second.status == ExtensionStatus.PENDING


def test_the_reminder_says_whether_an_extension_can_be_requested(
    ecosystem: Any,
) -> None:
    _rules(ecosystem, max_extensions=0)
    with time_machine.travel(MONDAY, tick=False):
        registration = _approved(ecosystem)
    end = MONDAY + 90 * DAY

    with time_machine.travel(end - 14 * DAY, tick=False):
        assert services.remind_expiring_protection() == 1
        with pytest.raises(ValidationError) as error:
            services.request_extension(
                registration, actor=ecosystem.partner_a_rep, reason=REASON
            )

    event = ActivityEvent.objects.get(verb="deal.protection_expiring")
    assert event.data["can_request_extension"] is False
    assert event.data["extensions_remaining"] == 0
    assert error.value.message_dict == {
        "reason": ["This program grants no extensions."]
    }


# Portal


def test_the_partner_requests_and_the_reviewer_approves_on_the_pages(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)
    before: Any = registration.protection_expires_at

    response = clients["partner_a_rep"].post(
        reverse("deals:extension_request", args=[registration.pk]), {"reason": REASON}
    )
    assert response.status_code == 302
    extension = DealExtensionRequest.objects.get()

    queue = clients["channel_manager"].get(reverse("deals:review_queue"))
    assert list(queue.context["extension_requests"]) == [extension]
    review = clients["channel_manager"].get(
        reverse("deals:review_detail", args=[registration.pk])
    )
    assert review.context["extensions"][0][1] is not None  # a decision form

    decided = clients["channel_manager"].post(
        reverse("deals:extension_decide", args=[extension.pk]),
        {"decision": "approve", "days": "15", "reason": ""},
    )

    assert decided.status_code == 302
    registration.refresh_from_db()
    assert registration.protection_expires_at == before + 15 * DAY
    page = clients["partner_a_rep"].get(
        reverse("deals:registration_detail", args=[registration.pk])
    )
    content = page.content.decode()
    assert "Extension approved: 15 more days" in content
    assert "Casey Manager" not in content
    assert page.context["extension_form"] is None  # the one extension is used


def test_the_queue_drops_requests_whose_protection_has_ended(
    ecosystem: Any,
) -> None:
    from cairn.deals.selectors_protection import list_pending_extensions_for

    with time_machine.travel(MONDAY, tick=False):
        registration = _approved(ecosystem)
        extension = services.request_extension(
            registration, actor=ecosystem.partner_a_rep, reason=REASON
        )
        assert list(list_pending_extensions_for(ecosystem.channel_manager)) == [
            extension
        ]
        assert list(list_pending_extensions_for(ecosystem.partner_b_rep)) == []

    with time_machine.travel(MONDAY + 91 * DAY, tick=False):
        assert list(list_pending_extensions_for(ecosystem.channel_manager)) == []


def test_a_decline_without_reason_shows_the_error(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)
    extension = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )

    response = clients["vendor_admin"].post(
        reverse("deals:extension_decide", args=[extension.pk]),
        {"decision": "decline", "reason": ""},
    )

    assert response.status_code == 200
    form = response.context["extensions"][0][1]
    assert form.errors == {"reason": ["Give a reason."]}
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


def test_partner_b_cannot_request_for_partner_a(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)

    response = clients["partner_b_rep"].post(
        reverse("deals:extension_request", args=[registration.pk]), {"reason": REASON}
    )

    assert response.status_code == 404
    assert not DealExtensionRequest.objects.exists()


def test_a_partner_cannot_reach_the_decision_route(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)
    extension = services.request_extension(
        registration, actor=ecosystem.partner_a_rep, reason=REASON
    )

    response = clients["partner_a_admin"].post(
        reverse("deals:extension_decide", args=[extension.pk]),
        {"decision": "approve"},
    )

    assert response.status_code == 404
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


# API

API = "/api/v1/deal-registrations/"
JSON = "application/json"


def test_the_api_requests_and_decides_an_extension(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)
    before = registration.protection_expires_at
    assert before is not None

    requested = clients["partner_a_rep"].post(
        f"{API}{registration.pk}/request-extension/",
        {"reason": REASON},
        content_type=JSON,
    )
    assert requested.status_code == 200
    extensions = requested.json()["extension_requests"]
    assert [(item["status"], item["reason"]) for item in extensions] == [
        ("pending", REASON)
    ]
    assert requested.json()["history"][-1]["role"] == "Partner rep"

    refused = clients["partner_a_rep"].post(
        f"{API}{registration.pk}/decide-extension/",
        {"extension": extensions[0]["id"], "decision": "approve"},
        content_type=JSON,
    )
    assert refused.status_code == 403

    decided = clients["vendor_admin"].post(
        f"{API}{registration.pk}/decide-extension/",
        {"extension": extensions[0]["id"], "decision": "approve", "days": 10},
        content_type=JSON,
    )
    assert decided.status_code == 200
    body = decided.json()
    assert body["extension_requests"][0]["days_granted"] == 10
    registration.refresh_from_db()
    assert registration.protection_expires_at == before + 10 * DAY
    assert body["history"][-1]["role"] == "Vendor admin"
    assert "Val Admin" not in decided.content.decode()


def test_the_api_refuses_an_extension_of_another_registration(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    first = _approved(ecosystem)
    other = services.approve_registration(
        register(
            ecosystem,
            ecosystem.partner_a_rep,
            {
                **UNRELATED,
                "customer_name": "Osprey Air",
                "customer_domain": "osprey.fi",
                "country": "FI",
                "contact_email": "a@osprey.fi",
            },
        ),
        actor=ecosystem.vendor_admin,
    )
    extension = services.request_extension(
        other, actor=ecosystem.partner_a_rep, reason=REASON
    )

    response = clients["vendor_admin"].post(
        f"{API}{first.pk}/decide-extension/",
        {"extension": extension.pk, "decision": "decline", "reason": "No"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == ["/extension"]
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


def test_the_api_hides_partner_a_registrations_from_partner_b(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = _approved(ecosystem)

    response = clients["partner_b_rep"].post(
        f"{API}{registration.pk}/request-extension/",
        {"reason": REASON},
        content_type=JSON,
    )

    assert response.status_code == 404
    assert not DealExtensionRequest.objects.exists()


def test_settings_default_to_one_extension_of_thirty_days(ecosystem: Any) -> None:
    settings = DealProgramSettings(program=ecosystem.program)

    assert (
        settings.extension_days,
        settings.max_extension_days,
        settings.max_extensions,
    ) == (30, 90, 1)
