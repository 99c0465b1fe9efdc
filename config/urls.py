"""The URL map: portal, accounts, API, health and admin."""

from django.contrib import admin
from django.urls import include, path

from cairn.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("cairn.core.urls")),
    path("", include("cairn.partners.urls")),
    path("", include("cairn.accounts.urls")),
    path("", include("cairn.deals.urls")),
    path("", include("cairn.learning.urls")),
    path("", include("cairn.lrs.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "cairn.core.views.not_found"
handler500 = "cairn.core.views.server_error"
