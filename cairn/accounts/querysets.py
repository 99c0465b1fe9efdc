"""Scoped querysets of users, invitations and API tokens."""

from typing import Any, Self

from django.contrib.auth.base_user import BaseUserManager
from django.db.models import Q

from cairn.core import roles
from cairn.core.querysets import PartnerOwnedQuerySet, VisibleToQuerySet


class UserQuerySet(VisibleToQuerySet):
    """Users, scoped to the actor."""

    def visible_to(self, actor: Any) -> Self:
        """Vendor admins see everyone; channel managers the vendor staff and the users
        of the partners they manage; partner users their own organization.
        """
        role = roles.role_of(actor)
        if role == roles.Role.VENDOR_ADMIN:
            return self.all()
        if role == roles.Role.CHANNEL_MANAGER:
            from cairn.partners.models import PartnerOrganization

            managed = PartnerOrganization.objects.visible_to(actor).values("pk")
            return self.filter(
                Q(organization__in=managed) | Q(role__in=list(roles.VENDOR_ROLES))
            )
        organization_id = roles.organization_id_of(actor)
        if role in roles.PARTNER_ROLES and organization_id:
            return self.filter(organization_id=organization_id)
        return self.none()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Create users who sign in with their email address."""

    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **fields: Any
    ) -> Any:
        if not email:
            raise ValueError("Users sign in with an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **fields: Any
    ) -> Any:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", roles.Role.VENDOR_ADMIN)
        return self.create_user(email, password, **fields)


class InvitationQuerySet(VisibleToQuerySet):
    """Invitations: vendor staff see those they may manage; partner admins their
    organization's.
    """

    def visible_to(self, actor: Any) -> Self:
        role = roles.role_of(actor)
        if role == roles.Role.VENDOR_ADMIN:
            return self.all()
        if role == roles.Role.CHANNEL_MANAGER:
            from cairn.partners.models import PartnerOrganization

            managed = PartnerOrganization.objects.visible_to(actor).values("pk")
            return self.filter(organization__in=managed)
        if role == roles.Role.PARTNER_ADMIN and roles.organization_id_of(actor):
            return self.filter(organization_id=roles.organization_id_of(actor))
        return self.none()

    def open(self) -> Self:
        """Return invitations not yet accepted, revoked or closed as expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expired_at__isnull=True
        )

    def pending(self) -> Self:
        """Return open invitations that can still be accepted."""
        from django.utils import timezone

        return self.open().filter(expires_at__gt=timezone.now())

    def past_expiry(self) -> Self:
        """Return open invitations whose expiry has passed."""
        from django.utils import timezone

        return self.open().filter(expires_at__lte=timezone.now())


class ApiTokenQuerySet(VisibleToQuerySet):
    """A personal API token is seen by its owner only."""

    def visible_to(self, actor: Any) -> Self:
        if roles.role_of(actor) is None:
            return self.none()
        return self.filter(user=actor)

    def usable(self) -> Self:
        """Return tokens that are neither revoked nor expired."""
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


__all__ = [
    "ApiTokenQuerySet",
    "InvitationQuerySet",
    "PartnerOwnedQuerySet",
    "UserManager",
]
