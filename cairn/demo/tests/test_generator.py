import datetime
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from cairn.accounts.models import User
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.core.roles import Role
from cairn.deals.models import DealRegistration, DirectOpportunity
from cairn.demo import blueprint, data
from cairn.demo.generator import EcosystemExistsError, generate_ecosystem
from cairn.demo.personas import demo_personas
from cairn.learning.models import (
    Assessment,
    Certification,
    Course,
    CourseProgress,
    LearningPath,
    Question,
)
from cairn.partners.choices import MembershipStatus
from cairn.partners.models import (
    Industry,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Specialization,
    Tier,
)


def _fingerprint() -> dict[str, Any]:
    return {
        "organizations": list(
            PartnerOrganization.objects.order_by("pk").values_list(
                "name", "legal_name", "city", "street", "latitude", "size", "languages"
            )
        ),
        "users": list(
            User.objects.order_by("pk").values_list("email", "full_name", "role")
        ),
        "memberships": list(
            ProgramMembership.objects.order_by("pk").values_list(
                "organization__name", "program__slug", "tier__name", "status"
            )
        ),
        "events": list(
            # Deal and learning events name rows by id; test_deals.py and
            # test_learning.py check those steps.
            ActivityEvent.objects.exclude(verb__startswith="deal.")
            .exclude(target_type__app_label="learning")
            .order_by("pk")
            .values_list("verb", "target_repr")
        ),
    }


def _delete_everything() -> None:
    Certification.objects.all().delete()
    Assessment.objects.all().delete()
    Question.objects.all().delete()
    CourseProgress.objects.all().delete()
    LearningPath.objects.all().delete()
    Course.objects.all().delete()
    DealRegistration.objects.all().delete()
    DirectOpportunity.objects.all().delete()
    ActivityEvent.objects.all().delete()
    AuditEntry.objects.all().delete()
    EmailAddress.objects.all().delete()
    User.objects.all().delete()
    PartnerOrganization.objects.all().delete()
    Tier.objects.all().delete()
    Program.objects.all().delete()
    Specialization.objects.all().delete()
    Industry.objects.all().delete()


def test_the_same_seed_generates_the_same_ecosystem(db: None) -> None:
    generate_ecosystem(seed=7, partners=20, users_per_partner=4)
    first = _fingerprint()
    _delete_everything()

    generate_ecosystem(seed=7, partners=20, users_per_partner=4)

    assert _fingerprint() == first
    assert len(first["organizations"]) == 20


def test_the_same_seed_generates_the_same_partners_on_any_day(db: None) -> None:
    # A Saturday and a Tuesday: the day of the run must not change the partners.
    with time_machine.travel(datetime.datetime(2026, 3, 7, 12, tzinfo=datetime.UTC)):
        generate_ecosystem(seed=7, partners=20, users_per_partner=4)
    saturday = _fingerprint()
    _delete_everything()

    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)):
        generate_ecosystem(seed=7, partners=20, users_per_partner=4)
    tuesday = _fingerprint()

    for part in ("organizations", "users", "memberships"):
        assert tuesday[part] == saturday[part]


def test_another_seed_generates_other_partners(db: None) -> None:
    generate_ecosystem(seed=7, partners=20, users_per_partner=4)
    first = _fingerprint()
    _delete_everything()

    generate_ecosystem(seed=8, partners=20, users_per_partner=4)

    names = {row[0] for row in _fingerprint()["organizations"]}
    assert names != {row[0] for row in first["organizations"]}


def test_a_small_ecosystem_has_the_counts_asked_for(db: None) -> None:
    summary = generate_ecosystem(seed=1, partners=20, users_per_partner=4)

    assert PartnerOrganization.objects.count() == 20
    assert User.objects.filter(organization__isnull=False).count() == 80
    assert User.objects.filter(organization__isnull=True).count() == 10
    assert summary.partners == 20
    assert summary.users == 80
    assert summary.vendor_users == 10
    # The first quarter of the partners go to distinct countries.
    assert summary.countries >= 5
    assert summary.countries == len(
        set(PartnerOrganization.objects.values_list("country", flat=True))
    )


def test_the_default_ecosystem_is_worldwide(db: None) -> None:
    summary = generate_ecosystem(seed=42, partners=200, users_per_partner=10)

    assert summary.partners == 200
    assert summary.users == 2000
    assert summary.countries >= 30
    assert set(PartnerOrganization.objects.values_list("region", flat=True)) == {
        "na",
        "latam",
        "emea",
        "apac",
    }
    assert list(Program.objects.values_list("name", flat=True)) == [
        "Managed Services",
        "Referral",
        "Resellers",
    ]
    assert list(
        Tier.objects.filter(program__slug="resellers").values_list("name", flat=True)
    ) == ["Registered", "Silver", "Gold", "Platinum"]
    statuses = set(ProgramMembership.objects.values_list("status", flat=True))
    assert statuses == set(MembershipStatus.values)
    assert Specialization.objects.count() == 12
    assert Industry.objects.count() == 10
    assert User.objects.filter(role=Role.CHANNEL_MANAGER).count() == 8
    assert User.objects.filter(role=Role.VENDOR_ADMIN).count() == 2


def test_organizations_are_consistent(db: None) -> None:
    generate_ecosystem(seed=3, partners=30, users_per_partner=5)
    cities = {(city.name, city.country): city for city in data.cities()}

    for org in PartnerOrganization.objects.prefetch_related(
        "email_domains", "users", "memberships__program", "memberships__tier"
    ):
        domain = org.email_domains.get().domain
        city = cities[(org.city, org.country.code)]
        assert domain.endswith(".example")
        assert org.website == f"https://www.{domain}"
        assert org.region == city.region
        assert abs(org.latitude - city.latitude) <= 0.03
        assert abs(org.longitude - city.longitude) <= 0.03
        assert org.users.filter(role=Role.PARTNER_ADMIN).exists()
        assert all(user.email.endswith(f"@{domain}") for user in org.users.all())
        memberships = list(org.memberships.all())
        assert 1 <= len(memberships) <= 2
        for membership in memberships:
            assert membership.partner_type in membership.program.partner_types
            if membership.status == MembershipStatus.APPLIED:
                assert membership.tier is None
            else:
                assert membership.tier.program_id == membership.program_id


def test_every_demo_user_can_sign_in_with_a_verified_address(db: None) -> None:
    generate_ecosystem(seed=4, partners=10, users_per_partner=3)

    users = User.objects.all()
    verified = set(
        EmailAddress.objects.filter(verified=True, primary=True).values_list(
            "user__email", "email"
        )
    )
    assert verified == {(user.email, user.email) for user in users}
    assert len({user.password for user in users}) == 1
    assert users.first().check_password(blueprint.DEMO_PASSWORD)


def test_the_personas_have_their_roles(db: None) -> None:
    generate_ecosystem(seed=42, partners=12, users_per_partner=3)

    logins = {login.key: login.email for login in demo_personas()}

    assert list(logins) == [
        "vendor_admin",
        "channel_manager",
        "partner_admin",
        "partner_rep",
        "other_partner_rep",
    ]
    users = {email: User.objects.get(email=email) for email in logins.values()}
    admin = users["admin@cairn.example"]
    assert (admin.role, admin.is_staff, admin.is_superuser) == (
        Role.VENDOR_ADMIN,
        True,
        True,
    )
    manager = users["cm@cairn.example"]
    assert manager.role == Role.CHANNEL_MANAGER
    assert list(manager.managed_programs.values_list("name", flat=True)) == [
        "Resellers"
    ]
    partner_admin = users[logins["partner_admin"]]
    partner_rep = users[logins["partner_rep"]]
    other_rep = users[logins["other_partner_rep"]]
    assert logins["partner_admin"].startswith("admin@")
    assert logins["partner_rep"].startswith("rep@")
    assert logins["other_partner_rep"].startswith("rep@")
    assert partner_admin.role == Role.PARTNER_ADMIN
    assert partner_rep.role == Role.PARTNER_REP
    assert other_rep.role == Role.PARTNER_REP
    assert partner_rep.organization_id == partner_admin.organization_id
    assert other_rep.organization_id != partner_admin.organization_id
    assert all(user.is_active for user in users.values())
    assert all(user.check_password("cairn-demo-2026") for user in users.values())
    # The channel manager sees both persona partners, not every partner.
    managed = PartnerOrganization.objects.visible_to(manager)
    assert {partner_admin.organization_id, other_rep.organization_id} <= set(
        managed.values_list("pk", flat=True)
    )
    assert managed.count() < PartnerOrganization.objects.count()


def test_history_covers_the_last_90_days_with_an_event_for_each_audit_entry(
    db: None,
) -> None:
    generate_ecosystem(seed=5, partners=20, users_per_partner=4)
    now = timezone.now()

    # The deals and learning steps write through the services, at the moment they
    # run: see test_deals.py and test_learning.py.
    events = list(
        ActivityEvent.objects.exclude(verb__startswith="deal.").exclude(
            target_type__app_label="learning"
        )
    )
    entries = list(
        AuditEntry.objects.exclude(target_type__app_label__in=["deals", "learning"])
    )

    assert events
    assert entries
    assert all(
        now - datetime.timedelta(days=91) <= e.occurred_at <= now for e in events
    )
    keys = {(e.occurred_at, e.actor_id, e.target_id) for e in events}
    assert all((a.occurred_at, a.actor_id, a.target_id) in keys for a in entries)
    for org in PartnerOrganization.objects.filter(last_active_at__isnull=False):
        assert ActivityEvent.objects.filter(
            organization_id=org.pk, occurred_at=org.last_active_at
        ).exists()


def test_it_refuses_a_database_with_partners(db: None) -> None:
    generate_ecosystem(seed=1, partners=4, users_per_partner=2)

    with pytest.raises(EcosystemExistsError):
        generate_ecosystem(seed=2, partners=4, users_per_partner=2)

    assert PartnerOrganization.objects.count() == 4


@pytest.mark.parametrize(("partners", "users"), [(1, 10), (10, 1)])
def test_it_refuses_too_small_an_ecosystem(db: None, partners: int, users: int) -> None:
    with pytest.raises(ValueError, match="at least two"):
        generate_ecosystem(seed=1, partners=partners, users_per_partner=users)

    assert not PartnerOrganization.objects.exists()
    assert not User.objects.exists()
