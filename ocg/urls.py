from django.urls import path

from ocg import views

app_name = "ocg"

urlpatterns = [
    path("ocgs/", views.OcgListView.as_view(), name="list"),
    path("ocgs/new/", views.nominate, name="nominate"),
    path("ocgs/<int:pk>/", views.detail, name="detail"),
    path("ocgs/<int:pk>/edit/", views.edit, name="edit"),
    path("ocgs/<int:pk>/score/", views.score_panel, name="score"),
    path("ocgs/<int:pk>/network.json", views.network_json, name="network"),
    path("ocgs/<int:pk>/start-development/", views.start_development, name="start-development"),
    path("ocgs/<int:pk>/submit/", views.submit_for_mapping, name="submit"),
    path("ocgs/<int:pk>/approve/", views.approve_mapping, name="approve"),
    path("ocgs/<int:pk>/return/", views.return_submission, name="return"),
    path("ocgs/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("ocgs/<int:pk>/close/", views.close, name="close"),
    path("ocgs/<int:pk>/reject/", views.reject, name="reject"),
    path("ocgs/<int:pk>/members/", views.member_add, name="member-add"),
    path("ocgs/<int:pk>/members/<int:membership_id>/end/", views.member_end, name="member-end"),
    path("ocgs/<int:pk>/plan/", views.plan_add, name="plan-add"),
    path("ocgs/<int:pk>/plan/<int:action_id>/", views.plan_status, name="plan-status"),
    path("nominals/", views.NominalListView.as_view(), name="nominal-list"),
    path("nominals/new/", views.nominal_create, name="nominal-create"),
    path("nominals/search/", views.nominal_search, name="nominal-search"),
    path("nominals/inline/", views.nominal_inline_create, name="nominal-inline-create"),
    path("nominals/<int:pk>/", views.nominal_detail, name="nominal-detail"),
    path("nominals/<int:pk>/pick/", views.nominal_pick, name="nominal-pick"),
    path("nominals/<int:pk>/edit/", views.nominal_edit, name="nominal-edit"),
]
