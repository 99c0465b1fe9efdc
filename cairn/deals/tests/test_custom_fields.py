"""The per-program registration form: configuration, custom field values, and
what the portal, the API and the detail pages make of them.
"""

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cairn.core.models import AuditEntry
from cairn.deals import services
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import (
    DealCustomField,
    DealProgramSettings,
    DealRegistration,
    DealTierProtection,
)
from cairn.deals.services.fields import clean_custom_fields
from cairn.deals.tests.support import ACME, LINES
from cairn.deals.tests.test_views_portal import _form

JSON = "application/json"
API = "/api/v1/deal-registrations/"
REGION = {
    "key": "region",
    "label": "Sales region",
    "field_type": "choice",
    "is_required": True,
    "choices": ["EMEA", "APAC", "Americas"],
    "help_text": "Where the customer buys.",
}
SEATS = {"key": "seats", "label": "Seats", "field_type": "number"}
RFP = {"key": "rfp_date", "label": "RFP date", "field_type": "date"}
PUBLIC = {"key": "public_sector", "label": "Public sector", "field_type": "yes_no"}
INCUMBENT = {"key": "incumbent", "label": "Incumbent vendor", "field_type": "text"}


def _configure(ecosystem: Any, **arguments: Any) -> DealProgramSettings:
    arguments.setdefault("custom_fields", [REGION, SEATS, RFP, PUBLIC, INCUMBENT])
    return services.update_deal_settings(
        ecosystem.program, actor=ecosystem.vendor_admin, **arguments
    )


# Configuration


def test_a_vendor_admin_configures_the_form_and_tiers_with_an_audit_entry(
    ecosystem: Any,
) -> None:
    settings = _configure(
        ecosystem,
        protection_days=60,
        form_fields={"address": "required", "notes": "hidden"},
        tier_protection={ecosystem.gold.pk: 120},
    )

    assert settings.protection_days == 60
    assert settings.form_fields == {"address": "required", "notes": "hidden"}
    assert list(
        DealCustomField.objects.filter(program=ecosystem.program).values_list(
            "key", "field_type", "is_required", "choices", "order"
        )
    ) == [
        ("region", "choice", True, ["EMEA", "APAC", "Americas"], 1),
        ("seats", "number", False, [], 2),
        ("rfp_date", "date", False, [], 3),
        ("public_sector", "yes_no", False, [], 4),
        ("incumbent", "text", False, [], 5),
    ]
    assert DealTierProtection.objects.get(tier=ecosystem.gold).protection_days == 120
    entry = AuditEntry.objects.get(
        target_type=ContentType.objects.get_for_model(DealProgramSettings),
        target_id=str(settings.pk),
        action="update",
    )
    assert entry.after["protection_days"] == 60
    assert entry.after["tier_protection"] == {str(ecosystem.gold.pk): 120}
    assert [field["key"] for field in entry.after["custom_fields"]] == [
        "region",
        "seats",
        "rfp_date",
        "public_sector",
        "incumbent",
    ]


def test_a_channel_manager_may_not_change_the_settings(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_deal_settings(
            ecosystem.program,
            actor=ecosystem.channel_manager,
            protection_days=10,
            custom_fields=[REGION],
        )

    assert not DealProgramSettings.objects.filter(program=ecosystem.program).exists()
    assert not DealCustomField.objects.exists()
    assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize(
    ("definitions", "error_key"),
    [
        ([REGION, {**SEATS, "key": "region"}], "custom_field_definitions.1"),
        ([{**SEATS, "key": "Seats Count"}], "custom_field_definitions.0"),
        ([{**REGION, "choices": []}], "custom_field_definitions.0"),
        ([{**SEATS, "label": ""}], "custom_field_definitions.0"),
    ],
)
def test_invalid_custom_field_definitions_are_refused_whole(
    ecosystem: Any, definitions: list[dict[str, Any]], error_key: str
) -> None:
    _configure(ecosystem, custom_fields=[INCUMBENT])

    with pytest.raises(ValidationError) as error:
        _configure(ecosystem, custom_fields=definitions, protection_days=10)

    assert list(error.value.message_dict) == [error_key]
    assert list(DealCustomField.objects.values_list("key", flat=True)) == ["incumbent"]
    assert DealProgramSettings.objects.get().protection_days == 90


def test_a_field_with_a_default_cannot_be_required(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _configure(ecosystem, form_fields={"deal_type": "required"})

    assert error.value.message_dict == {
        "form_fields.deal_type": ["Deal type can be hidden or shown, not required."]
    }


def test_a_tier_of_another_program_is_refused(ecosystem: Any) -> None:
    from cairn.partners.tests.factories import TierFactory

    foreign: Any = TierFactory(program=ecosystem.other_program, name="Foreign", rank=1)

    with pytest.raises(ValidationError):
        _configure(ecosystem, tier_protection={foreign.pk: 30})

    assert not DealTierProtection.objects.exists()


# Values


def test_custom_field_values_are_checked_and_normalized(ecosystem: Any) -> None:
    _configure(ecosystem)

    cleaned = clean_custom_fields(
        ecosystem.program,
        {
            "region": " APAC ",
            "seats": 12.5,
            "rfp_date": "2026-05-04",
            "public_sector": "yes",
            "incumbent": "  Rival Corp ",
        },
    )

    assert cleaned == {
        "region": "APAC",
        "seats": "12.5",
        "rfp_date": "2026-05-04",
        "public_sector": True,
        "incumbent": "Rival Corp",
    }


def test_bad_custom_field_values_are_refused_field_by_field(ecosystem: Any) -> None:
    _configure(ecosystem)

    with pytest.raises(ValidationError) as error:
        clean_custom_fields(
            ecosystem.program,
            {
                "region": "Mars",
                "seats": "many",
                "rfp_date": "04/05/2026",
                "public_sector": "perhaps",
                "colour": "blue",
            },
        )

    assert error.value.message_dict == {
        "custom_fields.region": ["Choose one of: EMEA, APAC, Americas."],
        "custom_fields.seats": ["Enter a number such as 12 or 12.5."],
        "custom_fields.rfp_date": ["Enter a date as YYYY-MM-DD."],
        "custom_fields.public_sector": ["Answer yes or no (true or false)."],
        "custom_fields.colour": ["This program has no such custom field."],
    }


def test_a_draft_may_lack_required_fields_but_its_submission_may_not(
    ecosystem: Any,
) -> None:
    _configure(ecosystem, form_fields={"contact": "required"})
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        lines=LINES,
        **{**ACME, "contact_name": "", "contact_email": ""},
        custom_fields={"seats": "40"},
    )

    with pytest.raises(ValidationError) as error:
        services.submit_registration(draft, actor=ecosystem.partner_a_rep)

    assert error.value.message_dict == {
        "contact_email": ["This program requires it to submit a registration."],
        "contact_name": ["This program requires it to submit a registration."],
        "custom_fields.region": ["This program requires it to submit a registration."],
    }
    draft.refresh_from_db()
    assert draft.status == RegistrationStatus.DRAFT

    services.update_draft(
        draft,
        actor=ecosystem.partner_a_rep,
        contact_name="Claire Dubois",
        contact_email="claire@acme-industries.com",
        custom_fields={"region": "EMEA", "seats": "40"},
    )
    submitted = services.submit_registration(draft, actor=ecosystem.partner_a_rep)
    assert submitted.status == RegistrationStatus.SUBMITTED
    assert submitted.custom_fields == {"region": "EMEA", "seats": "40"}


# Portal


def test_the_form_follows_the_program_configuration(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem, form_fields={"notes": "hidden", "address": "required"})

    response = clients["partner_a_rep"].get(reverse("deals:registration_create"))

    form = response.context["form"]
    assert "notes" not in form.fields
    assert form.fields["street"].help_text == "Required to submit."
    assert list(form.fields["cf_region"].choices) == [
        ("", "—"),
        ("EMEA", "EMEA"),
        ("APAC", "APAC"),
        ("Americas", "Americas"),
    ]
    assert form.fields["cf_region"].help_text == (
        "Where the customer buys. Required to submit."
    )
    assert 'name="cf_rfp_date"' in response.content.decode()


def _portal_form(ecosystem: Any, **overrides: Any) -> dict[str, Any]:
    blank = dict.fromkeys(
        ["cf_region", "cf_seats", "cf_rfp_date", "cf_public_sector", "cf_incumbent"],
        "",
    )
    return _form(
        **(
            {"program": str(ecosystem.program.pk), "action": "submit"}
            | blank
            | overrides
        )
    )


def test_a_missing_required_custom_field_shows_on_its_input(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_create"),
        _portal_form(ecosystem, cf_seats="12"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "cf_region": ["This program requires it to submit a registration."]
    }
    assert not DealRegistration.objects.exists()


def test_a_partner_registers_with_custom_fields_and_both_sides_see_them(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_create"),
        _portal_form(
            ecosystem,
            cf_region="EMEA",
            cf_seats="12.50",
            cf_rfp_date="2026-05-04",
            cf_public_sector="no",
        ),
    )

    registration = DealRegistration.objects.get()
    assert response.status_code == 302
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.custom_fields == {
        "region": "EMEA",
        "seats": "12.5",
        "rfp_date": "2026-05-04",
        "public_sector": False,
    }
    for client, route in [
        (clients["partner_a_rep"], "deals:registration_detail"),
        (clients["channel_manager"], "deals:review_detail"),
    ]:
        page = client.get(reverse(route, args=[registration.pk]))
        rows = [(row.label, row.value) for row in page.context["custom_field_rows"]]
        assert rows == [
            ("Sales region", "EMEA"),
            ("Seats", "12.5"),
            ("RFP date", "2026-05-04"),
            ("Public sector", "No"),
        ]
        assert "<dt>Sales region</dt><dd>EMEA</dd>" in page.content.decode()


def test_editing_a_draft_shows_its_custom_values(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem)
    draft = services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Heron Maritime",
        country="GB",
        custom_fields={"public_sector": True, "region": "APAC"},
    )

    response = clients["partner_a_rep"].get(
        reverse("deals:registration_update", args=[draft.pk])
    )

    form = response.context["form"]
    assert form["cf_public_sector"].value() == "yes"
    assert form["cf_region"].value() == "APAC"


# API


def test_the_api_points_at_the_bad_custom_field(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem)
    payload = {
        "program": ecosystem.program.pk,
        "customer_name": "Acme Corporation",
        "country": "FR",
        "expected_close_date": "2026-06-30",
        "amount": "1000.00",
        "custom_fields": {"region": "Mars", "seats": "12"},
    }

    response = clients["partner_a_rep"].post(API, payload, content_type=JSON)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [
        (error["pointer"], error["detail"]) for error in response.json()["errors"]
    ] == [("/custom_fields/region", "Choose one of: EMEA, APAC, Americas.")]
    assert not DealRegistration.objects.exists()


def test_the_api_refuses_a_submission_without_a_required_custom_field(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem)
    payload = {
        "program": ecosystem.program.pk,
        "customer_name": "Acme Corporation",
        "country": "FR",
        "expected_close_date": "2026-06-30",
        "amount": "1000.00",
    }

    response = clients["partner_a_rep"].post(API, payload, content_type=JSON)

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == [
        "/custom_fields/region"
    ]
    assert not DealRegistration.objects.exists()


def test_the_api_accepts_and_returns_custom_fields_by_key(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _configure(ecosystem)
    payload = {
        "program": ecosystem.program.pk,
        "customer_name": "Acme Corporation",
        "country": "FR",
        "expected_close_date": "2026-06-30",
        "amount": "1000.00",
        "custom_fields": {"region": "APAC", "public_sector": True, "seats": 40},
    }

    response = clients["partner_a_rep"].post(API, payload, content_type=JSON)

    assert response.status_code == 201
    assert response.json()["custom_fields"] == {
        "region": "APAC",
        "public_sector": True,
        "seats": "40",
    }


# Console page


def _settings_post(ecosystem: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "protection_days": "100",
        "review_business_days": "3",
        "second_approver": "",
        "extension_days": "20",
        "max_extension_days": "60",
        "max_extensions": "2",
        "field_customer_domain": "optional",
        "field_address": "required",
        "field_contact": "optional",
        "field_notes": "hidden",
        "field_deal_type": "optional",
        "field_partner_role": "hidden",
        f"tier_{ecosystem.silver.pk}": "",
        f"tier_{ecosystem.gold.pk}": "120",
        "custom-TOTAL_FORMS": "2",
        "custom-INITIAL_FORMS": "0",
        "custom-MIN_NUM_FORMS": "0",
        "custom-MAX_NUM_FORMS": "30",
        "custom-0-key": "region",
        "custom-0-label": "Sales region",
        "custom-0-field_type": "choice",
        "custom-0-is_required": "on",
        "custom-0-choices": "EMEA\nAPAC\n",
        "custom-0-help_text": "",
        "custom-0-order": "",
        "custom-1-key": "",
        "custom-1-label": "",
        "custom-1-field_type": "text",
        "custom-1-choices": "",
        "custom-1-help_text": "",
        "custom-1-order": "",
    }
    return data | overrides


def test_a_vendor_admin_edits_the_deal_settings_page(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    url = reverse("deals:program_settings", args=[ecosystem.program.pk])

    response = clients["vendor_admin"].post(url, _settings_post(ecosystem))

    assert response.status_code == 302
    settings = DealProgramSettings.objects.get(program=ecosystem.program)
    assert (
        settings.protection_days,
        settings.review_business_days,
        settings.extension_days,
        settings.max_extension_days,
        settings.max_extensions,
    ) == (100, 3, 20, 60, 2)
    assert settings.form_fields["notes"] == "hidden"
    assert settings.form_fields["address"] == "required"
    assert list(DealCustomField.objects.values_list("key", "choices")) == [
        ("region", ["EMEA", "APAC"])
    ]
    assert DealTierProtection.objects.get().protection_days == 120
    page = clients["vendor_admin"].get(url)
    assert page.context["form"][f"tier_{ecosystem.gold.pk}"].value() == 120


def test_a_bad_settings_post_shows_field_errors_and_changes_nothing(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    url = reverse("deals:program_settings", args=[ecosystem.program.pk])

    response = clients["vendor_admin"].post(
        url, _settings_post(ecosystem, extension_days="90", max_extension_days="30")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "extension_days": ["Give at most the cap of days per extension."]
    }
    assert not DealProgramSettings.objects.exists()
    assert not DealCustomField.objects.exists()


def test_the_program_channel_manager_reads_but_may_not_save_the_settings(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    url = reverse("deals:program_settings", args=[ecosystem.program.pk])

    page = clients["channel_manager"].get(url)
    response = clients["channel_manager"].post(url, _settings_post(ecosystem))

    assert page.status_code == 200
    assert page.context["current"].can_edit is False
    assert "Save the settings" not in page.content.decode()
    assert response.status_code == 403
    assert not DealProgramSettings.objects.exists()


def test_a_channel_manager_may_not_read_another_programs_settings(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    url = reverse("deals:program_settings", args=[ecosystem.other_program.pk])

    assert clients["channel_manager"].get(url).status_code == 403
    assert clients["vendor_admin"].get(url).status_code == 200
    listing = clients["channel_manager"].get(reverse("deals:program_settings_list"))
    assert [program.name for program in listing.context["programs"]] == ["Resellers"]


def test_the_date_field_keeps_dates_as_iso_text(ecosystem: Any) -> None:
    _configure(ecosystem)

    cleaned = clean_custom_fields(
        ecosystem.program, {"rfp_date": datetime.date(2026, 1, 31)}
    )

    assert cleaned == {"rfp_date": "2026-01-31"}
