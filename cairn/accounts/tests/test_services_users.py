import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.accounts import services
from cairn.accounts.tests.factories import UserFactory
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db


def _verbs() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("verb", flat=True))


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
