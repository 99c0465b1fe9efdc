"""The xAPI endpoint under /xapi/ and the vendor console's LRS pages."""

from django.urls import path, re_path

from cairn.lrs import views, views_console, views_documents, views_launches

app_name = "lrs"
# xAPI names its resources without a trailing slash; one is tolerated.
urlpatterns = [
    re_path(r"^xapi/about/?$", views.about, name="xapi_about"),
    re_path(r"^xapi/statements/?$", views.statements, name="xapi_statements"),
    path("console/lrs/", views_console.client_list, name="client_list"),
    path(
        "console/lrs/forwarding/",
        views_console.forwarding_save,
        name="forwarding_save",
    ),
    path(
        "console/lrs/<int:pk>/revoke/",
        views_console.client_revoke,
        name="client_revoke",
    ),
    re_path(
        r"^xapi/activities/state/?$",
        views_documents.activities_state,
        name="xapi_activities_state",
    ),
    re_path(
        r"^xapi/activities/profile/?$",
        views_documents.activities_profile,
        name="xapi_activities_profile",
    ),
    re_path(r"^xapi/activities/?$", views_documents.activities, name="xapi_activities"),
    re_path(
        r"^xapi/agents/profile/?$",
        views_documents.agents_profile,
        name="xapi_agents_profile",
    ),
    re_path(r"^xapi/agents/?$", views_documents.agents, name="xapi_agents"),
    path(
        "lrs/cmi5/fetch/<str:token>/",
        views_launches.cmi5_fetch,
        name="cmi5_fetch",
    ),
]
