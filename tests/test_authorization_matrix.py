"""The authorization matrix: every route of the URL map, as every persona.

Rules are declared next to the code, in `cairn/<app>/tests/authz.py` (and in
`tests/authz_third_party.py` for mounted third-party routes). A route that no rule
covers fails `test_every_route_has_a_rule`, so a new endpoint cannot skip the matrix.
"""

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import cairn
from cairn.core.authz import PERSONAS, Rule
from conftest import Ecosystem, client_for

# Route families answered by a blanket rule rather than one rule per route. Each is
# justified: Django's admin guards every view with `admin_view`, which the admin
# rules below prove on its index and changelists; allauth's routes are public
# account pages whose statuses are declared one by one in authz_third_party.
NAMESPACE_FAMILIES = ("admin:",)


def _rule_modules() -> Iterator[Any]:
    for app in pkgutil.iter_modules(cairn.__path__):
        try:
            yield importlib.import_module(f"cairn.{app.name}.tests.authz")
        except ModuleNotFoundError:
            continue
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
