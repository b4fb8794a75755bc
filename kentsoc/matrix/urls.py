from django.urls import path

from kentsoc.matrix import views

app_name = "matrix"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("live/", views.live_view, name="live"),
    path("partition/<slug:group>/<slug:code>/", views.partition_view, name="partition"),
    path("export/<slug:name>.csv", views.export_view, name="export"),
]
