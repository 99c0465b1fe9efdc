"""The back office: every model of the partners app in Django's admin."""

from typing import Any

from django.contrib import admin
from django.db import models

from cairn.core.admin import AuditedModelAdmin
from cairn.partners.models import (
    Industry,
    OrganizationEmailDomain,
    PartnerOrganization,
    Program,
    ProgramMembership,
    Specialization,
    Tier,
)


class TierInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Tier
    extra = 0
    fields = ("rank", "name", "description")


@admin.register(Program)
class ProgramAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "is_open_for_applications", "created_at")
    list_filter = ("is_open_for_applications",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("managers",)
    inlines = (TierInline,)


@admin.register(Tier)
class TierAdmin(AuditedModelAdmin):
    list_display = ("name", "program", "rank")
    list_filter = ("program",)
    list_select_related = ("program",)
    search_fields = ("name", "program__name")
    ordering = ("program__name", "rank")


@admin.register(Specialization, Industry)
class TaxonomyAdmin(AuditedModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class EmailDomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrganizationEmailDomain
    extra = 0


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProgramMembership
    extra = 0
    fields = ("program", "partner_type", "tier", "status", "channel_manager")
    raw_id_fields = ("channel_manager",)

    def get_queryset(self, request: Any) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("program", "tier", "channel_manager")
        )


@admin.register(PartnerOrganization)
class PartnerOrganizationAdmin(AuditedModelAdmin):
    list_display = ("name", "country", "region", "city", "size", "last_active_at")
    list_filter = ("region", "size", "allows_domain_join", "memberships__program")
    search_fields = ("name", "legal_name", "city", "email_domains__domain")
    filter_horizontal = ("specializations", "industries")
    readonly_fields = ("last_active_at", "created_at", "updated_at")
    inlines = (EmailDomainInline, MembershipInline)
    show_full_result_count = False  # COUNT(*) of 10,000 partners on every page
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(OrganizationEmailDomain)
class OrganizationEmailDomainAdmin(AuditedModelAdmin):
    list_display = ("domain", "organization")
    list_select_related = ("organization",)
    search_fields = ("domain", "organization__name")
    raw_id_fields = ("organization",)


@admin.register(ProgramMembership)
class ProgramMembershipAdmin(AuditedModelAdmin):
    list_display = (
        "organization",
        "program",
        "partner_type",
        "tier",
        "status",
        "channel_manager",
        "status_changed_at",
    )
    list_filter = ("status", "program", "partner_type", "tier")
    list_select_related = ("organization", "program", "tier", "channel_manager")
    search_fields = ("organization__name", "program__name")
    raw_id_fields = ("organization", "channel_manager")
    date_hierarchy = "created_at"
