from django.urls import path
from rest_framework.routers import SimpleRouter

from kentsoc.people.api import views

router = SimpleRouter(trailing_slash=True)
router.register("people/merges", views.MergeViewSet, basename="people-merge")

urlpatterns = [
    path("people/duplicates/", views.DuplicateListView.as_view(), name="people-duplicate-list"),
    path("people/merge/", views.MergeView.as_view(), name="people-merge-create"),
    *router.urls,
]
