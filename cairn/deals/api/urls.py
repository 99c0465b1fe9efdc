"""API routes of deal registration, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from cairn.deals.api.views import DealRegistrationViewSet, DirectOpportunityViewSet
from cairn.deals.api.views_import import DirectImportView, RegistrationImportView
from cairn.deals.api.views_metrics import DealMetricsViewSet

router = SimpleRouter()
router.register(
    "deal-registrations", DealRegistrationViewSet, basename="deal-registration"
)
router.register(
    "direct-opportunities", DirectOpportunityViewSet, basename="direct-opportunity"
)
router.register("deal-metrics", DealMetricsViewSet, basename="deal-metrics")

# Before the router's: its detail routes would take "import" for an id.
urlpatterns = [
    path(
        "deal-registrations/import/",
        RegistrationImportView.as_view(),
        name="deal-registration-import",
    ),
    path(
        "direct-opportunities/import/",
        DirectImportView.as_view(),
        name="direct-opportunity-import",
    ),
    *router.urls,
]
