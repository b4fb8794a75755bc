from rest_framework.routers import SimpleRouter

from kentsoc.intel.api.views import (
    CountyLineEvidenceViewSet,
    IntelligenceRecordViewSet,
    OcgEvidenceViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("intelligence", IntelligenceRecordViewSet, basename="intelligence")
# Only the evidence routes: the subjects' own routers serve the rest of these paths.
router.register("ocgs", OcgEvidenceViewSet, basename="ocg")
router.register("county-lines", CountyLineEvidenceViewSet, basename="county-line")

urlpatterns = router.urls
