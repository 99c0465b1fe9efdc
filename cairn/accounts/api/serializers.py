"""Representations of users, invitations and API tokens, and the input shapes that
differ from them.
"""

from typing import Any

from rest_framework import serializers

from cairn.accounts.choices import TokenScope
from cairn.accounts.filters import MAX_ID
from cairn.accounts.models import ApiToken, Invitation, User
from cairn.accounts.services import MAX_API_TOKEN_DAYS
from cairn.core.roles import Role


class UserSerializer(serializers.ModelSerializer[User]):
    """A person as the API shows them."""

    organization_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "full_name",
            "job_title",
            "role",
            "organization",
            "organization_name",
            "is_active",
            "last_login",
            "date_joined",
        )
        read_only_fields = fields

    def get_organization_name(self, user: User) -> str | None:
        return user.organization.name if user.organization else None


class UserUpdateSerializer(serializers.Serializer[Any]):
    """The changes an administrator may make to a colleague."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give a role or is_active to change.")
        return attrs


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    """An invitation as the API shows it; its key is never shown."""

    status = serializers.CharField(read_only=True)
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = (
            "id",
            "email",
            "organization",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        )
        read_only_fields = fields

    def get_invited_by(self, invitation: Invitation) -> str | None:
        return invitation.invited_by.email if invitation.invited_by else None


class InvitationCreateSerializer(serializers.Serializer[Any]):
    """Invite a person: to a partner organization, or (vendor admins) to the staff.

    Partner admins may leave `organization` out: it defaults to their own.
    """

    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    organization = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """A personal API token; only its first characters are ever shown again."""

    is_usable = serializers.BooleanField(read_only=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenScope.choices), read_only=True
    )

    class Meta:
        model = ApiToken
        fields: tuple[str, ...] = (
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "revoked_at",
            "is_usable",
        )
        read_only_fields: tuple[str, ...] = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """A token just created, with its secret: shown this once, never again."""

    token = serializers.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer[Any]):
    """Create a personal API token."""

    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenScope.choices),
        allow_empty=False,
        max_length=len(TokenScope.choices),
    )
    expires_in_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_API_TOKEN_DAYS
    )
