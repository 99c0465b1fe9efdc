"""Test personas of DESIGN.md's "who sees what", each with a signed-in client.

The ecosystem: one program ("Resellers") managed by the channel manager, partner A
(admin, rep, second rep) and partner B (rep) in it, and partner C in a second program
the channel manager does not manage.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from cairn.accounts.tests.factories import PASSWORD, UserFactory
from cairn.core.roles import Role
from cairn.partners.tests.factories import (
    OrganizationEmailDomainFactory,
    PartnerOrganizationFactory,
    ProgramFactory,
    ProgramMembershipFactory,
    TierFactory,
)


@dataclass
class Ecosystem:
    program: Any
    other_program: Any
    gold: Any
    silver: Any
    partner_a: Any
    partner_b: Any
    partner_c: Any
    vendor_admin: Any
    channel_manager: Any
    partner_a_admin: Any
    partner_a_rep: Any
    partner_a_second_rep: Any
    partner_b_rep: Any
    partner_c_admin: Any


PERSONAS = (
    "vendor_admin",
    "channel_manager",
    "partner_a_admin",
    "partner_a_rep",
    "partner_a_second_rep",
    "partner_b_rep",
    "anonymous",
)


@pytest.fixture
def ecosystem(db: Any) -> Ecosystem:
    program: Any = ProgramFactory(name="Resellers", slug="resellers")
    other_program = ProgramFactory(name="Referral", slug="referral")
    silver = TierFactory(program=program, name="Silver", rank=1)
    gold = TierFactory(program=program, name="Gold", rank=2)
    partner_a = PartnerOrganizationFactory(
        name="Alpha Systems", city="Lyon", country="FR"
    )
    partner_b = PartnerOrganizationFactory(name="Beta Solutions", city="Munich")
    partner_c = PartnerOrganizationFactory(
        name="Gamma Referrals", city="Osaka", country="JP"
    )
    OrganizationEmailDomainFactory(organization=partner_a, domain="alpha.example")
    OrganizationEmailDomainFactory(organization=partner_b, domain="beta.example")
    channel_manager = UserFactory(
        email="cm@vendor.example", full_name="Casey Manager", role=Role.CHANNEL_MANAGER
    )
    program.managers.add(channel_manager)
    ProgramMembershipFactory(organization=partner_a, program=program, tier=gold)
    ProgramMembershipFactory(organization=partner_b, program=program, tier=silver)
    ProgramMembershipFactory(organization=partner_c, program=other_program)
    return Ecosystem(
        program=program,
        other_program=other_program,
        gold=gold,
        silver=silver,
        partner_a=partner_a,
        partner_b=partner_b,
        partner_c=partner_c,
        vendor_admin=UserFactory(
            email="admin@vendor.example",
            full_name="Val Admin",
            role=Role.VENDOR_ADMIN,
            is_staff=True,
            is_superuser=True,
        ),
        channel_manager=channel_manager,
        partner_a_admin=UserFactory(
            email="ada@alpha.example",
            full_name="Ada Admin",
            role=Role.PARTNER_ADMIN,
            organization=partner_a,
        ),
        partner_a_rep=UserFactory(
            email="rex@alpha.example",
            full_name="Rex Rep",
            role=Role.PARTNER_REP,
            organization=partner_a,
        ),
        partner_a_second_rep=UserFactory(
            email="sam@alpha.example",
            full_name="Sam Second",
            role=Role.PARTNER_REP,
            organization=partner_a,
        ),
        partner_b_rep=UserFactory(
            email="bo@beta.example",
            full_name="Bo Beta",
            role=Role.PARTNER_REP,
            organization=partner_b,
        ),
        partner_c_admin=UserFactory(
            email="cy@gamma.example",
            full_name="Cy Gamma",
            role=Role.PARTNER_ADMIN,
            organization=partner_c,
        ),
    )


def client_for(user: Any | None) -> Client:
    """Return a client signed in as `user`, or anonymous for None."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(ecosystem: Ecosystem) -> dict[str, Client]:
    """One signed-in client per persona of DESIGN.md, and an anonymous one."""
    return {
        persona: client_for(
            None if persona == "anonymous" else getattr(ecosystem, persona)
        )
        for persona in PERSONAS
    }


__all__ = ["PASSWORD", "PERSONAS", "Ecosystem", "client_for"]
