from rest_framework.routers import SimpleRouter

from kentsoc.trail.api import views

router = SimpleRouter(trailing_slash=True)
router.register("audit", views.AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
