"""The reports' addresses. The activity summary keeps its names from when it lived in the
disruptions app: the page is `disruptions:reports` (kentsoc/urls.py adds `urlpatterns` to that
namespace) and the API `api:activity-summary`."""

from django.urls import path

from kentsoc.dashboard import report_views
from kentsoc.dashboard.api import monthly as monthly_api
from kentsoc.dashboard.api import national as national_api
from kentsoc.dashboard.api import report_views as report_api_views

urlpatterns = [
    path("reports/", report_views.reports, name="reports"),
]

api_urlpatterns = [
    path(
        "reports/activity-summary/",
        report_api_views.ActivitySummaryView.as_view(),
        name="activity-summary",
    ),
    path(
        "reports/monthly-matrix/",
        monthly_api.MonthlyMatrixView.as_view(),
        name="monthly-matrix",
    ),
    path("reports/national/", national_api.NationalView.as_view(), name="national"),
]
