"""Query-string filters of the deal registration list."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from cairn.deals.choices import RegistrationStatus, SalesStage
from cairn.deals.models import DealRegistration
from cairn.partners.filters import IdFilter

REGISTRATION_ORDERINGS = {
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
    "submitted_at": ("submitted_at", "pk"),
    "-submitted_at": ("-submitted_at", "-pk"),
    "expected_close_date": ("expected_close_date", "pk"),
    "-expected_close_date": ("-expected_close_date", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "customer_name": ("customer_name", "pk"),
    "-customer_name": ("-customer_name", "-pk"),
}


class RegistrationFilterSet(django_filters.FilterSet):
    """Filter registrations by status, program and sales stage, search their
    customer, and sort them.
    """

    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices)
    program = IdFilter(field_name="program_id", help_text="A program's id.")
    stage = django_filters.ChoiceFilter(
        field_name="sales_stage", choices=SalesStage.choices
    )
    search = django_filters.CharFilter(
        max_length=100,
        method="filter_search",
        help_text="Part of the customer's name or domain.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in REGISTRATION_ORDERINGS],
        method="filter_ordering",
        help_text="Sort key; a leading minus reverses it. Newest first by default.",
    )

    class Meta:
        model = DealRegistration
        fields: list[str] = []

    def filter_search(
        self, queryset: QuerySet[Any], name: str, value: str
    ) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer_name__icontains=value) | Q(customer_domain__icontains=value)
        )

    def filter_ordering(
        self, queryset: QuerySet[Any], name: str, value: str
    ) -> QuerySet[Any]:
        return queryset.order_by(*REGISTRATION_ORDERINGS[value])
