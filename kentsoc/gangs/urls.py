from django.urls import path

from kentsoc.gangs import views

app_name = "gangs"

urlpatterns = [
    path("", views.GangListView.as_view(), name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/members/", views.add_member, name="add-member"),
    path("<int:pk>/members/<int:member_id>/remove/", views.remove_member, name="remove-member"),
    path("<int:pk>/links/<str:kind>/", views.add_link, name="add-link"),
    path("<int:pk>/links/<str:kind>/<int:target>/remove/", views.remove_link, name="remove-link"),
]
