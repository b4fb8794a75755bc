from rest_framework.routers import SimpleRouter

from disruptions.api import views

router = SimpleRouter(trailing_slash=True)
router.register("disruptions", views.DisruptionViewSet, basename="disruption")
router.register("operations", views.OperationViewSet, basename="operation")
router.register("court-results", views.CourtResultViewSet, basename="court-result")

urlpatterns = router.urls
