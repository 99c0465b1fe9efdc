from rest_framework.routers import SimpleRouter

from cairn.core.api.views import ActivityEventViewSet, AuditEntryViewSet

router = SimpleRouter()
router.register("activity", ActivityEventViewSet, basename="activity-event")
router.register("audit", AuditEntryViewSet, basename="audit-entry")

urlpatterns = router.urls
