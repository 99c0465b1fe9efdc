from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.models import ActivityEvent, AuditEntry
from cairn.partners import services
from cairn.partners.choices import PartnerType
from cairn.partners.models import Program, Tier


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
