"""API endpoints of programs, tiers, partner organizations and memberships.

Reads are scoped by the selectors; writes parse an input serializer and call a
service, which checks the policy, so that the API and the portal decide alike.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from cairn.core.api.views import ScopedViewSet
from cairn.partners import policies, selectors, services
from cairn.partners.api.serializers import (
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    OrganizationInputSerializer,
    OrganizationSerializer,
    ProgramInputSerializer,
    ProgramSerializer,
    TierCreateSerializer,
    TierSerializer,
    TierUpdateSerializer,
)
from cairn.partners.filters import (
    MembershipFilterSet,
    OrganizationFilterSet,
    TierFilterSet,
)
from cairn.partners.models import PartnerOrganization, Program, ProgramMembership, Tier

WRITABLE_METHODS = ["get", "post", "patch", "head", "options"]


class _ReadAndWriteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Scoped list and retrieve, with create and partial update through services."""

    http_method_names = WRITABLE_METHODS

    def _input(self, serializer_class: Any, *, partial: bool = False) -> Any:
        serializer = serializer_class(
            data=self.request.data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _output(self, instance: Any, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.scoped_queryset(self.request.user).get(pk=instance.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)


@extend_schema_view(
    list=extend_schema(summary="List programs"),
    retrieve=extend_schema(summary="Read a program"),
)
class ProgramViewSet(_ReadAndWriteViewSet):
    """Partner programs with their tiers: vendor staff see all, partner users those
    they belong to or may apply to. Vendor admins create and change them.
    """

    queryset = Program.objects.none()
    serializer_class = ProgramSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_fields = ("is_open_for_applications",)

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_programs_for(actor).order_by("name", "pk")

    @extend_schema(
        summary="Create a program",
        request=ProgramInputSerializer,
        responses={201: ProgramSerializer},
    )
    def create(self, request: Request) -> Response:
        if not policies.can_manage_programs(request.user):
            raise PermissionDenied
        program = services.create_program(
            actor=request.user, **self._input(ProgramInputSerializer)
        )
        return self._output(program, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a program",
        request=ProgramInputSerializer(partial=True),
        responses={200: ProgramSerializer},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        program = self.get_object()
        if not policies.can_update_program(request.user, program):
            raise PermissionDenied
        program = services.update_program(
            program,
            actor=request.user,
            **self._input(ProgramInputSerializer, partial=True),
        )
        return self._output(program)


@extend_schema_view(
    list=extend_schema(summary="List tiers"),
    retrieve=extend_schema(summary="Read a tier"),
)
class TierViewSet(_ReadAndWriteViewSet):
    """Tiers of the programs the actor may see; `?program=` narrows to one program.
    Vendor admins create and change them.
    """

    queryset = Tier.objects.none()
    serializer_class = TierSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = TierFilterSet

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_tiers_for(actor)

    @extend_schema(
        summary="Create a tier",
        request=TierCreateSerializer,
        responses={201: TierSerializer},
    )
    def create(self, request: Request) -> Response:
        if not policies.can_manage_programs(request.user):
            raise PermissionDenied
        data = self._input(TierCreateSerializer)
        tier = services.create_tier(data.pop("program"), actor=request.user, **data)
        return self._output(tier, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a tier",
        request=TierUpdateSerializer,
        responses={200: TierSerializer},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        tier = self.get_object()
        if not policies.can_update_tier(request.user, tier):
            raise PermissionDenied
        tier = services.update_tier(
            tier, actor=request.user, **self._input(TierUpdateSerializer)
        )
        return self._output(tier)


@extend_schema_view(
    list=extend_schema(summary="List partner organizations"),
    retrieve=extend_schema(summary="Read a partner organization"),
)
class OrganizationViewSet(_ReadAndWriteViewSet):
    """Partner organizations: vendor admins see all, channel managers the partners of
    their programs, partner users their own organization.
    """

    queryset = PartnerOrganization.objects.none()
    serializer_class = OrganizationSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = OrganizationFilterSet

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_organization_profiles_for(actor)

    @extend_schema(
        summary="Create a partner organization",
        request=OrganizationInputSerializer,
        responses={201: OrganizationSerializer},
    )
    def create(self, request: Request) -> Response:
        if not policies.can_create_organization(request.user):
            raise PermissionDenied
        organization = services.create_organization(
            actor=request.user, **self._input(OrganizationInputSerializer)
        )
        return self._output(organization, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a partner organization's profile",
        request=OrganizationInputSerializer(partial=True),
        responses={200: OrganizationSerializer},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        organization = self.get_object()
        if not policies.can_update_organization(request.user, organization):
            raise PermissionDenied
        organization = services.update_organization(
            organization,
            actor=request.user,
            **self._input(OrganizationInputSerializer, partial=True),
        )
        return self._output(organization)


@extend_schema_view(
    list=extend_schema(summary="List program memberships"),
    retrieve=extend_schema(summary="Read a program membership"),
)
class MembershipViewSet(_ReadAndWriteViewSet):
    """Memberships of the organizations the actor may see. Vendor admins and the
    channel managers of a program add organizations to it and change their status,
    tier and channel manager.
    """

    queryset = ProgramMembership.objects.none()
    serializer_class = MembershipSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = MembershipFilterSet

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_memberships_for(actor)

    @extend_schema(
        summary="Add an organization to a program",
        request=MembershipCreateSerializer,
        responses={201: MembershipSerializer},
    )
    def create(self, request: Request) -> Response:
        if not policies.can_view_console(request.user):
            raise PermissionDenied  # partner users never change memberships
        data = self._input(MembershipCreateSerializer)
        membership = services.add_membership(
            data.pop("organization"), actor=request.user, **data
        )
        return self._output(membership, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a membership's status, tier or channel manager",
        request=MembershipUpdateSerializer,
        responses={200: MembershipSerializer},
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        membership = self.get_object()
        if not policies.can_change_membership(request.user, membership):
            raise PermissionDenied
        membership = services.change_membership(
            membership, actor=request.user, **self._input(MembershipUpdateSerializer)
        )
        return self._output(membership)
