from rest_framework.routers import SimpleRouter

from kentsoc.org.api import views

router = SimpleRouter(trailing_slash=True)
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("teams", views.TeamViewSet, basename="team")
router.register("officers", views.OfficerViewSet, basename="officer")

urlpatterns = router.urls
