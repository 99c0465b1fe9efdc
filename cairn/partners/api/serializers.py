"""API representations of programs, tiers, organizations and memberships.

Read serializers show rows; input serializers parse what a write accepts and hand it
to a service. Related rows given by id are looked up among those the actor may see,
so an invisible id is answered exactly like a missing one.
"""

import re
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from cairn.partners import selectors
from cairn.partners.choices import MembershipStatus, OrganizationSize, PartnerType
from cairn.partners.models import (
    ORGANIZATION_PROFILE_FIELDS,
    Industry,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Specialization,
    Tier,
)

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """Accept the id of a row the requesting actor may see."""

    def __init__(self, selector: Callable[[Any], QuerySet[Any]], **kwargs: Any):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(self.context["request"].user)


class SlugChoiceField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """Accept the slug of an existing row; anything that is not a slug is unknown."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not _SLUG.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


def _channel_managers(actor: Any) -> QuerySet[Any]:
    return selectors.channel_manager_choices()


def _user_model_none() -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.none()  # type: ignore[no-any-return]


# Programs and tiers


class TierSummarySerializer(serializers.ModelSerializer[Tier]):
    """A tier as listed within its program."""

    class Meta:
        model = Tier
        fields = ("id", "name", "rank")
        read_only_fields = fields


class TierSerializer(serializers.ModelSerializer[Tier]):
    """A tier of a program."""

    class Meta:
        model = Tier
        fields = ("id", "program", "name", "rank", "description")
        read_only_fields = fields


class TierCreateSerializer(serializers.Serializer[Any]):
    """A new tier of a program."""

    program = ScopedPrimaryKeyField(
        selectors.list_programs_for, queryset=Program.objects.none()
    )
    name = serializers.CharField(max_length=60)
    rank = serializers.IntegerField(min_value=1, max_value=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TierUpdateSerializer(serializers.Serializer[Any]):
    """Changes to a tier."""

    name = serializers.CharField(max_length=60, required=False)
    rank = serializers.IntegerField(min_value=1, max_value=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ProgramSerializer(serializers.ModelSerializer[Program]):
    """A partner program with its ordered tiers."""

    partner_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PartnerType.choices)
    )
    tiers = TierSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = (
            "id",
            "name",
            "slug",
            "description",
            "partner_types",
            "is_open_for_applications",
            "tiers",
            "created_at",
        )
        read_only_fields = fields


class ProgramInputSerializer(serializers.Serializer[Any]):
    """A new program, or changes to one."""

    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    partner_types = serializers.ListField(
        child=serializers.ChoiceField(choices=PartnerType.choices),
        required=False,
        max_length=len(PartnerType.values),
    )
    is_open_for_applications = serializers.BooleanField(required=False)
    managers = ScopedPrimaryKeyField(
        _channel_managers,
        queryset=_user_model_none(),
        many=True,
        required=False,
        help_text="Ids of the channel managers of the program.",
    )


# Organizations


class OrganizationMembershipSerializer(serializers.ModelSerializer[ProgramMembership]):
    """A membership as listed within its organization."""

    program_name = serializers.CharField(source="program.name", read_only=True)
    tier_name = serializers.CharField(
        source="tier.name", read_only=True, allow_null=True
    )

    class Meta:
        model = ProgramMembership
        fields = (
            "id",
            "program",
            "program_name",
            "partner_type",
            "tier",
            "tier_name",
            "status",
        )
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer[PartnerOrganization]):
    """A partner organization's profile with its memberships."""

    country = CountryField()  # type: ignore[no-untyped-call]
    website = serializers.CharField(
        read_only=True, help_text="The website's address, or empty."
    )
    size = serializers.ChoiceField(
        choices=OrganizationSize.choices, allow_blank=True, read_only=True
    )
    specializations: Any = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    industries: Any = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    email_domains: Any = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="domain"
    )
    languages = serializers.ListField(child=serializers.CharField())
    memberships = OrganizationMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = PartnerOrganization
        fields = (
            "id",
            *ORGANIZATION_PROFILE_FIELDS,
            "memberships",
            "last_active_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class OrganizationInputSerializer(serializers.ModelSerializer[PartnerOrganization]):
    """A new organization, or changes to one's profile."""

    country = CountryField()  # type: ignore[no-untyped-call]
    specializations = SlugChoiceField(
        many=True,
        slug_field="slug",
        queryset=Specialization.objects.all(),
        required=False,
        help_text="Slugs of specializations.",
    )
    industries = SlugChoiceField(
        many=True,
        slug_field="slug",
        queryset=Industry.objects.all(),
        required=False,
        help_text="Slugs of industries.",
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=30
    )
    email_domains = serializers.ListField(
        child=serializers.CharField(max_length=253),
        required=False,
        max_length=50,
        help_text="Vendor staff only: the domains whose people may join.",
    )

    class Meta:
        model = PartnerOrganization
        fields = ORGANIZATION_PROFILE_FIELDS


# Memberships


class MembershipSerializer(serializers.ModelSerializer[ProgramMembership]):
    """An organization's membership of a program."""

    organization_name = serializers.CharField(
        source="organization.name", read_only=True
    )
    program_name = serializers.CharField(source="program.name", read_only=True)
    tier_name = serializers.CharField(
        source="tier.name", read_only=True, allow_null=True
    )
    channel_manager_email = serializers.EmailField(
        source="channel_manager.email", read_only=True, allow_null=True
    )

    class Meta:
        model = ProgramMembership
        fields = (
            "id",
            "organization",
            "organization_name",
            "program",
            "program_name",
            "partner_type",
            "tier",
            "tier_name",
            "status",
            "channel_manager",
            "channel_manager_email",
            "status_changed_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer[Any]):
    """An organization joining a program."""

    organization = ScopedPrimaryKeyField(
        selectors.list_organizations_for, queryset=PartnerOrganization.objects.none()
    )
    program = ScopedPrimaryKeyField(
        selectors.list_programs_for, queryset=Program.objects.none()
    )
    partner_type = serializers.ChoiceField(choices=PartnerType.choices)
    tier = ScopedPrimaryKeyField(
        selectors.list_tiers_for,
        queryset=Tier.objects.none(),
        required=False,
        allow_null=True,
    )
    status = serializers.ChoiceField(
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLIED,
        help_text="A new membership is applied (the default) or active.",
    )
    channel_manager = ScopedPrimaryKeyField(
        _channel_managers,
        queryset=_user_model_none(),
        required=False,
        allow_null=True,
    )


class MembershipUpdateSerializer(serializers.Serializer[Any]):
    """Changes to a membership: its status, tier, partner type or channel manager."""

    status = serializers.ChoiceField(choices=MembershipStatus.choices, required=False)
    tier = ScopedPrimaryKeyField(
        selectors.list_tiers_for,
        queryset=Tier.objects.none(),
        required=False,
        allow_null=True,
    )
    partner_type = serializers.ChoiceField(choices=PartnerType.choices, required=False)
    channel_manager = ScopedPrimaryKeyField(
        _channel_managers,
        queryset=_user_model_none(),
        required=False,
        allow_null=True,
    )
