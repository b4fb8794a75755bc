from rest_framework.routers import SimpleRouter

from countylines.api import views

router = SimpleRouter(trailing_slash=True)
router.register("county-lines", views.CountyLineViewSet, basename="county-line")
router.register("people-at-risk", views.PersonAtRiskViewSet, basename="person-at-risk")
router.register(
    "safeguarding-referrals", views.SafeguardingReferralViewSet, basename="safeguarding-referral"
)

urlpatterns = router.urls
