"""API permissions shared by every endpoint."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from cairn.core import roles


class HasTokenScope(BasePermission):
    """Let a read-only API token read but not write; sessions are not limited."""

    message = "This API token has the read scope only; writing needs the write scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        scopes = getattr(token, "scopes", None)
        if scopes is None:  # a session, not a token
            return True
        if request.method in SAFE_METHODS:
            return "read" in scopes or "write" in scopes
        return "write" in scopes


class IsVendorStaff(BasePermission):
    """Allow vendor admins and channel managers only."""

    message = "Only the vendor's staff may use this endpoint."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_vendor_staff(request.user)


class IsActor(BasePermission):
    """Allow any signed-in, active user who has a role."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.role_of(request.user) is not None
