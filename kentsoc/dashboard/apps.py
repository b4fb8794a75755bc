from django.apps import AppConfig


class DashboardConfig(AppConfig):
    # The top domain layer: the supervisors' dashboard and the reports read every app below.
    name = "kentsoc.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard and reports"
