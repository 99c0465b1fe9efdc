"""Core routes: health endpoints for load balancers, the activity and audit logs."""

from django.urls import path

from cairn.core import health, views

app_name = "core"

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("activity/", views.activity, name="activity"),
    path("audit-log/", views.audit_log, name="audit_log"),
]
