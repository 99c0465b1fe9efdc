"""API endpoints of users, invitations and personal API tokens."""

from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cairn.accounts import selectors, services
from cairn.accounts.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from cairn.accounts.filters import InvitationFilter, UserFilter
from cairn.accounts.models import ApiToken, Invitation, User
from cairn.core import roles
from cairn.core.access import NotFound
from cairn.core.api.permissions import HasTokenScope
from cairn.core.api.views import ScopedViewSet
from cairn.partners import selectors as partner_selectors

_NO_CONTENT = OpenApiResponse(description="Done; nothing to return.")


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """People the actor may see; administrators change roles and deactivate."""

    queryset = User.objects.none()
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ("email", "full_name")
    ordering_fields = ("email", "full_name", "last_login", "date_joined")
    lookup_value_regex = r"\d+"

    def scoped_queryset(self, actor: Any) -> QuerySet[User]:
        return selectors.list_users_for(actor)

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "me":
            # Anyone signed in may read themselves, even before joining a partner.
            return [IsAuthenticated(), HasTokenScope()]
        return super().get_permissions()  # type: ignore[return-value]

    @extend_schema(
        request=UserUpdateSerializer,
        responses={200: UserSerializer},
        summary="Change a colleague's role or whether they may sign in",
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Change a colleague's role or whether they may sign in."""
        actor = request.user
        member = selectors.access_user(actor, pk)
        data = UserUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        with transaction.atomic():
            if "role" in changes:
                member = selectors.access_user(actor, pk, action="change_role")
                member = services.change_user_role(
                    member, role=changes["role"], actor=actor
                )
            if changes.get("is_active") is False:
                member = selectors.access_user(actor, pk, action="deactivate")
                member = services.deactivate_user(member, actor=actor)
            elif changes.get("is_active") is True:
                member = selectors.access_user(actor, pk, action="reactivate")
                member = services.reactivate_user(member, actor=actor)
        return Response(UserSerializer(member).data)

    @extend_schema(responses={200: UserSerializer}, summary="The signed-in person")
    @action(detail=False, methods=["get"], url_path="me", pagination_class=None)
    def me(self, request: Request) -> Response:
        """Return the signed-in person."""
        return Response(UserSerializer(cast(User, request.user)).data)


class InvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Invitations the actor may manage: send, list, send again, withdraw."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    search_fields = ("email",)
    ordering_fields = ("created_at", "expires_at", "email")
    lookup_value_regex = r"\d+"

    def scoped_queryset(self, actor: Any) -> QuerySet[Invitation]:
        return selectors.list_invitations_for(actor)

    def _organization_for(self, data: dict[str, Any]) -> Any:
        actor: Any = self.request.user
        if "organization" not in data:
            return actor.organization if roles.is_partner_user(actor) else None
        organization_id = data["organization"]
        if organization_id is None:
            return None
        try:
            return partner_selectors.access_organization(actor, organization_id)
        except NotFound as missing:
            raise serializers.ValidationError(
                {"organization": "No such partner organization."}
            ) from missing

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
        summary="Invite a person by email",
    )
    def create(self, request: Request) -> Response:
        """Invite a person by email; the link is mailed to them, never returned."""
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _ = services.invite_user(
            data.validated_data["email"],
            organization=self._organization_for(data.validated_data),
            role=data.validated_data["role"],
            actor=request.user,
        )
        return Response(
            InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={204: _NO_CONTENT}, summary="Withdraw an invitation")
    def destroy(self, request: Request, pk: Any = None) -> Response:
        """Withdraw an invitation: its link stops working."""
        invitation = selectors.access_invitation(request.user, pk, action="revoke")
        services.revoke_invitation(invitation, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: InvitationSerializer},
        summary="Send an invitation again with a new link",
    )
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: Any = None) -> Response:
        """Send an invitation again, with a new link and a new expiry."""
        invitation = selectors.access_invitation(request.user, pk, action="resend")
        invitation, _ = services.resend_invitation(invitation, actor=request.user)
        return Response(InvitationSerializer(invitation).data)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The actor's personal API tokens."""

    queryset = ApiToken.objects.none()
    serializer_class = ApiTokenSerializer
    filterset_fields = ()
    search_fields = ("name",)
    ordering_fields = ("created_at", "last_used_at")
    lookup_value_regex = r"\d+"

    def scoped_queryset(self, actor: Any) -> QuerySet[ApiToken]:
        return selectors.list_api_tokens_for(actor)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        summary="Create a token; its secret is in this answer only",
    )
    def create(self, request: Request) -> Response:
        """Create a personal API token and return its secret, this once."""
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, raw = services.create_api_token(
            request.user,  # type: ignore[arg-type]
            name=data.validated_data["name"],
            scopes=data.validated_data["scopes"],
            expires_in_days=data.validated_data.get("expires_in_days"),
            actor=request.user,
        )
        token.token = raw  # type: ignore[attr-defined]
        return Response(
            ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={204: _NO_CONTENT}, summary="Revoke a token")
    def destroy(self, request: Request, pk: Any = None) -> Response:
        """Revoke a token at once."""
        token = selectors.access_api_token(request.user, pk, action="revoke")
        services.revoke_api_token(token, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
