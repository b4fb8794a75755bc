from rest_framework.routers import SimpleRouter

from kentsoc.lifetime.api import views

router = SimpleRouter(trailing_slash=True)
router.register("lifetime/releases", views.ReleaseViewSet, basename="lifetime-release")
router.register(
    "lifetime/scpos-expiring", views.ScpoExpiringViewSet, basename="lifetime-scpo-expiring"
)
router.register("lifetime/scpo-breaches", views.ScpoBreachViewSet, basename="lifetime-scpo-breach")
router.register("lifetime/in-prison", views.InPrisonViewSet, basename="lifetime-in-prison")

urlpatterns = router.urls
