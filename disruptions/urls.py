from django.urls import path

from disruptions import views

app_name = "disruptions"

urlpatterns = [
    path("disruptions/", views.DisruptionListView.as_view(), name="list"),
    path("disruptions/new/", views.disruption_create, name="create"),
    path("disruptions/mine/", views.my_drafts, name="mine"),
    path("disruptions/approvals/", views.approval_queue, name="approvals"),
    path("disruptions/subjects/", views.subject_search, name="subject-search"),
    path("disruptions/court-results/", views.CourtResultListView.as_view(), name="court-results"),
    path("disruptions/<int:pk>/", views.disruption_detail, name="detail"),
    path("disruptions/<int:pk>/edit/", views.disruption_edit, name="edit"),
    path("disruptions/<int:pk>/submit/", views.disruption_submit, name="submit"),
    path("disruptions/<int:pk>/approve/", views.disruption_approve, name="approve"),
    path("disruptions/<int:pk>/return/", views.disruption_return, name="return"),
    path(
        "disruptions/<int:pk>/court-results/new/",
        views.court_result_create,
        name="court-result-create",
    ),
    path("operations/", views.OperationListView.as_view(), name="operations"),
    path("operations/new/", views.operation_create, name="operation-create"),
    path("operations/<int:pk>/", views.operation_detail, name="operation-detail"),
    path("operations/<int:pk>/edit/", views.operation_edit, name="operation-edit"),
]
