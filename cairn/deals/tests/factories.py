import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from cairn.deals.choices import RegistrationStatus
from cairn.deals.models import (
    DealProgramSettings,
    DealRegistration,
    DirectOpportunity,
)
from cairn.partners.tests.factories import ProgramFactory


class DealProgramSettingsFactory(DjangoModelFactory):
    class Meta:
        model = DealProgramSettings
        django_get_or_create = ("program",)

    program = factory.SubFactory(ProgramFactory)


class DealRegistrationFactory(DjangoModelFactory):
    """A row as stored, without the services (for selector and model tests)."""

    class Meta:
        model = DealRegistration

    organization = factory.LazyAttribute(lambda o: o.registered_by.organization)
    program = factory.SubFactory(ProgramFactory)
    status = RegistrationStatus.SUBMITTED
    customer_name = factory.Sequence(lambda n: f"Customer {n} GmbH")
    customer_domain = factory.Sequence(lambda n: f"customer{n}.example")
    country = "DE"
    city = "Hamburg"
    postal_code = "20095"
    contact_name = "Kim Buyer"
    contact_email = factory.LazyAttribute(lambda o: f"kim@{o.customer_domain}")
    expected_close_date = datetime.date(2026, 6, 30)
    currency = "EUR"
    amount = Decimal("25000.00")
    submitted_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    )


class DirectOpportunityFactory(DjangoModelFactory):
    class Meta:
        model = DirectOpportunity

    external_id = factory.Sequence(lambda n: f"SF-{n:06d}")
    company_name = factory.Sequence(lambda n: f"Direct {n} AG")
    domain = factory.Sequence(lambda n: f"direct{n}.example")
    country = "DE"
    currency = "EUR"
    amount = Decimal("10000.00")
