"""Conflict detection: blocking keys."""

from cairn.deals.matching import blocking_keys
from cairn.deals.matching.blocking import word_skeleton
from cairn.deals.tests.matching_cases import TRUE_DUPLICATES, facts

# Blocking keys -------------------------------------------------------------------


def test_word_skeleton():
    # when / then
    assert word_skeleton("mueller") == "mlr"
    assert word_skeleton("muller") == "mlr"
    assert word_skeleton("systems") == "stms"
    assert word_skeleton("sytems") == "stms"
    assert word_skeleton("acme") == "acm"


def test_blocking_keys_of_a_full_registration():
    # given
    registration = facts(
        "Müller Präzisionstechnik Systeme GmbH",
        customer_domain="www.mueller-praezision.de",
        contact_email="info@mueller-gruppe.com",
        country="de",
        postal_code="80331",
    )

    # when
    keys = blocking_keys(registration)

    # then
    assert keys == {
        "d:muellerpraezision",
        "d:muellergruppe",
        "t:prazisionstechnik",
        "t:muller",
        "s:mlr przsnstchnk stm",
        "p:DE:80331",
    }


def test_blocking_keys_leave_out_generic_words_and_free_mail():
    # given
    registration = facts(
        "Global Software Solutions Group", contact_email="ceo@gmail.com"
    )

    # when
    keys = blocking_keys(registration)

    # then
    assert keys == {"s:glbl grp sftwr sltns"}


def test_blocking_keys_are_few():
    # given the most keys a registration can have
    registration = facts(
        "Alpha Bravo Charlie Delta Echo",
        customer_domain="alpha.com",
        contact_email="x@bravo.com",
        country="US",
        postal_code="10001",
    )

    # when
    keys = blocking_keys(registration)

    # then
    assert len(keys) == 7
    assert {key for key in keys if key.startswith("t:")} == {
        "t:charlie",
        "t:alpha",
        "t:bravo",
    }


def test_every_true_duplicate_shares_a_blocking_key_with_its_original():
    # when
    missed = [
        (existing.company_name, new.company_name)
        for existing, new in TRUE_DUPLICATES
        if not blocking_keys(existing) & blocking_keys(new)
    ]

    # then
    assert missed == []
