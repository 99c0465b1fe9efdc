"""The access gate's scoped querysets: every read of partner-owned data goes through
`visible_to(actor)`.
"""

from typing import Any, Self

from django.db import models

from cairn.core import roles


class VisibleToQuerySet(models.QuerySet[Any]):
    """A queryset that knows which rows an actor may see."""

    def visible_to(self, actor: Any) -> Self:
        """Return the rows the actor may see; none for anonymous actors."""
        raise NotImplementedError


class PartnerOwnedQuerySet(VisibleToQuerySet):
    """Rows owned by one partner organization (through the `organization` field).

    The organization-level rule (who may see which organizations) is decided once, by
    the organization model's own `visible_to`; this queryset narrows to the rows of
    those organizations, and `rep_scope` lets a model narrow further for partner reps
    (for example to their own deals).
    """

    organization_field = "organization"

    def visible_to(self, actor: Any) -> Self:
        role = roles.role_of(actor)
        if role is None:
            return self.none()
        if role == roles.Role.VENDOR_ADMIN:
            return self.all()
        if role in roles.PARTNER_ROLES:
            organization_id = roles.organization_id_of(actor)
            if organization_id is None:
                return self.none()
            own = self.filter(**{f"{self.organization_field}_id": organization_id})
            return own.rep_scope(actor) if role == roles.Role.PARTNER_REP else own
        organization_model: Any = self.model._meta.get_field(
            self.organization_field
        ).related_model
        visible_organizations = organization_model._default_manager.visible_to(
            actor
        ).values("pk")
        return self.filter(**{f"{self.organization_field}__in": visible_organizations})

    def rep_scope(self, actor: Any) -> Self:
        """Narrow a partner rep's rows of their organization; by default, keep all."""
        return self
