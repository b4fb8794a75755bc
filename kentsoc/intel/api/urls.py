from rest_framework.routers import SimpleRouter

from kentsoc.intel.api.views import IntelligenceRecordViewSet

router = SimpleRouter(trailing_slash=True)
router.register("intelligence", IntelligenceRecordViewSet, basename="intelligence")

urlpatterns = router.urls
