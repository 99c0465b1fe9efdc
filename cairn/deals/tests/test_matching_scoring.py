"""Conflict detection: scores, the threshold, partner messages, the labelled set."""

import dataclasses
import timeit
from datetime import date

from cairn.deals.matching import (
    CONFLICT_THRESHOLD,
    ReasonCode,
    blocking_keys,
    compare,
    find_conflicts,
    is_conflict,
)
from cairn.deals.matching.scoring import PARTNER_MESSAGES, POINTS
from cairn.deals.tests.matching_cases import NEAR_MISSES, TRUE_DUPLICATES, facts

# Scores ---------------------------------------------------------------------------


def test_score_adds_every_reason_and_is_capped_at_one():
    # given
    existing = facts(
        "Acme Systems Inc.",
        customer_domain="acme.com",
        country="US",
        postal_code="94105",
        product_codes=frozenset({"FW-100"}),
        expected_close_date=date(2027, 1, 1),
    )
    new = facts(
        "Acme Systems",
        customer_domain="www.acme.com",
        country="US",
        postal_code="94105",
        product_codes=frozenset({"FW-100"}),
        expected_close_date=date(2027, 2, 1),
    )

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    assert match.codes == (
        ReasonCode.SAME_DOMAIN,
        ReasonCode.SAME_COMPANY_NAME,
        ReasonCode.NEARBY_ADDRESS,
        ReasonCode.OVERLAPPING_PRODUCTS,
        ReasonCode.CLOSE_DATES,
    )
    assert [reason.points for reason in match.reasons] == [55, 50, 15, 15, 10]
    assert match.score == 1.0
    assert is_conflict(match) is True


def test_compare_is_symmetric_and_ignores_the_registration_itself():
    # given
    existing = facts("Acme Systems", customer_domain="acme.com", country="US")
    new = facts("Acme Sytems", contact_email="jo@acme.com", country="CA")

    # when
    forward = compare(new, existing)
    backward = compare(existing, new)

    # then
    assert forward is not None
    assert backward is not None
    assert forward.score == backward.score == 0.65
    assert forward.codes == backward.codes
    assert compare(existing, existing) is None


def test_is_conflict_at_the_threshold():
    # given a same name (50) with a close date (10): exactly the threshold
    existing = facts("Acme", expected_close_date=date(2027, 1, 1))
    at_threshold = facts("Acme", expected_close_date=date(2027, 1, 2))
    # and the same name with a close date in another city (-10): just below it
    below = facts("Acme", city="Lyon", expected_close_date=date(2027, 1, 2))
    existing_in_paris = dataclasses.replace(existing, city="Paris")

    # when
    match = compare(at_threshold, existing)
    weaker = compare(below, existing_in_paris)

    # then
    assert CONFLICT_THRESHOLD == 0.60
    assert match is not None
    assert match.score == 0.60
    assert is_conflict(match) is True
    assert weaker is not None
    assert weaker.score == 0.50
    assert [reason.code for reason in weaker.counter_reasons] == [
        ReasonCode.DIFFERENT_CITY
    ]
    assert is_conflict(weaker) is False
    assert is_conflict(None) is False


def test_find_conflicts_returns_only_conflicts_strongest_first():
    # given
    new = facts("Acme Systems", customer_domain="acme.com", country="US")
    strong = facts("Acme Systems Inc.", customer_domain="acme.com", country="US")
    weaker = facts("Acme Sytems", customer_domain="acme.com", country="US")
    unrelated = facts("Acme Foods", customer_domain="acmefoods.com", country="US")

    # when
    conflicts = find_conflicts(new, [weaker, unrelated, strong])

    # then
    assert [(m.existing_id, m.score) for m in conflicts] == [
        (strong.registration_id, 1.0),
        (weaker.registration_id, 0.9),
    ]


# Partner-safe messages -------------------------------------------------------------


def test_partner_messages_reveal_nothing_of_the_other_registration():
    # given an existing registration with every fact filled in
    existing = facts(
        "Globex Corporation",
        owner="partner:2",
        customer_domain="globex.com",
        contact_email="hank.scorpio@globex.com",
        country="US",
        city="Cypress Creek",
        postal_code="97301",
        product_codes=frozenset({"DOOMSDAY-1"}),
        expected_close_date=date(2027, 3, 14),
    )
    new = facts(
        "Globex Corp.",
        customer_domain="globex.com",
        contact_email="homer@globex.com",
        country="US",
        city="Cypress Creek",
        postal_code="97301",
        product_codes=frozenset({"DOOMSDAY-1"}),
        expected_close_date=date(2027, 3, 1),
    )

    # when
    match = compare(new, existing)

    # then the vendor sees the facts, the partner only the kinds of evidence
    assert match is not None
    assert is_conflict(match) is True
    partner_text = " ".join(message for _, message in match.partner_reasons())
    vendor_text = " ".join(reason.detail for reason in match.reasons)
    for secret in (
        "Globex",
        "globex",
        "scorpio",
        "Cypress",
        "97301",
        "DOOMSDAY",
        "2027",
        "partner:2",
    ):
        assert secret not in partner_text
    assert "globex.com" in vendor_text
    assert "DOOMSDAY-1" in vendor_text
    assert match.partner_reasons()[0] == (
        ReasonCode.SAME_DOMAIN,
        "Another registration names a company with the same web domain.",
    )


def test_every_reason_has_a_fixed_partner_message_and_counter_evidence_has_none():
    # then
    assert set(PARTNER_MESSAGES) == set(ReasonCode)
    counter_evidence = {
        ReasonCode.DIFFERENT_DOMAIN,
        ReasonCode.DIFFERENT_COUNTRY,
        ReasonCode.DIFFERENT_CITY,
    }
    assert {code for code in ReasonCode if POINTS[code] < 0} == counter_evidence
    for code in ReasonCode:
        if code in counter_evidence:
            assert PARTNER_MESSAGES[code] == ""
        else:
            assert PARTNER_MESSAGES[code].endswith(".")


def test_match_as_record_is_json_ready():
    # given
    existing = facts("Acme", customer_domain="acme.com", country="US")
    new = facts("Acme", customer_domain="acme.com", country="CA")

    # when
    match = compare(new, existing)

    # then
    assert match is not None
    record = match.as_record()

    # then
    assert record == {
        "score": 0.85,
        "reasons": [
            {
                "code": "SAME_DOMAIN",
                "points": 55,
                "partner_message": (
                    "Another registration names a company with the same web domain."
                ),
                "detail": (
                    "Both customers have the web domain acme.com "
                    "(given as acme.com and acme.com)."
                ),
            },
            {
                "code": "SAME_COMPANY_NAME",
                "points": 50,
                "partner_message": (
                    "Another registration names a company with the same name."
                ),
                "detail": (
                    'The company names "Acme" and "Acme" are the same once legal '
                    "form, accents, punctuation and word order are set aside "
                    '("acme").'
                ),
            },
        ],
        "counter_reasons": [
            {
                "code": "DIFFERENT_COUNTRY",
                "points": -20,
                "partner_message": "",
                "detail": "The customers are in CA and US.",
            }
        ],
    }


# A labelled mini-set ---------------------------------------------------------------


def test_labelled_set_precision_and_recall_at_the_threshold():
    # given
    labelled = [(e, n, True) for e, n in TRUE_DUPLICATES] + [
        (e, n, False) for e, n in NEAR_MISSES
    ]

    # when
    flagged = [(is_conflict(compare(n, e)), duplicate) for e, n, duplicate in labelled]

    # then
    true_positives = sum(1 for hit, duplicate in flagged if hit and duplicate)
    false_positives = sum(1 for hit, duplicate in flagged if hit and not duplicate)
    false_negatives = sum(1 for hit, duplicate in flagged if not hit and duplicate)
    assert len(labelled) == 34
    assert (true_positives, false_positives, false_negatives) == (18, 0, 0)
    recall = true_positives / (true_positives + false_negatives)
    precision = true_positives / (true_positives + false_positives)
    assert recall >= 0.95
    assert precision >= 0.90


def test_known_limits_of_the_scoring():
    # given names one letter apart at one postal code, with close dates: flagged, and
    # left to the channel manager, although they are two companies
    medical = facts(
        "Sunrise Medical",
        country="US",
        postal_code="60601",
        expected_close_date=date(2027, 3, 1),
    )
    media = facts(
        "Sunrise Media",
        country="US",
        postal_code="60601",
        expected_close_date=date(2027, 3, 9),
    )
    # and a short name with a wrong consonant and nothing else in common: similar
    # (one typo), but not a conflict, and not a candidate (no blocking key shared)
    globex = facts("Globex", country="US", expected_close_date=date(2027, 3, 1))
    glovex = facts("Glovex", country="US", product_codes=frozenset({"SW-200"}))

    # when
    flagged = compare(media, medical)
    missed = compare(glovex, globex)

    # then
    assert flagged is not None
    assert flagged.score == 0.60
    assert is_conflict(flagged) is True
    assert missed is not None
    assert missed.codes == (ReasonCode.SIMILAR_COMPANY_NAME,)
    assert is_conflict(missed) is False
    assert blocking_keys(glovex) & blocking_keys(globex) == set()


def test_compare_is_fast():
    # given
    labelled = TRUE_DUPLICATES + NEAR_MISSES

    # when
    seconds = timeit.timeit(
        lambda: [compare(new, existing) for existing, new in labelled], number=200
    )

    # then a generous bound, several times the measured figure, against regressions
    microseconds_per_compare = seconds / (200 * len(labelled)) * 1e6
    assert microseconds_per_compare < 250


def test_facts_with_stored_normalized_values_compare_as_computed_ones():
    # given every labelled pair, the existing side rebuilt from what a registration
    # stores (its normalized name and domains) instead of its raw fields
    def as_stored(existing):
        return dataclasses.replace(
            existing,
            company_name="written otherwise",
            customer_domain="other.example",
            contact_email="someone@elsewhere.example",
            stored_name=existing.name_text,
            stored_domain=existing.domain,
            stored_email_domain=existing.email_domain,
        )

    labelled = TRUE_DUPLICATES + NEAR_MISSES

    # when
    computed = [compare(new, existing) for existing, new in labelled]
    stored = [compare(new, as_stored(existing)) for existing, new in labelled]

    # then the raw fields were not read again
    assert [m and (m.score, m.codes) for m in stored] == [
        m and (m.score, m.codes) for m in computed
    ]
