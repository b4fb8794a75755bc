from django.urls import path

from kentsoc.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="list"),
]
