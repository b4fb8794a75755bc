from rest_framework.routers import SimpleRouter

from kentsoc.matrix.api import views

router = SimpleRouter(trailing_slash=True)
router.register(
    "matrix/county-lines", views.CountyLineRankingViewSet, basename="matrix-county-line"
)
router.register("matrix/ocgs", views.OcgRankingViewSet, basename="matrix-ocg")
router.register("matrix/snapshots", views.ForceSnapshotViewSet, basename="matrix-snapshot")

urlpatterns = router.urls
