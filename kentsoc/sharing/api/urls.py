from rest_framework.routers import SimpleRouter

from kentsoc.sharing.api import views

router = SimpleRouter(trailing_slash=True)
router.register("shares", views.ShareViewSet, basename="share")

urlpatterns = router.urls
