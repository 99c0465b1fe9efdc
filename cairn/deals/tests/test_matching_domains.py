"""Conflict detection: registrable domains and free mail."""

import pytest

from cairn.deals.matching import (
    blocking_keys,
    company_domain,
    compare,
    is_free_mail_domain,
    registrable_domain,
)
from cairn.deals.tests.matching_cases import facts

# Domains -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sales.eu.acme.co.uk", "acme.co.uk"),
        ("https://www.Acme.com/x", "acme.com"),
        ("acme.com", "acme.com"),
        ("ACME.COM:8080", "acme.com"),
        ("acme.com.", "acme.com"),
        ("j.doe@Sales.Acme.COM", "acme.com"),
        ("mailto:j.doe@acme.de", "acme.de"),
        ("http://user:secret@acme.com/path?q=1", "acme.com"),
        ("shop.acme.com.br", "acme.com.br"),
        ("acme.co.jp", "acme.co.jp"),
        ("a.b.acme.gov.au", "acme.gov.au"),
        ("müller.de", "xn--mller-kva.de"),
        ("xn--mller-kva.de", "xn--mller-kva.de"),
        ("alpha.myshopify.com", "alpha.myshopify.com"),
        # Reserved names (RFC 2606, 6761): the last two labels are the company's.
        ("www.northwind.example", "northwind.example"),
        ("j.doe@sales.acme.test", "acme.test"),
        ("intranet.acme.internal", "acme.internal"),
        ("co.uk", ""),
        ("localhost", ""),
        ("192.168.0.1", ""),
        ("http://[::1]:8000/", ""),
        ("not a domain", ""),
        ("acme corp.com", ""),
        ("http://[::1", ""),
        ("ü" * 64 + ".de", ""),
        ("", ""),
        ("x@", ""),
    ],
)
def test_registrable_domain(value, expected):
    # when
    domain = registrable_domain(value)

    # then
    assert domain == expected


@pytest.mark.parametrize(
    "address",
    [
        "someone@gmail.com",
        "someone@googlemail.com",
        "someone@outlook.com",
        "someone@hotmail.co.uk",
        "someone@yahoo.com",
        "someone@yahoo.co.jp",
        "someone@mail.yahoo.fr",
        "someone@icloud.com",
        "someone@gmx.de",
        "someone@web.de",
        "someone@proton.me",
        "someone@qq.com",
    ],
)
def test_free_mail_is_never_a_company_domain(address):
    # when / then
    assert is_free_mail_domain(registrable_domain(address)) is True
    assert company_domain(address) == ""


def test_a_company_domain_is_not_free_mail():
    # when / then
    assert is_free_mail_domain("acme.com") is False
    assert company_domain("j.doe@acme.com") == "acme.com"


def test_free_mail_never_matches():
    # given two unrelated customers whose contacts both use gmail
    first = facts(
        "Jones Plumbing", customer_domain="gmail.com", contact_email="jo@gmail.com"
    )
    second = facts("Smith Electrical", contact_email="sam@gmail.com")

    # when
    match = compare(second, first)

    # then
    assert match is None
    assert blocking_keys(first) & blocking_keys(second) == set()
