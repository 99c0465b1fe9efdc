"""Helpers shared by the portal views of every app."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse


def policy_required(
    policy: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Send anonymous visitors to sign in; refuse actors the policy does not allow."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not policy(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> dict[str, Any]:
    """Return the requested page with what the pagination component needs."""
    paginator = Paginator(items, per_page)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return {
        "page_obj": page,
        "paginator": paginator,
        "querystring_without_page": f"{encoded}&" if encoded else "",
    }


def is_htmx(request: HttpRequest) -> bool:
    """Say whether htmx made the request (and wants a partial)."""
    return bool(getattr(request, "htmx", False))
