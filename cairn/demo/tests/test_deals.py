import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.deals.choices import ConflictStatus, RegistrationStatus, SalesStage
from cairn.deals.models import (
    DealConflict,
    DealMatchKey,
    DealRegistration,
    DealStageChange,
    DealStatusChange,
    DirectOpportunity,
)
from cairn.demo import blueprint, deal_plan
from cairn.demo.generator import generate_ecosystem
from cairn.demo.tests.test_generator import _delete_everything
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import PartnerOrganization, ProgramMembership


def _deal_fingerprint() -> dict[str, Any]:
    return {
        "registrations": list(
            DealRegistration.objects.order_by("pk").values_list(
                "organization__name",
                "registered_by__email",
                "program__slug",
                "customer_name",
                "customer_domain",
                "status",
                "sales_stage",
                "amount",
            )
        ),
        "conflicts": list(
            DealConflict.objects.order_by("pk").values_list(
                "registration__customer_name",
                "other_registration__organization__name",
                "direct_opportunity__external_id",
                "status",
                "decision",
            )
        ),
        "history": list(
            DealStatusChange.objects.order_by("pk").values_list(
                "to_status", "actor__email", "reason"
            )
        ),
    }


def test_deals_have_every_status_and_conflicts_between_partners(db: None) -> None:
    # given an ecosystem of 60 partners
    now = timezone.now()
    summary = generate_ecosystem(seed=42, partners=60, users_per_partner=4)
    # then about two registrations per active reseller or managed service partner
    active = (
        ProgramMembership.objects.filter(
            status=MembershipStatus.ACTIVE, program__slug__in=deal_plan.DEAL_PROGRAMS
        )
        .values("organization")
        .distinct()
        .count()
    )
    registrations = DealRegistration.objects.all()
    assert summary.registrations == registrations.count()
    assert active * 1.3 <= registrations.count() <= active * 3
    statuses = set(registrations.values_list("status", flat=True))
    assert statuses == {
        RegistrationStatus.DRAFT,
        RegistrationStatus.SUBMITTED,
        RegistrationStatus.UNDER_REVIEW,
        RegistrationStatus.MORE_INFO_REQUESTED,
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
    }
    stages = set(registrations.values_list("sales_stage", flat=True))
    assert {SalesStage.WON, SalesStage.LOST} <= stages
    assert all(
        registration.registered_by.organization_id == registration.organization_id
        for registration in registrations.select_related("registered_by")
    )
    # and conflicts as the services record them: between two partners, with the
    # direct pipeline, open and decided
    conflicts = DealConflict.objects.select_related(
        "registration", "other_registration"
    )
    between_partners = [
        c
        for c in conflicts.filter(status=ConflictStatus.OPEN)
        if c.other_registration is not None
        and c.other_registration.organization_id != c.registration.organization_id
    ]
    assert between_partners
    assert conflicts.filter(status=ConflictStatus.RESOLVED).exists()
    assert conflicts.filter(direct_opportunity__isnull=False).exists()
    assert DirectOpportunity.objects.count() == deal_plan.DIRECT_OPPORTUNITIES
    assert DealMatchKey.objects.filter(registration__isnull=False).exists()
    # and every time is in the last 90 days, in the order of the workflow
    ninety_days_ago = now - datetime.timedelta(days=blueprint.ACTIVITY_DAYS)
    for registration in registrations.exclude(status=RegistrationStatus.DRAFT):
        assert registration.submitted_at is not None
        assert ninety_days_ago < registration.submitted_at < now
        assert registration.created_at <= registration.submitted_at
        if registration.decided_at is not None:
            assert registration.submitted_at < registration.decided_at < now
    for change in DealStatusChange.objects.all():
        assert ninety_days_ago < change.at < now
    # and stage moves follow their deal's approval, in the past
    moves = DealStageChange.objects.select_related("registration")
    assert moves.exists()
    for move in moves:
        assert move.registration.decided_at is not None
        assert move.registration.decided_at <= move.at < now
    deal_events = ActivityEvent.objects.filter(verb__startswith="deal.")
    assert deal_events.filter(verb="deal.won").exists()
    assert all(ninety_days_ago < e.occurred_at < now for e in deal_events)
    assert AuditEntry.objects.filter(
        target_type__model="dealregistration", occurred_at__lt=now
    ).count() == (
        AuditEntry.objects.filter(target_type__model="dealregistration").count()
    )


def test_persona_partner_a_has_a_registration_for_each_stop_of_the_tour(
    db: None,
) -> None:
    # given a small ecosystem
    generate_ecosystem(seed=3, partners=20, users_per_partner=4)
    # then persona partner A's rep registered an open conflict, an approved deal,
    # a won deal and a draft, in the persona program
    partner_a = PartnerOrganization.objects.order_by("pk").first()
    assert partner_a is not None
    rep = f"{blueprint.PARTNER_REP_LOCAL_PART}@"
    mine = DealRegistration.objects.filter(
        organization=partner_a, registered_by__email__startswith=rep
    )
    assert set(mine.values_list("program__slug", flat=True)) == {
        blueprint.PERSONA_PROGRAM
    }
    open_conflict = DealConflict.objects.filter(
        registration__in=mine,
        status=ConflictStatus.OPEN,
        other_registration__isnull=False,
    ).exclude(other_registration__organization=partner_a)
    assert open_conflict.filter(
        registration__status=RegistrationStatus.SUBMITTED
    ).exists()
    approved = mine.filter(status=RegistrationStatus.APPROVED)
    protected = approved.exclude(sales_stage__in=[SalesStage.WON, SalesStage.LOST])
    assert any(registration.is_protected for registration in protected)
    assert approved.filter(sales_stage=SalesStage.WON).exists()
    assert mine.filter(status=RegistrationStatus.DRAFT).exists()


def test_the_same_seed_generates_the_same_deals_on_any_day(db: None) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 7, 12, tzinfo=datetime.UTC)):
        generate_ecosystem(seed=5, partners=24, users_per_partner=3)
    first = _deal_fingerprint()
    _delete_everything()
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)):
        generate_ecosystem(seed=5, partners=24, users_per_partner=3)
    assert _deal_fingerprint() == first
    assert first["registrations"]
    assert first["conflicts"]


def test_a_large_ecosystem_registers_at_most_the_cap(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a cap lower than two registrations per partner
    monkeypatch.setattr(deal_plan, "MAX_REGISTRATIONS", 20)
    generate_ecosystem(seed=42, partners=40, users_per_partner=2)
    # then the deals stay under it (and the persona's four registrations are there)
    count = DealRegistration.objects.count()
    assert 10 <= count <= 20
    partner_a = PartnerOrganization.objects.order_by("pk").first()
    assert DealRegistration.objects.filter(organization=partner_a).count() >= 4
