"""Helpers shared by the portal views of every app."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

Saved = TypeVar("Saved")


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


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for message in field_messages:
            form.add_error(target, message)


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Saved],
    *,
    success_message: str | Callable[[Saved], str],
    redirect_to: str | Callable[[Saved], str],
) -> HttpResponse | None:
    """Hand a posted, valid form's data to `save`; on success flash and redirect.

    Return None when the page should show the form again: on GET, on invalid input,
    and when `save` raises a ValidationError, whose messages then sit on the form.
    `success_message` and `redirect_to` (a URL or a URL name) may be functions of
    what `save` returned.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    if callable(success_message):
        success_message = success_message(saved)
    if callable(redirect_to):
        redirect_to = redirect_to(saved)
    messages.success(request, success_message)
    return redirect(redirect_to)
