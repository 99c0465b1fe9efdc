"""The back office's admin classes: every write made in Django's admin is audited.

The admin is the vendor's break-glass tool; the portal, whose writes go through
services, is where the rules of each workflow are enforced. What the admin changes is
recorded like any other write: who, what, before and after, with "Django admin" as
the reason and `admin` as the origin.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from cairn.core.audit import record_audit, snapshot
from cairn.core.models import ActivityEvent, AuditAction, AuditEntry
from cairn.core.selectors import organization_model

ADMIN_REASON = "Django admin"


def organization_id_of(obj: models.Model) -> int | None:
    """Return the id of the partner organization a row belongs to, if any."""
    if isinstance(obj, organization_model()):
        return int(obj.pk)
    organization_id = getattr(obj, "organization_id", None)
    return int(organization_id) if organization_id is not None else None


def _stored(obj: models.Model) -> dict[str, Any]:
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else {}


def _audit(action: str, obj: models.Model, request: HttpRequest, **values: Any) -> None:
    record_audit(
        action,
        obj,
        actor=request.user,
        organization_id=organization_id_of(obj),
        reason=ADMIN_REASON,
        **values,
    )


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin that records every save and delete, its inlines' included."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        before = _stored(obj) if change else {}
        super().save_model(request, obj, form, change)
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        _audit(action, obj, request, before=before, after=snapshot(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Recorded first: afterwards the row has no primary key to name.
        _audit(AuditAction.DELETE, obj, request, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            _audit(AuditAction.DELETE, obj, request, before=snapshot(obj))
        super().delete_queryset(request, queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseModelFormSet[Any, Any],
        change: bool,
    ) -> None:
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for obj in deleted:
            _audit(AuditAction.DELETE, obj, request, before=snapshot(obj))
        befores = {
            f.instance.pk: _stored(f.instance)
            for f in formset.initial_forms
            if f.instance.pk and f.has_changed() and f.instance not in deleted
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _audit(AuditAction.CREATE, obj, request, after=snapshot(obj))
        for obj, _fields in formset.changed_objects:
            before = befores.get(obj.pk, {})
            _audit(AuditAction.UPDATE, obj, request, before=before, after=snapshot(obj))


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Activity events, read-only: they record what happened."""

    list_display = ("occurred_at", "verb", "actor", "organization_id", "target_repr")
    list_filter = ("verb",)
    search_fields = ("verb", "target_repr")
    list_select_related = ("actor",)
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ActivityEventAdmin):
    """The audit log, read-only: nobody edits history."""

    list_display = (  # type: ignore[assignment]
        "occurred_at",
        "actor_repr",
        "action",
        "target_type",
        "target_repr",
        "origin",
    )
    list_filter = ("action", "origin", "target_type")  # type: ignore[assignment]
    search_fields = ("actor_repr", "target_repr", "request_id")  # type: ignore[assignment]
    list_select_related = ("target_type",)
