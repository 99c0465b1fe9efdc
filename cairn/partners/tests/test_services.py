from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.events import record_event
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.partners import services
from cairn.partners.choices import MembershipStatus, PartnerType, Region
from cairn.partners.consumers import mark_organization_active
from cairn.partners.models import (
    OrganizationEmailDomain,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Tier,
)
from cairn.partners.tests.factories import SpecializationFactory, TierFactory

NEW_PARTNER = {
    "name": "Delta Cloud",
    "legal_name": "Delta Cloud GmbH",
    "country": "DE",
    "region": Region.EMEA,
    "city": "Hamburg",
}


def _membership(ecosystem: Any, organization_attr: str = "partner_a") -> Any:
    return getattr(ecosystem, organization_attr).memberships.get()


# Organizations


def test_vendor_admin_creates_an_organization_with_normalized_domains(
    ecosystem: Any,
) -> None:
    cloud: Any = SpecializationFactory(name="Cloud", slug="cloud")

    organization = services.create_organization(
        actor=ecosystem.vendor_admin,
        **NEW_PARTNER,
        languages=["DE", "en", "de"],
        specializations=[cloud],
        email_domains=[" @Delta.Example ", "delta-cloud.example", "delta.example"],
    )

    organization.refresh_from_db()
    assert organization.name == "Delta Cloud"
    assert organization.languages == ["de", "en"]
    assert list(organization.specializations.all()) == [cloud]
    assert sorted(organization.email_domains.values_list("domain", flat=True)) == [
        "delta-cloud.example",
        "delta.example",
    ]
    audit = AuditEntry.objects.get(target_id=str(organization.pk))
    assert (audit.action, audit.actor, audit.organization_id) == (
        "create",
        ecosystem.vendor_admin,
        organization.pk,
    )
    assert audit.after["email_domains"] == ["delta-cloud.example", "delta.example"]
    assert audit.after["specializations"] == [cloud.pk]
    event = ActivityEvent.objects.get(verb="organization.created")
    assert (event.organization_id, event.data) == (
        organization.pk,
        {"name": "Delta Cloud"},
    )


def test_channel_manager_may_not_create_an_organization(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_organization(actor=ecosystem.channel_manager, **NEW_PARTNER)

    assert not PartnerOrganization.objects.filter(name="Delta Cloud").exists()
    assert not AuditEntry.objects.exists()


def test_failed_creation_leaves_nothing_half_written(ecosystem: Any) -> None:
    # The organization row is written before its domains are checked: the
    # transaction must take it back when a domain belongs to partner A.
    organizations_before = PartnerOrganization.objects.count()

    with pytest.raises(ValidationError) as error:
        services.create_organization(
            actor=ecosystem.vendor_admin,
            **NEW_PARTNER,
            email_domains=["delta.example", "alpha.example"],
        )

    assert error.value.message_dict == {
        "email_domains": ["alpha.example belongs to another organization."]
    }
    assert PartnerOrganization.objects.count() == organizations_before
    assert not OrganizationEmailDomain.objects.filter(domain="delta.example").exists()
    assert not AuditEntry.objects.exists()
    assert not ActivityEvent.objects.filter(verb="organization.created").exists()


def test_invalid_organization_is_refused_by_field(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_organization(
            actor=ecosystem.vendor_admin,
            **(NEW_PARTNER | {"region": "mars", "latitude": Decimal("48.1")}),
        )

    assert set(error.value.message_dict) == {"region", "__all__"}
    assert error.value.message_dict["__all__"] == [
        "Give both latitude and longitude, or neither."
    ]


def test_partner_admin_updates_own_profile_with_audit_and_event(
    ecosystem: Any,
) -> None:
    partner_a = ecosystem.partner_a

    updated = services.update_organization(
        partner_a,
        actor=ecosystem.partner_a_admin,
        website="https://alpha-systems.example",
        street="1 rue de la République",
    )

    assert updated.website == "https://alpha-systems.example"
    audit = AuditEntry.objects.get(target_id=str(partner_a.pk), action="update")
    assert audit.before == {
        "website": "https://alphasystems.example",
        "street": "",
        "updated_at": audit.before["updated_at"],
    }
    assert audit.after["website"] == "https://alpha-systems.example"
    event = ActivityEvent.objects.get(verb="organization.updated")
    assert event.data == {"fields": ["street", "website"]}
    assert event.actor == ecosystem.partner_a_admin


def test_update_without_change_records_nothing(ecosystem: Any) -> None:
    services.update_organization(
        ecosystem.partner_a, actor=ecosystem.vendor_admin, city="Lyon"
    )

    assert not AuditEntry.objects.exists()
    assert not ActivityEvent.objects.exists()


@pytest.mark.parametrize("persona", ["partner_a_rep", "partner_b_rep"])
def test_others_may_not_update_partner_a(ecosystem: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.update_organization(
            ecosystem.partner_a, actor=getattr(ecosystem, persona), city="Paris"
        )

    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.city == "Lyon"


def test_channel_manager_may_not_update_a_partner_of_another_program(
    ecosystem: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        services.update_organization(
            ecosystem.partner_c, actor=ecosystem.channel_manager, city="Kyoto"
        )

    ecosystem.partner_c.refresh_from_db()
    assert ecosystem.partner_c.city == "Osaka"


def test_partner_admin_may_not_claim_email_domains(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_organization(
            ecosystem.partner_a,
            actor=ecosystem.partner_a_admin,
            email_domains=["alpha.example", "competitor.example"],
        )

    assert list(ecosystem.partner_a.email_domains.values_list("domain", flat=True)) == [
        "alpha.example"
    ]


def test_channel_manager_replaces_email_domains(ecosystem: Any) -> None:
    services.update_organization(
        ecosystem.partner_a,
        actor=ecosystem.channel_manager,
        email_domains=["ALPHA-systems.example"],
    )

    assert list(ecosystem.partner_a.email_domains.values_list("domain", flat=True)) == [
        "alpha-systems.example"
    ]
    audit = AuditEntry.objects.get(action="update")
    assert audit.before["email_domains"] == ["alpha.example"]
    assert audit.after["email_domains"] == ["alpha-systems.example"]


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("beta.example", "beta.example belongs to another organization."),
        ("gmail.com", "gmail.com is a public mail provider, not a company's."),
        ("not a domain", "“not a domain” is not a domain name."),
        ("localhost", "“localhost” is not a domain name."),
    ],
)
def test_unusable_email_domain_is_refused_and_nothing_changes(
    ecosystem: Any, domain: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.update_organization(
            ecosystem.partner_a,
            actor=ecosystem.vendor_admin,
            name="Alpha Renamed",
            email_domains=[domain],
        )

    assert error.value.message_dict == {"email_domains": [message]}
    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.name == "Alpha Systems"
    assert list(ecosystem.partner_a.email_domains.values_list("domain", flat=True)) == [
        "alpha.example"
    ]


def test_invalid_language_code_is_refused(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.update_organization(
            ecosystem.partner_a, actor=ecosystem.vendor_admin, languages=["english!"]
        )

    assert error.value.message_dict == {
        "languages": ["“english!” is not a language code."]
    }


# Memberships


def test_vendor_admin_adds_a_partner_to_a_program(ecosystem: Any) -> None:
    membership = services.add_membership(
        ecosystem.partner_c,
        actor=ecosystem.vendor_admin,
        program=ecosystem.program,
        partner_type=PartnerType.RESELLER,
        tier=ecosystem.silver,
        channel_manager=ecosystem.channel_manager,
    )

    assert (membership.status, membership.tier, membership.channel_manager) == (
        MembershipStatus.APPLIED,
        ecosystem.silver,
        ecosystem.channel_manager,
    )
    event = ActivityEvent.objects.get(verb="membership.created")
    assert (event.organization_id, event.data) == (
        ecosystem.partner_c.pk,
        {"program": "Resellers", "status": "applied", "tier": "Silver"},
    )
    assert AuditEntry.objects.get(action="create").organization_id == (
        ecosystem.partner_c.pk
    )


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"tier": "other"}, {"tier": ["This tier belongs to another program."]}),
        (
            {"partner_type": PartnerType.MSP},
            {"partner_type": ["This program does not accept this partner type."]},
        ),
        (
            {"status": MembershipStatus.SUSPENDED},
            {"status": ["A new membership is either applied or active."]},
        ),
        (
            {"channel_manager": "rep"},
            {"channel_manager": ["Choose one of the vendor's channel managers."]},
        ),
    ],
)
def test_invalid_membership_is_refused_by_field(
    ecosystem: Any, changes: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    values = {"partner_type": PartnerType.RESELLER} | changes
    if values.get("tier") == "other":
        values["tier"] = TierFactory(program=ecosystem.other_program, rank=1)
    if values.get("channel_manager") == "rep":
        values["channel_manager"] = ecosystem.partner_a_rep

    with pytest.raises(ValidationError) as error:
        services.add_membership(
            ecosystem.partner_c,
            actor=ecosystem.vendor_admin,
            program=ecosystem.program,
            **values,
        )

    assert error.value.message_dict == errors
    assert not ProgramMembership.objects.filter(
        organization=ecosystem.partner_c, program=ecosystem.program
    ).exists()


def test_second_membership_of_the_same_program_is_refused(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.add_membership(
            ecosystem.partner_a,
            actor=ecosystem.vendor_admin,
            program=ecosystem.program,
            partner_type=PartnerType.RESELLER,
        )

    assert error.value.message_dict == {
        "program": ["This organization is already in this program."]
    }


def test_channel_manager_may_not_add_to_a_program_they_do_not_manage(
    ecosystem: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        services.add_membership(
            ecosystem.partner_a,
            actor=ecosystem.channel_manager,
            program=ecosystem.other_program,
            partner_type=PartnerType.RESELLER,
        )

    assert ecosystem.partner_a.memberships.count() == 1


def test_channel_manager_suspends_a_membership(ecosystem: Any) -> None:
    membership = _membership(ecosystem)

    changed = services.change_membership(
        membership, actor=ecosystem.channel_manager, status=MembershipStatus.SUSPENDED
    )

    assert changed.status == MembershipStatus.SUSPENDED
    assert changed.status_changed_at is not None
    event = ActivityEvent.objects.get(verb="membership.status_changed")
    assert event.data == {"program": "Resellers", "from": "active", "to": "suspended"}
    assert event.organization_id == ecosystem.partner_a.pk
    audit = AuditEntry.objects.get(action="update")
    assert (audit.before["status"], audit.after["status"]) == ("active", "suspended")


def test_status_change_outside_the_transitions_is_refused(ecosystem: Any) -> None:
    membership = ProgramMembership.objects.create(
        organization=ecosystem.partner_c,
        program=ecosystem.program,
        partner_type=PartnerType.RESELLER,
        status=MembershipStatus.APPLIED,
    )

    with pytest.raises(ValidationError) as error:
        services.change_membership(
            membership,
            actor=ecosystem.vendor_admin,
            status=MembershipStatus.SUSPENDED,
            tier=ecosystem.gold,
        )

    assert error.value.message_dict == {
        "status": ["A membership cannot go from Applied to Suspended."]
    }
    membership.refresh_from_db()
    assert (membership.status, membership.tier) == (MembershipStatus.APPLIED, None)
    assert not AuditEntry.objects.exists()


def test_unknown_status_is_refused(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.change_membership(
            _membership(ecosystem), actor=ecosystem.vendor_admin, status="promoted"
        )

    assert error.value.message_dict == {
        "status": ["“promoted” is not a membership status."]
    }


def test_tier_change_records_its_own_event(ecosystem: Any) -> None:
    services.change_membership(
        _membership(ecosystem), actor=ecosystem.vendor_admin, tier=ecosystem.silver
    )

    event = ActivityEvent.objects.get(verb="membership.tier_changed")
    assert event.data == {"program": "Resellers", "from": "Gold", "to": "Silver"}
    assert not ActivityEvent.objects.filter(verb="membership.status_changed").exists()


def test_tier_of_another_program_is_refused(ecosystem: Any) -> None:
    referral_tier = TierFactory(program=ecosystem.other_program, rank=1)

    with pytest.raises(ValidationError) as error:
        services.change_membership(
            _membership(ecosystem), actor=ecosystem.vendor_admin, tier=referral_tier
        )

    assert error.value.message_dict == {
        "tier": ["This tier belongs to another program."]
    }
    assert _membership(ecosystem).tier == ecosystem.gold


def test_channel_manager_may_not_change_a_membership_of_another_program(
    ecosystem: Any,
) -> None:
    membership = _membership(ecosystem, "partner_c")

    with pytest.raises(PermissionDenied):
        services.change_membership(
            membership, actor=ecosystem.channel_manager, status=MembershipStatus.ENDED
        )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_partner_admin_may_not_change_own_membership(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.change_membership(
            _membership(ecosystem), actor=ecosystem.partner_a_admin, tier=None
        )

    assert _membership(ecosystem).tier == ecosystem.gold


# Programs and tiers


def test_vendor_admin_creates_a_program_with_managers(ecosystem: Any) -> None:
    program = services.create_program(
        actor=ecosystem.vendor_admin,
        name="Managed services",
        partner_types=[PartnerType.MSP, PartnerType.MSP],
        managers=[ecosystem.channel_manager],
    )

    assert (program.slug, program.partner_types) == ("managed-services", ["msp"])
    assert list(program.managers.all()) == [ecosystem.channel_manager]
    assert ActivityEvent.objects.get(verb="program.created").data == {
        "name": "Managed services"
    }
    assert AuditEntry.objects.get(action="create").after["managers"] == [
        ecosystem.channel_manager.pk
    ]


def test_program_slug_is_made_unique(ecosystem: Any) -> None:
    program = services.create_program(actor=ecosystem.vendor_admin, name="Resellers!")

    assert program.slug == "resellers-2"


def test_program_name_is_unique(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_program(actor=ecosystem.vendor_admin, name="Resellers")

    assert list(error.value.message_dict) == ["name"]


def test_channel_manager_may_not_create_or_change_programs(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_program(actor=ecosystem.channel_manager, name="Mine")
    with pytest.raises(PermissionDenied):
        services.update_program(
            ecosystem.program, actor=ecosystem.channel_manager, name="Renamed"
        )

    assert list(Program.objects.values_list("name", flat=True)) == [
        "Referral",
        "Resellers",
    ]


def test_partner_type_in_use_stays_accepted(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.update_program(
            ecosystem.program,
            actor=ecosystem.vendor_admin,
            partner_types=[PartnerType.SYSTEMS_INTEGRATOR],
        )

    assert error.value.message_dict == {
        "partner_types": ["Members of this program are still of type Reseller."]
    }
    ecosystem.program.refresh_from_db()
    assert ecosystem.program.partner_types == ["reseller", "systems_integrator"]


def test_only_channel_managers_manage_programs(ecosystem: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.update_program(
            ecosystem.program,
            actor=ecosystem.vendor_admin,
            managers=[ecosystem.partner_a_admin],
        )

    assert list(error.value.message_dict) == ["managers"]
    assert list(ecosystem.program.managers.all()) == [ecosystem.channel_manager]


def test_vendor_admin_adds_and_renames_tiers(ecosystem: Any) -> None:
    platinum = services.create_tier(
        ecosystem.program, actor=ecosystem.vendor_admin, name="Platinum", rank=3
    )
    services.update_tier(platinum, actor=ecosystem.vendor_admin, name="Diamond")

    assert list(
        Tier.objects.filter(program=ecosystem.program).values_list("name", "rank")
    ) == [("Silver", 1), ("Gold", 2), ("Diamond", 3)]
    assert [e.verb for e in ActivityEvent.objects.order_by("id")] == [
        "tier.created",
        "tier.updated",
    ]


@pytest.mark.parametrize(
    ("name", "rank", "errors"),
    [
        ("Bronze", 2, {"rank": ["Another tier of this program has rank 2."]}),
        ("gold", 5, {"name": ["Another tier of this program has this name."]}),
    ],
)
def test_tier_rank_and_name_are_unique_in_a_program(
    ecosystem: Any, name: str, rank: int, errors: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_tier(
            ecosystem.program, actor=ecosystem.vendor_admin, name=name, rank=rank
        )

    assert error.value.message_dict == errors
    assert ecosystem.program.tiers.count() == 2


def test_channel_manager_may_not_change_tiers(ecosystem: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_tier(ecosystem.gold, actor=ecosystem.channel_manager, rank=9)
    with pytest.raises(PermissionDenied):
        services.create_tier(
            ecosystem.program, actor=ecosystem.channel_manager, name="X", rank=9
        )

    ecosystem.gold.refresh_from_db()
    assert ecosystem.gold.rank == 2
    assert ecosystem.program.tiers.count() == 2


# Activity


def test_own_user_activity_marks_the_organization_active(ecosystem: Any) -> None:
    event = record_event(
        "content.viewed",
        actor=ecosystem.partner_a_rep,
        organization_id=ecosystem.partner_a.pk,
    )

    mark_organization_active(event)

    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.last_active_at == event.occurred_at


def test_vendor_activity_on_a_partner_does_not_mark_it_active(ecosystem: Any) -> None:
    event = record_event(
        "organization.updated",
        actor=ecosystem.vendor_admin,
        organization_id=ecosystem.partner_a.pk,
    )

    mark_organization_active(event)

    ecosystem.partner_a.refresh_from_db()
    assert ecosystem.partner_a.last_active_at is None
