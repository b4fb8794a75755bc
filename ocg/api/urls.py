from rest_framework.routers import SimpleRouter

from ocg.api import views

router = SimpleRouter(trailing_slash=True)
router.register("ocgs", views.OcgViewSet, basename="ocg")
router.register("nominals", views.NominalViewSet, basename="nominal")

urlpatterns = router.urls
