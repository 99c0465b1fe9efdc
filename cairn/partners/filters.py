"""Query-string filters of the API's lists.

Programs, tiers and organizations are filtered by id with number filters rather
than model choices: a choice filter would answer differently for an id that exists
but is invisible and one that does not exist.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cairn.partners.choices import MembershipStatus, PartnerType, Region
from cairn.partners.models import PartnerOrganization, ProgramMembership, Tier
from cairn.partners.querysets import ORGANIZATION_SORTS


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """Filter by a row's id: a positive integer within the database's range."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class OrganizationFilterSet(django_filters.FilterSet):
    """Filter, search and sort partner organizations; the conditions on program,
    tier, status and partner type apply to one and the same membership.
    """

    search = django_filters.CharFilter(
        max_length=100, help_text="Part of the name, legal name, city or email domain."
    )
    program = IdFilter(help_text="A program's id.")
    tier = IdFilter(help_text="A tier's id.")
    status = django_filters.ChoiceFilter(choices=MembershipStatus.choices)
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    country = django_filters.ChoiceFilter(choices=list(countries))
    region = django_filters.ChoiceFilter(choices=Region.choices)
    specialization = django_filters.CharFilter(
        max_length=80, help_text="A specialization's slug."
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORGANIZATION_SORTS],
        help_text="Sort key; a leading minus reverses it.",
    )

    class Meta:
        model = PartnerOrganization
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        filters = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        }
        organizations = queryset.matching(filters)  # type: ignore[attr-defined]
        if filters.get("ordering"):
            organizations = organizations.sorted_by(filters["ordering"])
        return organizations  # type: ignore[no-any-return]


class MembershipFilterSet(django_filters.FilterSet):
    """Filter memberships by organization, program, tier, status and partner type."""

    organization = IdFilter(field_name="organization_id")
    program = IdFilter(field_name="program_id")
    tier = IdFilter(field_name="tier_id")
    status = django_filters.ChoiceFilter(choices=MembershipStatus.choices)
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)

    class Meta:
        model = ProgramMembership
        fields: list[str] = []


class TierFilterSet(django_filters.FilterSet):
    """Filter tiers by program."""

    program = IdFilter(field_name="program_id")

    class Meta:
        model = Tier
        fields: list[str] = []
