"""The authorization matrix: every route of the URL map, as every persona.

Rules are declared next to the code, in `cairn/<app>/tests/authz*.py` (one module per
part of an app) and in `tests/authz_third_party.py` for mounted third-party routes. A
route that no rule covers fails `test_every_route_has_a_rule`, so a new endpoint cannot
skip the matrix.
Each route is read (GET) as every persona; and every persona a route refuses to show
is also refused POST, PUT, PATCH and DELETE on it, with nothing written.
"""

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import cairn
from cairn.core.authz import PERSONAS, SIGN_IN, Rule
from cairn.core.models import AuditEntry
from conftest import Ecosystem, client_for

# Route families answered by a blanket rule rather than one rule per route. Each is
# justified: Django's admin guards every view with `admin_view`, which the admin
# rules below prove on its index and changelists; allauth's routes are public
# account pages whose statuses are declared one by one in authz_third_party.
NAMESPACE_FAMILIES = ("admin:",)


def _rule_modules() -> Iterator[Any]:
    for app in pkgutil.iter_modules(cairn.__path__):
        try:
            tests = importlib.import_module(f"cairn.{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in sorted(
            pkgutil.iter_modules(tests.__path__), key=lambda m: m.name
        ):
            if module.name.startswith("authz"):
                yield importlib.import_module(f"{tests.__name__}.{module.name}")
    yield importlib.import_module("tests.authz_third_party")


RULE_MODULES = list(_rule_modules())
RULES: list[Rule] = [rule for module in RULE_MODULES for rule in module.RULES]


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or f'<unnamed {entry.pattern}>'}"


def all_route_names() -> set[str]:
    """Return the qualified name of every route; unnamed routes by their pattern."""
    return set(_walk(get_resolver().url_patterns))


def test_every_route_has_a_rule() -> None:
    declared = {rule.name for rule in RULES}
    uncovered = sorted(
        name
        for name in all_route_names()
        if name not in declared and not name.startswith(NAMESPACE_FAMILIES)
    )
    assert uncovered == []


def test_every_rule_names_an_existing_route() -> None:
    assert sorted({rule.name for rule in RULES} - all_route_names()) == []


@pytest.fixture
def matrix_ecosystem(ecosystem: Ecosystem) -> Ecosystem:
    for module in RULE_MODULES:
        prepare = getattr(module, "prepare", None)
        if prepare is not None:
            prepare(ecosystem)
    return ecosystem


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_route_answers_each_persona_as_declared(
    rule: Rule, matrix_ecosystem: Ecosystem
) -> None:
    url = reverse(rule.name, kwargs=rule.kwargs(matrix_ecosystem)) + rule.query
    answers = {}
    for persona in PERSONAS:
        user = None if persona == "anonymous" else getattr(matrix_ecosystem, persona)
        answers[persona] = client_for(user).get(url).status_code
    assert answers == rule.expect


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/partners/partnerorganization/", "/admin/accounts/user/"]
)
def test_admin_site_is_for_vendor_admins_only(url: str, ecosystem: Ecosystem) -> None:
    answers = {
        persona: client_for(
            None if persona == "anonymous" else getattr(ecosystem, persona)
        )
        .get(url)
        .status_code
        for persona in PERSONAS
    }
    assert answers == dict.fromkeys(PERSONAS, 302) | {"vendor_admin": 200}


WRITE_METHODS = ("post", "put", "patch", "delete")
LOGIN_PATH = "/accounts/login/"
# Signing out while signed out changes nothing; allauth answers with its page.
HARMLESS_FOR_ANONYMOUS = {"account_logout"}
# What a refused write may answer: not authenticated, forbidden, not found, or no
# such method on this route. Never a success, never a server error.
REFUSALS = {401, 403, 404, 405}


def _hidden_from(rule: Rule) -> list[str]:
    """Name the personas a route refuses on GET (anonymous: sent to sign in)."""
    return [
        persona
        for persona, status in rule.expect.items()
        if status in {401, 403, 404}
        or (
            persona == "anonymous"
            and status == SIGN_IN
            and rule.name not in HARMLESS_FOR_ANONYMOUS
        )
    ]


@pytest.mark.parametrize(
    "rule", [rule for rule in RULES if _hidden_from(rule)], ids=lambda rule: rule.name
)
def test_route_refuses_writes_from_personas_it_refuses_to_show(
    rule: Rule, matrix_ecosystem: Ecosystem
) -> None:
    url = reverse(rule.name, kwargs=rule.kwargs(matrix_ecosystem)) + rule.query
    audited = AuditEntry.objects.count()
    answers = {}
    for persona in _hidden_from(rule):
        user = None if persona == "anonymous" else getattr(matrix_ecosystem, persona)
        client = client_for(user)
        for method in WRITE_METHODS:
            response = getattr(client, method)(
                url, data={}, content_type="application/json"
            )
            refused = response.status_code in REFUSALS or (
                user is None
                and response.status_code == SIGN_IN
                and response["Location"].startswith(LOGIN_PATH)
            )
            answers[(persona, method)] = refused or response.status_code

    assert {key: answer for key, answer in answers.items() if answer is not True} == {}
    assert AuditEntry.objects.count() == audited
