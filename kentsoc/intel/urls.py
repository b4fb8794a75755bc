from django.urls import path

from kentsoc.intel import views

app_name = "intel"

urlpatterns = [
    path("", views.IntelligenceListView.as_view(), name="list"),
    path("new/", views.record_create, name="new"),
    path("subjects/", views.subject_search, name="subject-search"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/delete/", views.record_delete, name="delete"),
    path("evidence/", views.evidence_checklist, name="evidence"),
    path("evidence/<int:pk>/withdraw/", views.evidence_remove, name="evidence-remove"),
]
