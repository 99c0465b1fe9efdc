import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.accounts import services
from cairn.accounts.choices import InvitationStatus
from cairn.accounts.models import Invitation, hash_secret
from cairn.accounts.tasks import expire_invitations_task
from cairn.accounts.tests.factories import UserFactory, invitation_with_key
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db


def _verbs() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("verb", flat=True))


# invite_user ----------------------------------------------------------------------


def test_partner_admin_invites_a_colleague_and_the_email_leaves_after_commit(
    ecosystem, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://partners.example.com"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, raw_key = services.invite_user(
            " New.Person@Alpha.example ",
            organization=ecosystem.partner_a,
            role=Role.PARTNER_REP,
            actor=ecosystem.partner_a_admin,
        )
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    invitation.refresh_from_db()
    assert invitation.email == "new.person@alpha.example"
    assert invitation.organization == ecosystem.partner_a
    assert invitation.invited_by == ecosystem.partner_a_admin
    assert invitation.key_hash == hash_secret(raw_key)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@alpha.example"]
    assert "Alpha Systems" in message.subject
    assert f"https://partners.example.com/invitations/{raw_key}/" in message.body
    assert "Ada Admin" in message.body
    assert _verbs() == ["invitation.sent"]
    entry = AuditEntry.objects.get(target_id=str(invitation.pk))
    assert entry.action == "create"
    assert raw_key not in str(entry.after)
    assert "key_hash" not in entry.after


def test_invite_refuses_a_person_who_belongs_to_another_organization(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.invite_user(
            "bo@beta.example",
            organization=ecosystem.partner_a,
            role=Role.PARTNER_REP,
            actor=ecosystem.partner_a_admin,
        )

    assert error.value.message_dict == {
        "email": ["This person already belongs to another organization."]
    }
    assert Invitation.objects.count() == 0
    assert _verbs() == []


def test_invite_refuses_a_current_member(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.invite_user(
            "rex@alpha.example",
            organization=ecosystem.partner_a,
            role=Role.PARTNER_ADMIN,
            actor=ecosystem.partner_a_admin,
        )

    assert error.value.message_dict == {
        "email": ["This person is already a member of the team."]
    }
    assert Invitation.objects.count() == 0


def test_invite_refuses_a_second_open_invitation(ecosystem):
    services.invite_user(
        "new@alpha.example",
        organization=ecosystem.partner_a,
        role=Role.PARTNER_REP,
        actor=ecosystem.partner_a_admin,
    )

    with pytest.raises(ValidationError) as error:
        services.invite_user(
            "NEW@alpha.example",
            organization=ecosystem.partner_a,
            role=Role.PARTNER_ADMIN,
            actor=ecosystem.partner_a_admin,
        )

    assert "email" in error.value.message_dict
    assert Invitation.objects.count() == 1
    assert _verbs() == ["invitation.sent"]


def test_invite_closes_an_expired_invitation_and_sends_a_new_one(ecosystem):
    old, _ = invitation_with_key(
        email="late@alpha.example",
        organization=ecosystem.partner_a,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )

    new, _ = services.invite_user(
        "late@alpha.example",
        organization=ecosystem.partner_a,
        role=Role.PARTNER_REP,
        actor=ecosystem.partner_a_admin,
    )

    old.refresh_from_db()
    assert old.expired_at is not None
    assert old.status == InvitationStatus.EXPIRED
    assert new.status == InvitationStatus.PENDING
    assert _verbs() == ["invitation.expired", "invitation.sent"]


@pytest.mark.parametrize(
    ("organization_attribute", "role"),
    [("partner_a", Role.CHANNEL_MANAGER), (None, Role.PARTNER_ADMIN)],
)
def test_invite_refuses_a_role_that_does_not_fit_the_organization(
    ecosystem, organization_attribute, role
):
    organization = (
        getattr(ecosystem, organization_attribute) if organization_attribute else None
    )

    with pytest.raises(ValidationError) as error:
        services.invite_user(
            "someone@example.com",
            organization=organization,
            role=role,
            actor=ecosystem.vendor_admin,
        )

    assert list(error.value.message_dict) == ["role"]
    assert Invitation.objects.count() == 0


def test_invite_refuses_an_invalid_address(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.invite_user(
            "not-an-address",
            organization=ecosystem.partner_a,
            role=Role.PARTNER_REP,
            actor=ecosystem.partner_a_admin,
        )

    assert list(error.value.message_dict) == ["email"]


@pytest.mark.parametrize(
    ("actor", "organization"),
    [
        ("partner_a_rep", "partner_a"),
        ("partner_a_admin", "partner_b"),
        ("channel_manager", "partner_c"),
        ("partner_a_admin", None),
        ("channel_manager", None),
    ],
)
def test_invite_is_denied_to_those_who_do_not_manage_the_team(
    ecosystem, actor, organization
):
    with pytest.raises(PermissionDenied):
        services.invite_user(
            "someone@example.com",
            organization=getattr(ecosystem, organization) if organization else None,
            role=Role.PARTNER_REP if organization else Role.CHANNEL_MANAGER,
            actor=getattr(ecosystem, actor),
        )

    assert Invitation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_channel_manager_invites_the_first_admin_of_a_managed_partner(ecosystem):
    invitation, _ = services.invite_user(
        "boss@alpha.example",
        organization=ecosystem.partner_a,
        role=Role.PARTNER_ADMIN,
        actor=ecosystem.channel_manager,
    )

    assert invitation.role == Role.PARTNER_ADMIN
    assert invitation.invited_by == ecosystem.channel_manager


def test_vendor_admin_invites_vendor_staff(ecosystem):
    invitation, _ = services.invite_user(
        "new.cm@vendor.example",
        organization=None,
        role=Role.CHANNEL_MANAGER,
        actor=ecosystem.vendor_admin,
    )

    assert invitation.organization is None
    assert invitation.role == Role.CHANNEL_MANAGER
    with pytest.raises(ValidationError):
        services.invite_user(
            "new.cm@vendor.example",
            organization=None,
            role=Role.VENDOR_ADMIN,
            actor=ecosystem.vendor_admin,
        )


# revoke and resend ----------------------------------------------------------------


def test_revoke_closes_the_invitation(ecosystem):
    invitation, raw_key = invitation_with_key(organization=ecosystem.partner_a)

    services.revoke_invitation(invitation, actor=ecosystem.partner_a_admin)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert _verbs() == ["invitation.revoked"]
    user = UserFactory.create(email=invitation.email, role="")
    with pytest.raises(services.InvitationClosedError) as error:
        services.accept_invitation(raw_key, user=user)
    assert error.value.status == InvitationStatus.REVOKED


def test_revoke_is_denied_to_a_rep_and_changes_nothing(ecosystem):
    invitation, _ = invitation_with_key(organization=ecosystem.partner_a)

    with pytest.raises(PermissionDenied):
        services.revoke_invitation(invitation, actor=ecosystem.partner_a_rep)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert _verbs() == []


def test_revoke_refuses_an_accepted_invitation(ecosystem):
    invitation, _ = invitation_with_key(
        organization=ecosystem.partner_a,
        accepted_at=timezone.now(),
        accepted_by=ecosystem.partner_a_rep,
    )

    with pytest.raises(ValidationError):
        services.revoke_invitation(invitation, actor=ecosystem.partner_a_admin)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_resend_gives_a_new_key_and_expiry_and_the_old_link_stops_working(
    ecosystem, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(days=20)
    invitation, old_key = invitation_with_key(
        organization=ecosystem.partner_a,
        created_at=long_ago,
        expires_at=long_ago + datetime.timedelta(days=14),
        expired_at=long_ago + datetime.timedelta(days=14),
    )

    with django_capture_on_commit_callbacks(execute=True):
        invitation, new_key = services.resend_invitation(
            invitation, actor=ecosystem.partner_a_admin
        )

    assert new_key != old_key
    assert invitation.key_hash == hash_secret(new_key)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert len(mail.outbox) == 1
    assert f"/invitations/{new_key}/" in mail.outbox[0].body
    user = UserFactory.create(email=invitation.email, role="")
    with pytest.raises(ValidationError):
        services.accept_invitation(old_key, user=user)


def test_resend_refuses_a_revoked_invitation(ecosystem):
    invitation, _ = invitation_with_key(
        organization=ecosystem.partner_a, revoked_at=timezone.now()
    )

    with pytest.raises(services.InvitationClosedError):
        services.resend_invitation(invitation, actor=ecosystem.partner_a_admin)


# expiry task ------------------------------------------------------------------------


def test_expire_invitations_task_closes_those_past_expiry_once(ecosystem):
    now = timezone.now()
    for email in ("a@example.com", "b@example.com"):
        invitation_with_key(
            email=email,
            organization=ecosystem.partner_a,
            expires_at=now - datetime.timedelta(hours=1),
        )
    pending, _ = invitation_with_key(
        email="c@example.com",
        organization=ecosystem.partner_a,
        expires_at=now + datetime.timedelta(days=1),
    )
    invitation_with_key(
        email="d@example.com",
        organization=ecosystem.partner_a,
        expires_at=now - datetime.timedelta(hours=1),
        accepted_at=now - datetime.timedelta(days=2),
    )

    first = expire_invitations_task.enqueue()
    second = expire_invitations_task.enqueue()

    assert (first.return_value, second.return_value) == (2, 0)
    assert Invitation.objects.filter(expired_at__isnull=False).count() == 2
    pending.refresh_from_db()
    assert pending.expired_at is None
    assert _verbs() == ["invitation.expired", "invitation.expired"]


def test_an_invitation_expires_after_the_configured_days(ecosystem, settings):
    settings.INVITATION_VALID_DAYS = 3
    invitation, _ = services.invite_user(
        "soon@alpha.example",
        organization=ecosystem.partner_a,
        role=Role.PARTNER_REP,
        actor=ecosystem.partner_a_admin,
    )

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, seconds=1)):
        assert invitation.status == InvitationStatus.EXPIRED
        assert services.expire_invitations() == 1
