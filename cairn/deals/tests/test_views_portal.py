"""The partner pages of deal registration: list, register, edit and submit."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.deals import services
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import DealRegistration
from cairn.deals.tests.factories import DealRegistrationFactory
from cairn.deals.tests.support import register

KEY = "3f1c0c6e9d2a4b8f8a7e5d4c3b2a1f00"


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "customer_name": "Nordwind Logistik GmbH",
        "customer_domain": "www.Nordwind.example",
        "country": "DE",
        "street": "Hafenstraße 1",
        "city": "Hamburg",
        "postal_code": "20095",
        "contact_name": "Jana Berg",
        "contact_email": "jana@nordwind.example",
        "expected_close_date": "2026-09-30",
        "deal_type": "new",
        "partner_role": "resell",
        "currency": "eur",
        "amount": "12000.50",
        "notes": "",
        "idempotency_key": KEY,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-product_code": "CAIRN-ENT",
        "lines-0-description": "Enterprise seats",
        "lines-0-quantity": "10",
        "lines-0-unit_amount": "1200.05",
        "lines-1-product_code": "",
        "lines-1-description": "",
        "lines-1-quantity": "1",
        "lines-1-unit_amount": "",
    }
    return data | overrides


def _create(client: Client, ecosystem: Any, action: str, **overrides: Any) -> Any:
    data = _form(
        **({"program": str(ecosystem.program.pk), "action": action} | overrides)
    )
    return client.post(reverse("deals:registration_create"), data)


def _registrations(ecosystem: Any) -> None:
    for user, name in [
        (ecosystem.partner_a_rep, "Rex deal"),
        (ecosystem.partner_a_second_rep, "Sam deal"),
        (ecosystem.partner_b_rep, "Bo deal"),
    ]:
        DealRegistrationFactory(
            registered_by=user, program=ecosystem.program, customer_name=name
        )


def _names(response: Any) -> set[str]:
    return {r.customer_name for r in response.context["page_obj"].object_list}


def test_a_rep_lists_only_the_registrations_they_registered(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _registrations(ecosystem)

    response = clients["partner_a_rep"].get(reverse("deals:registration_list"))

    assert response.status_code == 200
    assert _names(response) == {"Rex deal"}


def test_a_partner_admin_lists_the_registrations_of_the_organization(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _registrations(ecosystem)

    response = clients["partner_a_admin"].get(reverse("deals:registration_list"))

    assert _names(response) == {"Rex deal", "Sam deal"}


def test_the_list_filters_by_status_and_searches_the_customer(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _registrations(ecosystem)
    DealRegistrationFactory(
        registered_by=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Rex draft",
        status=RegistrationStatus.DRAFT,
    )

    drafts = clients["partner_a_admin"].get(
        reverse("deals:registration_list"), {"status": "draft"}
    )
    searched = clients["partner_a_admin"].get(
        reverse("deals:registration_list"), {"search": "sam"}
    )

    assert _names(drafts) == {"Rex draft"}
    assert _names(searched) == {"Sam deal"}


def test_the_list_ignores_bad_filters(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _registrations(ecosystem)

    response = clients["partner_a_admin"].get(
        reverse("deals:registration_list"),
        {"status": "bogus", "program": "x", "page": "-3"},
    )

    assert response.status_code == 200
    assert _names(response) == {"Rex deal", "Sam deal"}


def test_the_list_answers_htmx_with_its_results_partial(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    _registrations(ecosystem)

    response = clients["partner_a_rep"].get(
        reverse("deals:registration_list"), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Rex deal" in body
    assert "<html" not in body
    assert 'id="results"' not in body
    assert "HX-Request" in response["Vary"]


def test_the_list_runs_a_bounded_number_of_queries(
    ecosystem: Any, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        DealRegistrationFactory(
            registered_by=ecosystem.partner_a_rep,
            program=ecosystem.program,
            customer_name=f"Deal {number}",
        )
    client = clients["partner_a_admin"]

    with django_assert_max_num_queries(8):
        response = client.get(reverse("deals:registration_list"))

    assert len(response.context["page_obj"].object_list) == 30


def test_the_create_form_carries_a_fresh_idempotency_key(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    first = clients["partner_a_rep"].get(reverse("deals:registration_create"))
    second = clients["partner_a_rep"].get(reverse("deals:registration_create"))

    first_key = first.context["form"].initial["idempotency_key"]
    assert len(first_key) == 32
    assert first_key != second.context["form"].initial["idempotency_key"]
    assert f'value="{first_key}"' in first.content.decode()


def test_a_rep_saves_a_draft_with_its_lines(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _create(clients["partner_a_rep"], ecosystem, "draft")

    registration = DealRegistration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "deals:registration_detail", args=[registration.pk]
    )
    assert registration.status == RegistrationStatus.DRAFT
    assert registration.registered_by == ecosystem.partner_a_rep
    assert registration.customer_domain == "nordwind.example"
    assert registration.currency == "EUR"
    assert str(registration.amount) == "12000.50"
    assert [
        (line.product_code, line.quantity, str(line.unit_amount))
        for line in registration.lines.all()
    ] == [("CAIRN-ENT", 10, "1200.05")]


def test_a_rep_submits_a_new_registration_for_review(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _create(clients["partner_a_rep"], ecosystem, "submit")

    registration = DealRegistration.objects.get()
    assert response.status_code == 302
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.review_due_at is not None


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_double_submit_creates_one_registration(
    ecosystem: Any, clients: dict[str, Client], action: str
) -> None:
    first = _create(clients["partner_a_rep"], ecosystem, action)
    second = _create(clients["partner_a_rep"], ecosystem, action)

    assert DealRegistration.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "12,000.50"),
        ("amount", "-1"),
        ("amount", "1e400"),
        ("currency", "ZZZ"),
        ("country", "XX"),
        ("customer_domain", "not a domain"),
        ("expected_close_date", "2026-02-30"),
        ("contact_email", "jana@"),
        ("lines-0-quantity", "0"),
        ("lines-0-unit_amount", "abc"),
        ("program", "999999"),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(
    ecosystem: Any, clients: dict[str, Client], field: str, value: str
) -> None:
    data = _form(
        **({"program": str(ecosystem.program.pk), "action": "submit"} | {field: value})
    )

    response = clients["partner_a_rep"].post(reverse("deals:registration_create"), data)

    assert response.status_code == 200
    form, lines = response.context["form"], response.context["lines"]
    assert form.errors or lines.errors != [{}, {}]
    assert DealRegistration.objects.count() == 0


def test_submitting_without_the_required_fields_explains_what_is_missing(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _create(
        clients["partner_a_rep"],
        ecosystem,
        "submit",
        expected_close_date="",
        amount="0",
        **{"lines-0-product_code": "", "lines-0-quantity": "1"},
        **{"lines-0-unit_amount": "", "lines-0-description": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "expected_close_date": ["Required to submit a registration."]
    }
    assert DealRegistration.objects.count() == 0


def test_a_program_the_partner_is_not_active_in_is_not_offered(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = _create(
        clients["partner_a_rep"], ecosystem, "draft", program=ecosystem.other_program.pk
    )

    assert response.status_code == 200
    assert "program" in response.context["form"].errors
    assert DealRegistration.objects.count() == 0


def _draft(ecosystem: Any, **fields: Any) -> DealRegistration:
    return services.create_draft(
        actor=ecosystem.partner_a_rep,
        program=ecosystem.program,
        customer_name="Draft Customer SA",
        country="FR",
        **fields,
    )


def test_a_rep_edits_and_submits_a_draft(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)
    data = _form(action="submit")

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_update", args=[draft.pk]), data
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.customer_name == "Nordwind Logistik GmbH"
    assert draft.status == RegistrationStatus.SUBMITTED
    assert draft.lines.count() == 1


def test_a_refused_submission_keeps_the_draft_unchanged(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)
    data = _form(action="submit", expected_close_date="")

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_update", args=[draft.pk]), data
    )

    draft.refresh_from_db()
    assert response.status_code == 200
    assert "expected_close_date" in response.context["form"].errors
    assert draft.customer_name == "Draft Customer SA"
    assert draft.status == RegistrationStatus.DRAFT


def test_a_submitted_registration_cannot_be_edited(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    registration = register(ecosystem, ecosystem.partner_a_rep)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_update", args=[registration.pk]),
        _form(action="draft"),
    )

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.customer_name == "Acme Corporation"


def test_submit_of_an_incomplete_draft_sends_the_partner_to_edit_it(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem)

    response = clients["partner_a_rep"].post(
        reverse("deals:registration_submit", args=[draft.pk]), follow=True
    )

    draft.refresh_from_db()
    assert response.redirect_chain == [
        (reverse("deals:registration_update", args=[draft.pk]), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [
        "Expected close date: Required to submit a registration."
    ]
    assert draft.status == RegistrationStatus.DRAFT


def test_another_partner_cannot_submit_a_draft(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    draft = _draft(ecosystem, expected_close_date="2026-09-30", amount="10.00")

    for persona in ("partner_b_rep", "partner_a_second_rep"):
        response = clients[persona].post(
            reverse("deals:registration_submit", args=[draft.pk])
        )
        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == RegistrationStatus.DRAFT
