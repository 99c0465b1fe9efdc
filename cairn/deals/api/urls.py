"""API routes of deal registration, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cairn.deals.api.views import DealRegistrationViewSet, DirectOpportunityViewSet

router = SimpleRouter()
router.register(
    "deal-registrations", DealRegistrationViewSet, basename="deal-registration"
)
router.register(
    "direct-opportunities", DirectOpportunityViewSet, basename="direct-opportunity"
)

urlpatterns = router.urls
