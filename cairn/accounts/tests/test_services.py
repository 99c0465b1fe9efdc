import datetime
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.accounts import services
from cairn.accounts.choices import InvitationStatus
from cairn.accounts.models import ApiToken, Invitation, User, hash_secret
from cairn.accounts.tasks import expire_invitations_task
from cairn.accounts.tests.factories import (
    UserFactory,
    api_token_with_secret,
    invitation_with_key,
)
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


# join_organization_by_domain --------------------------------------------------------


def _verified(user, *, verified=True):
    EmailAddress.objects.create(
        user=user, email=user.email, verified=verified, primary=True
    )
    return user


def test_a_verified_address_at_the_domain_joins_as_rep(ecosystem):
    ecosystem.partner_a.allows_domain_join = True
    ecosystem.partner_a.save()
    user = _verified(UserFactory.create(email="newbie@alpha.example", role=""))

    organization = services.join_organization_by_domain(user)

    user.refresh_from_db()
    assert organization == ecosystem.partner_a
    assert (user.organization, user.role) == (ecosystem.partner_a, Role.PARTNER_REP)
    event = ActivityEvent.objects.get()
    assert (event.verb, event.organization_id, event.actor_id) == (
        "user.joined_by_domain",
        ecosystem.partner_a.pk,
        user.pk,
    )


@pytest.mark.parametrize(
    ("allows_domain_join", "verified", "email"),
    [
        (False, True, "newbie@alpha.example"),
        (True, False, "newbie@alpha.example"),
        (True, True, "newbie@elsewhere.example"),
    ],
)
def test_no_domain_join_without_consent_verification_or_a_known_domain(
    ecosystem, allows_domain_join, verified, email
):
    ecosystem.partner_a.allows_domain_join = allows_domain_join
    ecosystem.partner_a.save()
    user = _verified(UserFactory.create(email=email, role=""), verified=verified)

    assert services.join_organization_by_domain(user) is None

    user.refresh_from_db()
    assert (user.organization, user.role) == (None, "")
    assert _verbs() == []


def test_vendor_staff_never_join_by_domain(ecosystem):
    ecosystem.partner_a.allows_domain_join = True
    ecosystem.partner_a.save()
    staff = _verified(
        UserFactory.create(email="odd@alpha.example", role=Role.VENDOR_ADMIN)
    )

    assert services.join_organization_by_domain(staff) is None
    staff.refresh_from_db()
    assert staff.organization is None


# roles, deactivation, profile ---------------------------------------------------


def test_partner_admin_promotes_a_rep(ecosystem):
    services.change_user_role(
        ecosystem.partner_a_rep,
        role=Role.PARTNER_ADMIN,
        actor=ecosystem.partner_a_admin,
    )

    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.role == Role.PARTNER_ADMIN
    event = ActivityEvent.objects.get()
    assert (event.verb, event.data) == (
        "user.role_changed",
        {"from": "partner_rep", "to": "partner_admin"},
    )
    entry = AuditEntry.objects.get()
    assert (entry.before, entry.after) == (
        {"role": "partner_rep"},
        {"role": "partner_admin"},
    )


def test_demoting_the_last_admin_is_a_field_error_and_changes_nothing(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.change_user_role(
            ecosystem.partner_a_admin,
            role=Role.PARTNER_REP,
            actor=ecosystem.vendor_admin,
        )

    assert list(error.value.message_dict) == ["role"]
    ecosystem.partner_a_admin.refresh_from_db()
    assert ecosystem.partner_a_admin.role == Role.PARTNER_ADMIN
    assert _verbs() == []


def test_an_admin_may_be_demoted_when_another_remains(ecosystem):
    services.change_user_role(
        ecosystem.partner_a_rep,
        role=Role.PARTNER_ADMIN,
        actor=ecosystem.partner_a_admin,
    )
    ecosystem.partner_a_rep.refresh_from_db()

    services.change_user_role(
        ecosystem.partner_a_admin, role=Role.PARTNER_REP, actor=ecosystem.partner_a_rep
    )

    ecosystem.partner_a_admin.refresh_from_db()
    assert ecosystem.partner_a_admin.role == Role.PARTNER_REP


def test_nobody_changes_their_own_role(ecosystem):
    with pytest.raises(PermissionDenied):
        services.change_user_role(
            ecosystem.vendor_admin,
            role=Role.CHANNEL_MANAGER,
            actor=ecosystem.vendor_admin,
        )


@pytest.mark.parametrize(
    ("actor", "member"),
    [
        ("partner_a_rep", "partner_a_second_rep"),
        ("partner_a_admin", "partner_b_rep"),
        ("channel_manager", "partner_c_admin"),
        ("channel_manager", "vendor_admin"),
    ],
)
def test_role_change_is_denied_outside_ones_remit_and_changes_nothing(
    ecosystem, actor, member
):
    target = getattr(ecosystem, member)
    before = target.role

    with pytest.raises(PermissionDenied):
        services.change_user_role(
            target, role=Role.PARTNER_ADMIN, actor=getattr(ecosystem, actor)
        )

    target.refresh_from_db()
    assert target.role == before
    assert _verbs() == []


def test_a_partner_user_cannot_get_a_vendor_role(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.change_user_role(
            ecosystem.partner_a_rep,
            role=Role.VENDOR_ADMIN,
            actor=ecosystem.vendor_admin,
        )

    assert list(error.value.message_dict) == ["role"]


def test_deactivate_and_reactivate_a_colleague(ecosystem):
    services.deactivate_user(ecosystem.partner_a_rep, actor=ecosystem.partner_a_admin)
    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.is_active is False

    services.reactivate_user(ecosystem.partner_a_rep, actor=ecosystem.partner_a_admin)
    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.is_active is True
    assert _verbs() == ["user.deactivated", "user.reactivated"]


def test_deactivating_the_last_admin_is_a_field_error(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.deactivate_user(
            ecosystem.partner_a_admin, actor=ecosystem.vendor_admin
        )

    assert list(error.value.message_dict) == ["is_active"]
    ecosystem.partner_a_admin.refresh_from_db()
    assert ecosystem.partner_a_admin.is_active is True


def test_nobody_deactivates_themselves(ecosystem):
    with pytest.raises(PermissionDenied):
        services.deactivate_user(
            ecosystem.partner_a_admin, actor=ecosystem.partner_a_admin
        )

    ecosystem.partner_a_admin.refresh_from_db()
    assert ecosystem.partner_a_admin.is_active is True


def test_a_vendor_admin_makes_another_a_channel_manager(ecosystem):
    second = UserFactory.create(role=Role.VENDOR_ADMIN)

    services.change_user_role(
        second, role=Role.CHANNEL_MANAGER, actor=ecosystem.vendor_admin
    )

    second.refresh_from_db()
    assert second.role == Role.CHANNEL_MANAGER


def test_update_profile(ecosystem):
    services.update_profile(
        ecosystem.partner_a_rep,
        full_name=" Rex T. Rep ",
        job_title="Account executive",
        actor=ecosystem.partner_a_rep,
    )

    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.full_name == "Rex T. Rep"
    assert ecosystem.partner_a_rep.job_title == "Account executive"
    assert _verbs() == ["user.profile_updated"]


def test_update_profile_of_someone_else_is_denied(ecosystem):
    with pytest.raises(PermissionDenied):
        services.update_profile(
            ecosystem.partner_a_rep,
            full_name="Hacked",
            job_title="",
            actor=ecosystem.partner_a_admin,
        )

    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.full_name == "Rex Rep"


def test_update_profile_refuses_a_too_long_title(ecosystem):
    with pytest.raises(ValidationError) as error:
        services.update_profile(
            ecosystem.partner_a_rep,
            full_name="Rex",
            job_title="x" * 121,
            actor=ecosystem.partner_a_rep,
        )

    assert list(error.value.message_dict) == ["job_title"]


# API tokens -----------------------------------------------------------------------


def test_create_api_token_stores_only_a_hash(ecosystem):
    token, raw = services.create_api_token(
        ecosystem.partner_a_rep,
        name=" CRM sync ",
        scopes=["read"],
        expires_in_days=30,
        actor=ecosystem.partner_a_rep,
    )

    assert re.fullmatch(r"cairn_[A-Za-z0-9_-]{43}", raw)
    token.refresh_from_db()
    assert token.name == "CRM sync"
    assert token.prefix == raw[:12]
    assert token.key_hash == hash_secret(raw)
    assert token.scopes == ["read"]
    assert token.expires_at is not None
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)
    assert raw not in str(ApiToken.objects.values().get())
    assert raw not in str(AuditEntry.objects.values().get())
    assert _verbs() == ["api_token.created"]


@pytest.mark.parametrize(
    ("name", "scopes", "days", "fields"),
    [
        ("", ["read"], None, ["name"]),
        ("ok", [], None, ["scopes"]),
        ("ok", ["admin"], None, ["scopes"]),
        ("ok", ["read"], 0, ["expires_in_days"]),
        ("ok", ["read"], 10_000, ["expires_in_days"]),
    ],
)
def test_create_api_token_validates_its_input(ecosystem, name, scopes, days, fields):
    with pytest.raises(ValidationError) as error:
        services.create_api_token(
            ecosystem.partner_a_rep,
            name=name,
            scopes=scopes,
            expires_in_days=days,
            actor=ecosystem.partner_a_rep,
        )

    assert sorted(error.value.message_dict) == fields
    assert ApiToken.objects.count() == 0


def test_nobody_creates_a_token_for_someone_else(ecosystem):
    with pytest.raises(PermissionDenied):
        services.create_api_token(
            ecosystem.partner_a_rep,
            name="x",
            scopes=["read"],
            expires_in_days=None,
            actor=ecosystem.vendor_admin,
        )

    assert ApiToken.objects.count() == 0


def test_revoke_api_token_once(ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    services.revoke_api_token(token, actor=ecosystem.partner_a_rep)
    services.revoke_api_token(token, actor=ecosystem.partner_a_rep)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.is_usable is False
    assert _verbs() == ["api_token.revoked"]


def test_revoking_someone_elses_token_is_denied(ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    with pytest.raises(PermissionDenied):
        services.revoke_api_token(token, actor=ecosystem.partner_a_admin)

    token.refresh_from_db()
    assert token.revoked_at is None


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
