from django.urls import path

from kentsoc.prevention import views

app_name = "prevention"

urlpatterns = [
    path("school-sessions/", views.SchoolSessionListView.as_view(), name="sessions"),
    path("school-sessions/new/", views.session_new, name="session-new"),
    path("school-sessions/<int:pk>/", views.session_detail, name="session"),
    path("interventions/", views.InterventionListView.as_view(), name="interventions"),
    path("interventions/new/", views.intervention_new, name="intervention-new"),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention"),
]
