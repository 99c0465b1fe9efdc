"""API routes of deal registration, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cairn.deals.api.views import DealRegistrationViewSet, DirectOpportunityViewSet
from cairn.deals.api.views_metrics import DealMetricsViewSet

router = SimpleRouter()
router.register(
    "deal-registrations", DealRegistrationViewSet, basename="deal-registration"
)
router.register(
    "direct-opportunities", DirectOpportunityViewSet, basename="direct-opportunity"
)
router.register("deal-metrics", DealMetricsViewSet, basename="deal-metrics")

urlpatterns = router.urls
