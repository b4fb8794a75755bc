from django.urls import path

from kentsoc.dashboard import monthly_views, views

# The supervisors' dashboard keeps the URLs and names it had in the matrix app (matrix:...).
app_name = "matrix"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("live/", views.live_view, name="live"),
    path("partition/<slug:group>/<slug:code>/", views.partition_view, name="partition"),
    path("export/<slug:name>.csv", views.export_view, name="export"),
    path("monthly/", monthly_views.monthly_view, name="monthly"),
    path("national/", views.national_view, name="national"),
]
