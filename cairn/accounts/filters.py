"""Filters of the user and invitation lists of the API."""

import django_filters

from cairn.accounts.models import Invitation, User
from cairn.core.roles import Role

# Bounded so that an out-of-range id is a 400, not a database overflow.
MAX_ID = 2**63 - 1


class UserFilter(django_filters.FilterSet):
    """Filter users by role, organization and whether they may sign in."""

    role = django_filters.ChoiceFilter(choices=Role.choices)
    organization = django_filters.NumberFilter(
        field_name="organization_id", min_value=1, max_value=MAX_ID
    )
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = ("role", "organization", "is_active")


class InvitationFilter(django_filters.FilterSet):
    """Filter invitations by organization and role."""

    role = django_filters.ChoiceFilter(choices=Role.choices)
    organization = django_filters.NumberFilter(
        field_name="organization_id", min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = Invitation
        fields = ("role", "organization")
