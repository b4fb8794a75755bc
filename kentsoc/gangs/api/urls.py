from rest_framework.routers import SimpleRouter

from kentsoc.gangs.api import views

router = SimpleRouter(trailing_slash=True)
router.register("gangs", views.GangViewSet, basename="gang")

urlpatterns = router.urls
