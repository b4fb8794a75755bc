"""The CLIO activity summary's addresses: the page `clio:activity` (/reports/clio-activity/) and
the API `api:clio-activity`; kentsoc/urls.py includes both."""

from django.urls import path

from kentsoc.dashboard import clio_views
from kentsoc.dashboard.api import clio_views as clio_api_views

app_name = "clio"

urlpatterns = [
    path("reports/clio-activity/", clio_views.activity, name="activity"),
]

api_urlpatterns = [
    path(
        "reports/clio-activity/",
        clio_api_views.ClioActivityView.as_view(),
        name="clio-activity",
    ),
]
