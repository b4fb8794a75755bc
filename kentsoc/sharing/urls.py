from django.urls import path

from kentsoc.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.share_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("offer/<str:kind>/<int:pk>/", views.offer, name="offer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:decision>/", views.decide, name="decide"),
]
