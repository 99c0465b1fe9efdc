"""Vendor console pages under /console/ and partner portal pages under /partner/."""

from django.urls import path

from cairn.partners import views

app_name = "partners"
urlpatterns = [
    path("console/", views.console, name="console"),
    path("console/partners/", views.organization_list, name="organization_list"),
    path(
        "console/partners/new/",
        views.organization_create,
        name="organization_create",
    ),
    path(
        "console/partners/<int:pk>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "console/partners/<int:pk>/edit/",
        views.organization_update,
        name="organization_update",
    ),
    path(
        "console/partners/<int:pk>/memberships/new/",
        views.membership_create,
        name="membership_create",
    ),
    path(
        "console/memberships/<int:pk>/",
        views.membership_update,
        name="membership_update",
    ),
    path("console/programs/", views.program_list, name="program_list"),
    path("console/programs/new/", views.program_create, name="program_create"),
    path("console/programs/<int:pk>/", views.program_detail, name="program_detail"),
    path(
        "console/programs/<int:pk>/edit/",
        views.program_update,
        name="program_update",
    ),
    path(
        "console/programs/<int:pk>/tiers/new/",
        views.tier_create,
        name="tier_create",
    ),
    path("console/tiers/<int:pk>/edit/", views.tier_update, name="tier_update"),
    path("partner/", views.partner_home, name="partner_home"),
    path("partner/organization/", views.my_organization, name="my_organization"),
    path(
        "partner/organization/edit/",
        views.my_organization_update,
        name="my_organization_update",
    ),
]
