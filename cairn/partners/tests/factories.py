import factory
from factory.django import DjangoModelFactory

from cairn.partners.choices import MembershipStatus, PartnerType, Region
from cairn.partners.models import (
    Industry,
    OrganizationEmailDomain,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Specialization,
    Tier,
)


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    partner_types = [PartnerType.RESELLER, PartnerType.SYSTEMS_INTEGRATOR]


class TierFactory(DjangoModelFactory):
    class Meta:
        model = Tier

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: n + 1)


class PartnerOrganizationFactory(DjangoModelFactory):
    class Meta:
        model = PartnerOrganization

    name = factory.Sequence(lambda n: f"Partner {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} Ltd")
    website = factory.LazyAttribute(
        lambda o: f"https://{o.name.lower().replace(' ', '')}.example"
    )
    country = "DE"
    region = Region.EMEA
    city = "Berlin"


class OrganizationEmailDomainFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationEmailDomain

    organization = factory.SubFactory(PartnerOrganizationFactory)
    domain = factory.Sequence(lambda n: f"partner{n}.example")


class ProgramMembershipFactory(DjangoModelFactory):
    class Meta:
        model = ProgramMembership

    organization = factory.SubFactory(PartnerOrganizationFactory)
    program = factory.SubFactory(ProgramFactory)
    partner_type = PartnerType.RESELLER
    status = MembershipStatus.ACTIVE


class SpecializationFactory(DjangoModelFactory):
    class Meta:
        model = Specialization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Specialization {n}")
    slug = factory.Sequence(lambda n: f"specialization-{n}")


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.Sequence(lambda n: f"industry-{n}")
