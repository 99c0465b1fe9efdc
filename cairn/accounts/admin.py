"""Back-office admin of users, invitations and API tokens. Secrets never show."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest

from cairn.accounts import services
from cairn.accounts.models import ApiToken, Invitation, User
from cairn.core.admin import AuditedModelAdmin


class CairnUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


class CairnUserCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin[User]):
    """Users sign in with their email; their role decides what they see."""

    form = CairnUserChangeForm
    add_form = CairnUserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "role",
        "organization",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ()
    raw_id_fields = ("organization",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title")}),
        ("Role", {"fields": ("role", "organization")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "password1", "password2"),
            },
        ),
    )


@admin.register(Invitation)
class InvitationAdmin(AuditedModelAdmin):
    """Invitations are sent from the portal; the admin only reads them."""

    list_display = (
        "email",
        "organization",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "status",
    )
    list_filter = ("role",)
    search_fields = ("email", "organization__name")
    list_select_related = ("organization", "invited_by")
    exclude = ("key_hash",)
    readonly_fields = (
        "email",
        "organization",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "expired_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    """Personal API tokens: readable, revocable, never creatable here."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    exclude = ("key_hash",)
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
    )
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        """Revoke each selected token through the service, so each is audited."""
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_token(token, actor=request.user)
            revoked += 1
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
