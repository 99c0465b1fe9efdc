"""Portal routes of the accounts app. allauth owns /accounts/; these live beside it."""

from django.urls import path

from cairn.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account-settings/profile/", views.profile, name="profile"),
    path("account-settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "account-settings/api-tokens/<int:pk>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("team/", views.team, name="team"),
    path("team/staff/", views.staff_list, name="staff_list"),
    path(
        "team/organizations/<int:pk>/invite/",
        views.organization_invite,
        name="organization_invite",
    ),
    path("team/members/<int:pk>/role/", views.member_role, name="member_role"),
    path(
        "team/members/<int:pk>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "team/members/<int:pk>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "team/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "team/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:key>/", views.invitation_accept, name="invitation_accept"),
]
