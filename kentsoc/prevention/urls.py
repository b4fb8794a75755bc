from django.urls import path

from kentsoc.prevention import views

app_name = "prevention"

urlpatterns = [
    path("school-sessions/", views.SchoolSessionListView.as_view(), name="sessions"),
    path("school-sessions/new/", views.SchoolSessionNewView.as_view(), name="session-new"),
    path("school-sessions/<int:pk>/", views.SchoolSessionView.as_view(), name="session"),
    path("interventions/", views.InterventionListView.as_view(), name="interventions"),
    path("interventions/new/", views.InterventionNewView.as_view(), name="intervention-new"),
    path("interventions/<int:pk>/", views.InterventionView.as_view(), name="intervention"),
]
