"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cairn.core import roles


def cairn(request: HttpRequest) -> dict[str, Any]:
    """Expose the vendor's name and the actor's persona to templates."""
    user = getattr(request, "user", None)
    return {
        "vendor_name": settings.VENDOR_NAME,
        "is_vendor_staff": roles.is_vendor_staff(user),
        "is_vendor_admin": roles.is_vendor_admin(user),
        "is_partner_user": roles.is_partner_user(user),
        "is_partner_admin": roles.is_partner_admin(user),
    }
