from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cairn.core.events import record_event
from cairn.core.models import ActivityEvent, AuditEntry
from cairn.partners import services
from cairn.partners.choices import Region
from cairn.partners.consumers import mark_organization_active
from cairn.partners.models import OrganizationEmailDomain, PartnerOrganization
from cairn.partners.tests.factories import SpecializationFactory

NEW_PARTNER = {
    "name": "Delta Cloud",
    "legal_name": "Delta Cloud GmbH",
    "country": "DE",
    "region": Region.EMEA,
    "city": "Hamburg",
}


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
    # The modification time is no change of substance and is left out.
    assert audit.before == {"website": "https://alphasystems.example", "street": ""}
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
