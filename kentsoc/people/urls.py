from django.urls import path

from kentsoc.people import views

app_name = "people"

urlpatterns = [
    path("duplicates/", views.duplicates, name="duplicates"),
    path("compare/", views.compare, name="compare"),
    path("merge/", views.merge, name="merge"),
    path("merges/", views.MergeListView.as_view(), name="merges"),
    path("merges/<int:pk>/", views.merge_detail, name="merge-detail"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge-undo"),
]
