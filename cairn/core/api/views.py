"""Base classes of API views, one per audience.

Each fixes authentication, permissions and scoping, so that a new endpoint cannot
forget them: a subclass says which rows the actor may see (`scoped_queryset`, which
calls a selector) and, for writes, which service to call. Rows outside the actor's
scope answer 404 exactly like missing ones.
"""

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny, BasePermission

from cairn.core import selectors
from cairn.core.api.permissions import HasTokenScope, IsActor, IsVendorStaff
from cairn.core.api.serializers import ActivityEventSerializer, AuditEntrySerializer
from cairn.core.models import ActivityEvent, AuditEntry


class ScopedViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Endpoints for every signed-in actor, scoped to what the actor may see."""

    permission_classes: tuple[type[BasePermission], ...] = (IsActor, HasTokenScope)
    # Subclasses set `queryset = Model.objects.none()`: it names the model for the
    # schema and, being empty, can never leak rows if used by mistake.
    queryset: QuerySet[Any] | None = None

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        """Return the rows this actor may see (call a selector)."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            assert self.queryset is not None, "set queryset = Model.objects.none()"
            return self.queryset.none()
        return self.scoped_queryset(self.request.user)


class VendorViewSet(ScopedViewSet):
    """Endpoints for the vendor's staff only."""

    permission_classes = (IsActor, IsVendorStaff, HasTokenScope)


class PublicViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Endpoints for anyone, signed in or not; they expose public data only."""

    permission_classes = (AllowAny,)
    authentication_classes = ()


class ActivityEventViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """The activity events the actor may see, newest first."""

    queryset = ActivityEvent.objects.none()
    serializer_class = ActivityEventSerializer
    filterset_fields = ("verb", "organization_id")
    ordering_fields = ("occurred_at",)

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_activity_events_for(actor)


class AuditEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """The audit log: all of it for vendor admins, their organization's for partner
    admins; everyone else reads an empty log.
    """

    queryset = AuditEntry.objects.none()
    serializer_class = AuditEntrySerializer
    filterset_fields = ("action", "organization_id", "target_id")
    search_fields = ("target_repr", "actor_repr")
    ordering_fields = ("occurred_at",)

    def scoped_queryset(self, actor: Any) -> QuerySet[Any]:
        return selectors.list_audit_entries_for(actor)
