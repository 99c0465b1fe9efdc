"""Conflict detection: each reason, when it fires and when it does not."""

from datetime import date
from decimal import Decimal

import pytest

from cairn.deals.matching import (
    ReasonCode,
    blocking_keys,
    compare,
    normalize_company_name,
)
from cairn.deals.matching.scoring import PARTNER_MESSAGES, haversine_km
from cairn.deals.tests.matching_cases import facts

# Reasons -------------------------------------------------------------------------


def test_same_domain_fires_on_the_registrable_domain():
    # given
    existing = facts("Acme", customer_domain="acme.com")
    new = facts("Zenith", customer_domain="https://sales.Acme.com/")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.SAME_DOMAIN,)
    assert match.score == 0.55


def test_same_domain_does_not_fire_on_different_domains():
    # given
    existing = facts("Acme", customer_domain="acme.com")
    new = facts("Acme", customer_domain="acmefoods.com")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.SAME_COMPANY_NAME,)
    assert [reason.code for reason in match.counter_reasons] == [
        ReasonCode.DIFFERENT_DOMAIN
    ]
    assert match.score == 0.30


def test_related_domain_fires_on_the_same_name_under_another_suffix():
    # given
    existing = facts("Globex", customer_domain="globex.de")
    new = facts("Initech", customer_domain="www.globex.fr")
    with_dash = facts("Initech", customer_domain="glo-bex.co.uk")

    # when
    match = compare(new, existing)
    dashed = compare(with_dash, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.RELATED_DOMAIN,)
    assert match.score == 0.20
    assert match.counter_reasons == ()
    assert dashed is not None
    assert dashed.codes == (ReasonCode.RELATED_DOMAIN,)


def test_related_domain_does_not_fire_on_another_name():
    # given
    existing = facts("Globex", customer_domain="globex.de")
    new = facts("Initech", customer_domain="globe.de")

    # when / then
    assert compare(new, existing) is None


def test_contact_email_domain_fires_on_the_other_customer_domain():
    # given
    existing = facts("Initech", customer_domain="initech.com")
    new = facts("Intertrode", contact_email="peter@mail.initech.com")

    # when
    match = compare(new, existing)
    reverse = compare(existing, new)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.CONTACT_EMAIL_DOMAIN,)
    assert match.score == 0.50
    assert reverse is not None
    assert reverse.codes == (ReasonCode.CONTACT_EMAIL_DOMAIN,)


def test_contact_email_domain_fires_on_both_contacts_at_one_domain():
    # given
    existing = facts("Initech", contact_email="bill@initech.com")
    new = facts("Intertrode", contact_email="peter@initech.com")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.CONTACT_EMAIL_DOMAIN,)


def test_contact_email_domain_does_not_fire_on_another_domain():
    # given
    existing = facts("Initech", customer_domain="initech.com")
    new = facts("Intertrode", contact_email="peter@initrode.com")

    # when / then
    assert compare(new, existing) is None


def test_a_name_without_letters_matches_no_name():
    # given
    existing = facts("!!!")
    new = facts("???")

    # when / then
    assert normalize_company_name("!!!") == ""
    assert compare(new, existing) is None
    assert blocking_keys(new) == set()


def test_same_company_name_fires_across_legal_forms_and_word_order():
    # given
    existing = facts("Acme Systems Inc.")
    new = facts("Systems Acme GmbH")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.SAME_COMPANY_NAME,)
    assert match.score == 0.50


@pytest.mark.parametrize(
    ("existing_name", "new_name"),
    [
        ("Acme Systems Inc.", "Acme Sytems"),
        ("Acme Systems Inc.", "Sytems Acme"),
        ("Müller Technik GmbH", "Mueller Technik"),
        ("Müller Technik GmbH", "Мюллер Техник"),
        ("Globex Corporation", "Glbex Corp"),
        ("Acme Systems", "Acme Systems Group"),
        ("Acme Holding", "Acme International"),
        ("Zcme Systems", "Acme Systems"),
        # one slip in a short name: 83% alike, below the ratio, but one edit apart
        ("Mitrin Pty Ltd", "Mutrin Pty Ltd"),
        ("Tashar", "Tsahar"),
        ("Naseflas", "aNseflas"),
    ],
)
def test_similar_company_name_fires_on_typos_transliterations_and_group_words(
    existing_name, new_name
):
    # given
    existing = facts(existing_name)
    new = facts(new_name)

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.SIMILAR_COMPANY_NAME,)
    assert match.score == 0.35


@pytest.mark.parametrize(
    ("existing_name", "new_name"),
    [
        ("Acme Corp", "Acme Foods"),
        ("Apex Systems", "Apex Solutions"),
        ("Initech", "Initrode"),
        ("Müller Technik", "Müller Textil"),
        ("Acme", "Acne"),  # too short for a typo to count
        ("Fybo", "Fbyo"),
        ("Globex", "Glovax"),  # two edits
    ],
)
def test_similar_company_name_does_not_fire_on_other_names(existing_name, new_name):
    # when / then
    assert compare(facts(new_name), facts(existing_name)) is None


def test_nearby_address_fires_on_the_same_postal_code():
    # given
    existing = facts("Acme", country="GB", postal_code="SW1A 1AA")
    new = facts("Zenith", country="gb", postal_code="sw1a1aa")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.NEARBY_ADDRESS,)
    assert match.score == 0.15


def test_nearby_address_fires_within_a_kilometre():
    # given Trafalgar Square and Charing Cross station, about 250 m apart
    existing = facts(
        "Acme", latitude=Decimal("51.508039"), longitude=Decimal("-0.128069")
    )
    new = facts("Zenith", latitude=51.508530, longitude=-0.124700)

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.NEARBY_ADDRESS,)
    assert match.reasons[0].detail == "The addresses are 239 m apart."


def test_nearby_address_fires_weakly_on_the_same_city_without_postal_code():
    # given
    existing = facts("Acme", country="DE", city="Köln", postal_code="50667")
    new = facts("Zenith", country="DE", city="Koln")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.NEARBY_ADDRESS,)
    assert match.score == 0.1


def test_nearby_address_does_not_fire_on_distant_or_different_addresses():
    # given
    london = facts("Acme", latitude=51.508039, longitude=-0.128069)
    paris = facts("Zenith", latitude=48.856613, longitude=2.352222)
    cologne = facts("Acme", country="DE", city="Köln", postal_code="50667")
    cologne_elsewhere = facts("Zenith", country="DE", city="Köln", postal_code="50670")
    same_code_other_country = facts("Zenith", country="FR", postal_code="50667")

    # when / then
    assert compare(paris, london) is None
    assert compare(cologne_elsewhere, cologne) is None
    assert compare(same_code_other_country, cologne) is None


def test_haversine_km():
    # when
    distance = haversine_km((51.507351, -0.127758), (48.856613, 2.352222))

    # then London to Paris
    assert round(distance) == 344


def test_overlapping_products_fires_on_a_shared_product():
    # given
    existing = facts("Acme", product_codes=frozenset({"FW-100", "SW-200"}))
    new = facts("Zenith", product_codes=frozenset({"sw-200 ", "HW-300"}))

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.OVERLAPPING_PRODUCTS,)
    assert match.reasons[0].detail == "Both include SW-200."
    assert match.score == 0.15


def test_overlapping_products_does_not_fire_without_a_shared_product():
    # given
    existing = facts("Acme", product_codes=frozenset({"FW-100"}))
    new = facts("Zenith", product_codes=frozenset({"HW-300"}))

    # when / then
    assert compare(new, existing) is None


def test_close_dates_fires_within_ninety_days():
    # given
    existing = facts("Acme", expected_close_date=date(2027, 1, 1))
    new = facts("Zenith", expected_close_date=date(2027, 4, 1))

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.CLOSE_DATES,)
    assert match.reasons[0].detail == (
        "The expected close dates 2027-04-01 and 2027-01-01 are 90 days apart."
    )
    assert match.score == 0.10


def test_close_dates_does_not_fire_beyond_ninety_days():
    # given
    existing = facts("Acme", expected_close_date=date(2027, 1, 1))
    new = facts("Zenith", expected_close_date=date(2027, 4, 2))

    # when / then
    assert compare(new, existing) is None


def test_different_country_lowers_the_score():
    # given
    existing = facts("Acme", country="US", customer_domain="acme.com")
    new = facts("Acme", country="DE", customer_domain="acme.com")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (ReasonCode.SAME_DOMAIN, ReasonCode.SAME_COMPANY_NAME)
    assert [reason.code for reason in match.counter_reasons] == [
        ReasonCode.DIFFERENT_COUNTRY
    ]
    assert match.score == 0.85


def test_different_city_lowers_the_score_unless_the_addresses_are_near():
    # given the same name in two cities of one country
    existing = facts("Acme", country="FR", city="Paris", postal_code="75001")
    elsewhere = facts("Acme", country="FR", city="Lyon", postal_code="69001")
    # and a neighbouring town within a kilometre
    near_existing = facts(
        "Acme", country="FR", city="Paris", latitude=48.8800, longitude=2.2690
    )
    near_new = facts(
        "Acme", country="FR", city="Neuilly", latitude=48.8810, longitude=2.2700
    )

    # when
    match = compare(elsewhere, existing)
    neighbours = compare(near_new, near_existing)

    # then
    assert match is not None
    assert [reason.code for reason in match.counter_reasons] == [
        ReasonCode.DIFFERENT_CITY
    ]
    assert match.score == 0.40
    assert match.partner_reasons() == (
        (ReasonCode.SAME_COMPANY_NAME, PARTNER_MESSAGES[ReasonCode.SAME_COMPANY_NAME]),
    )
    assert neighbours is not None
    assert neighbours.counter_reasons == ()
    assert neighbours.codes == (ReasonCode.SAME_COMPANY_NAME, ReasonCode.NEARBY_ADDRESS)
