"""API routes of the accounts app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cairn.accounts.api.views import ApiTokenViewSet, InvitationViewSet, UserViewSet

# A SimpleRouter, like every app's: one DefaultRouter per app would each add an API
# root at the same address.
router = SimpleRouter(trailing_slash=True)
router.register("users", UserViewSet, basename="user")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("tokens", ApiTokenViewSet, basename="api-token")

urlpatterns = router.urls
