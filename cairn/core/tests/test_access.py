from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cairn.core.access import NotFound, access_object
from cairn.partners.models import PartnerOrganization


def can_rename(actor: Any, organization: Any) -> bool:
    return actor.role == "vendor_admin"


@pytest.mark.parametrize("pk", [999_999, "not-a-number", None])
def test_missing_object_is_not_found(ecosystem: Any, pk: Any) -> None:
    with pytest.raises(NotFound):
        access_object(PartnerOrganization.objects, ecosystem.vendor_admin, pk)


def test_other_partners_object_is_reported_like_a_missing_one(ecosystem: Any) -> None:
    with pytest.raises(NotFound) as forbidden:
        access_object(
            PartnerOrganization.objects, ecosystem.partner_b_rep, ecosystem.partner_a.pk
        )
    with pytest.raises(NotFound) as missing:
        access_object(PartnerOrganization.objects, ecosystem.partner_b_rep, 999_999)

    assert type(forbidden.value) is type(missing.value)
    assert str(forbidden.value) == str(missing.value)


def test_visible_object_without_the_action_right_is_permission_denied(
    ecosystem: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        access_object(
            PartnerOrganization.objects,
            ecosystem.partner_a_rep,
            ecosystem.partner_a.pk,
            action="rename",
            policies={"rename": can_rename},
        )


def test_visible_object_with_the_action_right_is_returned(ecosystem: Any) -> None:
    organization = access_object(
        PartnerOrganization.objects,
        ecosystem.vendor_admin,
        ecosystem.partner_a.pk,
        action="rename",
        policies={"rename": can_rename},
    )

    assert organization == ecosystem.partner_a


def test_action_without_a_policy_is_a_programming_error(ecosystem: Any) -> None:
    with pytest.raises(ValueError, match="no policy for action 'rename'"):
        access_object(
            PartnerOrganization.objects,
            ecosystem.vendor_admin,
            ecosystem.partner_a.pk,
            action="rename",
        )


def test_channel_manager_sees_only_partners_of_managed_programs(ecosystem: Any) -> None:
    visible = set(
        PartnerOrganization.objects.visible_to(ecosystem.channel_manager).values_list(
            "name", flat=True
        )
    )

    assert visible == {"Alpha Systems", "Beta Solutions"}


def test_anonymous_and_inactive_users_see_nothing(ecosystem: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    ecosystem.partner_a_admin.is_active = False

    assert PartnerOrganization.objects.visible_to(AnonymousUser()).count() == 0
    assert (
        PartnerOrganization.objects.visible_to(ecosystem.partner_a_admin).count() == 0
    )
