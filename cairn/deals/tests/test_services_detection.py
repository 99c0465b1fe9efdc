"""Conflict detection at submission: stop keys and the candidates they leave out."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from cairn.deals import services
from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import DealConflict, DealMatchKey, DirectOpportunity
from cairn.deals.services import detection
from cairn.deals.tests.support import ACME, register

# "Acme Corp" against "Acme Corporation": the same name, and nothing else to share
# a key through (no domain, no contact, no postal code; "acm" is too short a
# skeleton), so the pair meets through the one word key "t:acme" alone.
ACME_BY_NAME_ONLY: dict[str, Any] = {
    **ACME,
    "customer_name": "Acme Corp",
    "customer_domain": "",
    "contact_email": "",
    "postal_code": "",
    "street": "",
}


def _direct_opportunities_with_key(key: str, count: int) -> None:
    for number in range(count):
        opportunity = DirectOpportunity.objects.create(
            external_id=f"SF-{key}-{number}",
            company_name=f"Other {number}",
            country="FR",
        )
        DealMatchKey.objects.create(direct_opportunity=opportunity, key=key)


def test_keys_over_the_bucket_limit_are_stop_keys(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given three rows under "t:acme", two under "p:FR:75002", three under a domain
    monkeypatch.setattr(detection, "MAX_KEY_BUCKET", 2)
    _direct_opportunities_with_key("t:acme", 3)
    _direct_opportunities_with_key("p:FR:75002", 2)
    _direct_opportunities_with_key("d:acmeindustries", 3)

    # when
    selective, stop = detection.split_stop_keys(
        {"t:acme", "p:FR:75002", "d:acmeindustries", "s:unknown"}
    )

    # then domain keys are never stop keys, whatever their bucket
    assert stop == {"t:acme"}
    assert selective == {"p:FR:75002", "d:acmeindustries", "s:unknown"}


def test_a_registration_with_only_domain_keys_counts_nothing(db: Any) -> None:
    # when
    selective, stop = detection.split_stop_keys({"d:acme"})

    # then
    assert (selective, stop) == ({"d:acme"}, set())


def test_a_name_shared_through_a_small_bucket_is_a_conflict(ecosystem: Any) -> None:
    # given
    first = register(ecosystem, ecosystem.partner_a_rep)

    # when
    second = register(ecosystem, ecosystem.partner_b_rep, ACME_BY_NAME_ONLY)

    # then
    conflict = DealConflict.objects.get()
    assert (conflict.registration, conflict.other_registration) == (second, first)
    assert set(conflict.reason_codes) == {
        "SAME_COMPANY_NAME",
        "NEARBY_ADDRESS",  # the same city, one side without postal code
        "OVERLAPPING_PRODUCTS",
        "CLOSE_DATES",
    }


def test_a_name_shared_only_through_a_stop_key_is_not_compared(
    ecosystem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given "t:acme" names more registrations than the limit
    register(ecosystem, ecosystem.partner_a_rep)
    monkeypatch.setattr(detection, "MAX_KEY_BUCKET", 0)

    # when
    register(ecosystem, ecosystem.partner_b_rep, ACME_BY_NAME_ONLY)

    # then the trade-off the benchmark measures: no candidate, no conflict
    assert not DealConflict.objects.exists()


def test_a_shared_domain_finds_the_claim_even_when_every_other_key_is_common(
    ecosystem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    first = register(ecosystem, ecosystem.partner_a_rep)
    monkeypatch.setattr(detection, "MAX_KEY_BUCKET", 0)

    # when
    second = register(
        ecosystem, ecosystem.partner_b_rep, customer_name="ACME Corp.", postal_code=""
    )

    # then
    conflict = DealConflict.objects.get()
    assert (conflict.registration, conflict.other_registration) == (second, first)
    assert "SAME_DOMAIN" in conflict.reason_codes


def test_rekeying_replaces_stale_keys_of_open_registrations_only(
    ecosystem: Any,
) -> None:
    # given an open registration whose keys an earlier version computed otherwise
    registration = register(ecosystem, ecosystem.partner_a_rep)
    current = set(registration.match_keys.values_list("key", flat=True))
    DealMatchKey.objects.filter(registration=registration).delete()
    DealMatchKey.objects.create(registration=registration, key="t:stale")
    # and a closed one, which no new registration is matched against
    closed = register(
        ecosystem, ecosystem.partner_b_rep, customer_name="Zeta", customer_domain=""
    )
    DealMatchKey.objects.filter(registration=closed).delete()
    type(closed).objects.filter(pk=closed.pk).update(status=RegistrationStatus.REJECTED)
    opportunity = DirectOpportunity.objects.create(
        external_id="SF-1", company_name="Globex", country="FR", is_open=True
    )

    # when
    call_command("deals_rekey", stdout=io.StringIO())

    # then
    assert set(registration.match_keys.values_list("key", flat=True)) == current
    assert not DealMatchKey.objects.filter(registration=closed).exists()
    assert set(
        DealMatchKey.objects.filter(direct_opportunity=opportunity).values_list(
            "key", flat=True
        )
    ) == {"t:globex", "s:glbx"}


def test_submission_stores_the_normalized_name_and_domains(ecosystem: Any) -> None:
    # when
    registration = register(
        ecosystem, ecosystem.partner_a_rep, contact_email="claire@acme-industries.fr"
    )

    # then what later checks read instead of normalizing the fields again
    registration.refresh_from_db()
    assert (
        registration.match_name,
        registration.match_domain,
        registration.match_email_domain,
    ) == ("acme", "acme-industries.com", "acme-industries.fr")


def test_later_checks_compare_a_candidate_by_its_stored_name(ecosystem: Any) -> None:
    # given a claim found through its name key, whose stored name says "Globex"
    first = register(ecosystem, ecosystem.partner_a_rep, ACME_BY_NAME_ONLY)
    type(first).objects.filter(pk=first.pk).update(match_name="globex")

    # when
    register(ecosystem, ecosystem.partner_b_rep, ACME_BY_NAME_ONLY)

    # then the names differ as stored: no name evidence, under the threshold
    assert not DealConflict.objects.exists()


def test_a_candidate_without_stored_facts_is_normalized_from_its_fields(
    ecosystem: Any,
) -> None:
    # given a claim stored before the facts were (an upgraded database)
    first = register(ecosystem, ecosystem.partner_a_rep, ACME_BY_NAME_ONLY)
    type(first).objects.filter(pk=first.pk).update(
        match_name=None, match_domain=None, match_email_domain=None
    )

    # when
    second = register(ecosystem, ecosystem.partner_b_rep, ACME_BY_NAME_ONLY)

    # then
    conflict = DealConflict.objects.get()
    assert (conflict.registration, conflict.other_registration) == (second, first)
    assert "SAME_COMPANY_NAME" in conflict.reason_codes


def test_changing_a_registration_drops_its_stored_facts_until_it_is_resubmitted(
    ecosystem: Any,
) -> None:
    # given
    registration = register(ecosystem, ecosystem.partner_a_rep)
    services.request_more_information(
        registration, actor=ecosystem.channel_manager, reason="Which company?"
    )

    # when
    services.update_draft(
        registration, actor=ecosystem.partner_a_rep, customer_name="Globex SA"
    )

    # then others compare it by its new name until then
    registration.refresh_from_db()
    assert registration.match_name is None
    services.submit_registration(registration, actor=ecosystem.partner_a_rep)
    registration.refresh_from_db()
    assert registration.match_name == "globex"


def test_rekeying_recomputes_stale_stored_facts(ecosystem: Any) -> None:
    # given facts an earlier version normalized otherwise
    registration = register(ecosystem, ecosystem.partner_a_rep)
    type(registration).objects.filter(pk=registration.pk).update(
        match_name="acme corporation", match_domain="", match_email_domain=None
    )

    # when
    call_command("deals_rekey", stdout=io.StringIO())

    # then
    registration.refresh_from_db()
    assert (
        registration.match_name,
        registration.match_domain,
        registration.match_email_domain,
    ) == ("acme", "acme-industries.com", "acme-industries.com")
