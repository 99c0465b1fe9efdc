import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.accounts import services
from cairn.accounts.choices import InvitationStatus
from cairn.accounts.models import Invitation, User
from cairn.accounts.tests.factories import UserFactory, invitation_with_key
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db


def _verbs() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("verb", flat=True))


# accept_invitation ----------------------------------------------------------------


def test_accept_makes_the_user_join_in_the_invited_role(ecosystem):
    user = UserFactory.create(email="joiner@example.com", role="")
    invitation, raw_key = invitation_with_key(
        email="joiner@example.com",
        organization=ecosystem.partner_a,
        role=Role.PARTNER_ADMIN,
        invited_by=ecosystem.partner_a_admin,
    )

    services.accept_invitation(raw_key, user=user)

    user.refresh_from_db()
    invitation.refresh_from_db()
    assert user.organization == ecosystem.partner_a
    assert user.role == Role.PARTNER_ADMIN
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == user
    assert EmailAddress.objects.get(user=user).verified is True
    assert _verbs() == ["invitation.accepted"]


def test_accepting_twice_counts_once(ecosystem):
    user = UserFactory.create(email="joiner@example.com", role="")
    _, raw_key = invitation_with_key(
        email="joiner@example.com", organization=ecosystem.partner_a
    )

    services.accept_invitation(raw_key, user=user)
    services.accept_invitation(raw_key, user=user)

    assert _verbs() == ["invitation.accepted"]
    assert AuditEntry.objects.filter(target_id=str(user.pk)).count() == 1


def test_accept_by_someone_else_is_denied_and_changes_nothing(ecosystem):
    _, raw_key = invitation_with_key(
        email="joiner@example.com", organization=ecosystem.partner_a
    )
    intruder = UserFactory.create(email="intruder@example.com", role="")

    with pytest.raises(PermissionDenied):
        services.accept_invitation(raw_key, user=intruder)

    intruder.refresh_from_db()
    assert intruder.organization is None
    assert Invitation.objects.get().accepted_at is None
    assert _verbs() == []


def test_an_invitation_used_by_one_person_is_closed_to_another(ecosystem):
    first = UserFactory.create(email="joiner@example.com", role="")
    invitation, raw_key = invitation_with_key(
        email="joiner@example.com", organization=ecosystem.partner_a
    )
    services.accept_invitation(raw_key, user=first)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=None)

    with pytest.raises(services.InvitationClosedError) as error:
        services.accept_invitation(raw_key, user=first)

    assert error.value.status == InvitationStatus.ACCEPTED


def test_accept_refuses_an_expired_invitation(ecosystem):
    user = UserFactory.create(email="joiner@example.com", role="")
    _, raw_key = invitation_with_key(
        email="joiner@example.com",
        organization=ecosystem.partner_a,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    with pytest.raises(services.InvitationClosedError) as error:
        services.accept_invitation(raw_key, user=user)

    assert error.value.status == InvitationStatus.EXPIRED
    user.refresh_from_db()
    assert user.organization is None


def test_accept_refuses_a_member_of_another_organization(ecosystem):
    _, raw_key = invitation_with_key(
        email="bo@beta.example", organization=ecosystem.partner_a
    )

    with pytest.raises(ValidationError):
        services.accept_invitation(raw_key, user=ecosystem.partner_b_rep)

    ecosystem.partner_b_rep.refresh_from_db()
    assert ecosystem.partner_b_rep.organization == ecosystem.partner_b
    assert _verbs() == []


def test_accept_refuses_an_unknown_key(ecosystem):
    with pytest.raises(ValidationError):
        services.accept_invitation("no-such-key", user=ecosystem.partner_a_rep)


def test_sign_up_by_invitation_creates_a_verified_member(ecosystem):
    invitation, raw_key = invitation_with_key(
        email="fresh@alpha.example", organization=ecosystem.partner_a
    )

    user = services.sign_up_by_invitation(
        raw_key, full_name=" Fresh Face ", password="a-long-enough-passphrase"
    )

    assert user.email == "fresh@alpha.example"
    assert user.full_name == "Fresh Face"
    assert user.organization == ecosystem.partner_a
    assert user.role == Role.PARTNER_REP
    assert user.check_password("a-long-enough-passphrase")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "fresh@alpha.example",
        True,
        True,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert _verbs() == ["invitation.accepted"]


def test_sign_up_by_invitation_refuses_a_weak_password_and_creates_nothing(
    ecosystem,
):
    invitation, raw_key = invitation_with_key(
        email="fresh@alpha.example", organization=ecosystem.partner_a
    )

    with pytest.raises(ValidationError) as error:
        services.sign_up_by_invitation(raw_key, full_name="Fresh", password="short")

    assert list(error.value.message_dict) == ["password"]
    assert not User.objects.filter(email="fresh@alpha.example").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_sign_up_by_invitation_refuses_an_existing_account(ecosystem):
    _, raw_key = invitation_with_key(
        email="rex@alpha.example", organization=ecosystem.partner_a
    )

    with pytest.raises(ValidationError) as error:
        services.sign_up_by_invitation(
            raw_key, full_name="Rex", password="a-long-enough-passphrase"
        )

    assert list(error.value.message_dict) == ["email"]
