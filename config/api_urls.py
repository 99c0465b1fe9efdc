"""The REST API under /api/v1/: one router per app, the schema and its docs."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

# ReDoc renders with styled-components (inline <style>) and parses the schema in a
# web worker; only the docs page is allowed those.
api_docs = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema", template_name="api/docs.html")
)

urlpatterns = [
    path("", include("cairn.core.api.urls")),
    path("", include("cairn.partners.api.urls")),
    path("", include("cairn.accounts.api.urls")),
    path("", include("cairn.deals.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
]
