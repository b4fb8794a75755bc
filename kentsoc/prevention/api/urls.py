from rest_framework.routers import SimpleRouter

from kentsoc.prevention.api import views

router = SimpleRouter(trailing_slash=True)
router.register("prevention/school-sessions", views.SchoolSessionViewSet, basename="school-session")
router.register("prevention/interventions", views.InterventionViewSet, basename="intervention")

urlpatterns = router.urls
