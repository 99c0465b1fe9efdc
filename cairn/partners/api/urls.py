"""API routes of the partners app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cairn.partners.api.views import (
    MembershipViewSet,
    OrganizationViewSet,
    ProgramViewSet,
    TierViewSet,
)

router = SimpleRouter()
router.register("programs", ProgramViewSet, basename="program")
router.register("tiers", TierViewSet, basename="tier")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = router.urls
