"""The access gate for single objects: missing and forbidden look the same."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from cairn.core.querysets import VisibleToQuerySet

ModelT = TypeVar("ModelT", bound=models.Model)


class NotFound(Http404):
    """The object does not exist, or the actor may not know that it does."""


def access_object(
    queryset: VisibleToQuerySet | Any,
    actor: Any,
    pk: Any,
    *,
    action: str = "view",
    policies: dict[str, Callable[[Any, Any], bool]] | None = None,
) -> Any:
    """Return the object with this key if the actor may see it and do `action` on it.

    `queryset` is a VisibleToQuerySet or a manager built from one.

    An object the actor may not see raises NotFound, exactly as a missing one. An
    object the actor may see but not change raises PermissionDenied: its existence is
    no secret to them.
    """
    try:
        obj = queryset.visible_to(actor).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error
    if action != "view":
        policy = (policies or {}).get(action)
        if policy is None:
            raise ValueError(f"no policy for action {action!r}")
        if not policy(actor, obj):
            raise PermissionDenied
    return obj
