"""The back office: deal registrations, conflicts, the direct pipeline and rules."""

from django.contrib import admin

from cairn.core.admin import AuditedModelAdmin
from cairn.deals.models import (
    DealConflict,
    DealLine,
    DealProgramSettings,
    DealRegistration,
    DealStatusChange,
    DirectOpportunity,
)


class DealLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DealLine
    extra = 0
    fields = ("product_code", "description", "quantity", "unit_amount")


class DealStatusChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DealStatusChange
    extra = 0
    fields = ("at", "from_status", "to_status", "actor_role_label", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(DealRegistration)
class DealRegistrationAdmin(AuditedModelAdmin):
    list_display = (
        "customer_name",
        "organization",
        "program",
        "status",
        "sales_stage",
        "amount",
        "currency",
        "submitted_at",
    )
    list_filter = ("status", "sales_stage", "program", "deal_type")
    list_select_related = ("organization", "program")
    search_fields = ("customer_name", "customer_domain", "organization__name")
    raw_id_fields = ("organization", "registered_by")
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = (DealLineInline, DealStatusChangeInline)


@admin.register(DealConflict)
class DealConflictAdmin(AuditedModelAdmin):
    list_display = ("registration", "score", "status", "decision", "created_at")
    list_filter = ("status", "decision")
    list_select_related = ("registration",)
    raw_id_fields = ("registration", "other_registration", "direct_opportunity")


@admin.register(DirectOpportunity)
class DirectOpportunityAdmin(AuditedModelAdmin):
    list_display = ("company_name", "external_id", "country", "amount", "is_open")
    list_filter = ("is_open",)
    search_fields = ("company_name", "domain", "external_id")


@admin.register(DealProgramSettings)
class DealProgramSettingsAdmin(AuditedModelAdmin):
    list_display = (
        "program",
        "protection_days",
        "review_business_days",
        "auto_approve_on_breach",
    )
    raw_id_fields = ("second_approver",)
