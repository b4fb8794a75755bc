from django.urls import path

from ocg.views import nominals, ocgs, transitions

app_name = "ocg"

urlpatterns = [
    path("ocgs/", ocgs.OcgListView.as_view(), name="list"),
    path("ocgs/new/", ocgs.nominate, name="nominate"),
    path("ocgs/<int:pk>/", ocgs.detail, name="detail"),
    path("ocgs/<int:pk>/edit/", ocgs.edit, name="edit"),
    path("ocgs/<int:pk>/score/", ocgs.score_panel, name="score"),
    path("ocgs/<int:pk>/network.json", ocgs.network_json, name="network"),
    path(
        "ocgs/<int:pk>/start-development/", transitions.start_development, name="start-development"
    ),
    path("ocgs/<int:pk>/submit/", transitions.submit_for_mapping, name="submit"),
    path("ocgs/<int:pk>/approve/", transitions.approve_mapping, name="approve"),
    path("ocgs/<int:pk>/return/", transitions.return_submission, name="return"),
    path("ocgs/<int:pk>/adopt/", transitions.adopt, name="adopt"),
    path("ocgs/<int:pk>/close/", transitions.close, name="close"),
    path("ocgs/<int:pk>/reject/", transitions.reject, name="reject"),
    path("ocgs/<int:pk>/members/", ocgs.member_add, name="member-add"),
    path("ocgs/<int:pk>/members/<int:membership_id>/end/", ocgs.member_end, name="member-end"),
    path("ocgs/<int:pk>/plan/", ocgs.plan_add, name="plan-add"),
    path("ocgs/<int:pk>/plan/<int:action_id>/", ocgs.plan_status, name="plan-status"),
    path("nominals/", nominals.NominalListView.as_view(), name="nominal-list"),
    path("nominals/new/", nominals.nominal_create, name="nominal-create"),
    path("nominals/search/", nominals.nominal_search, name="nominal-search"),
    path("nominals/inline/", nominals.nominal_inline_create, name="nominal-inline-create"),
    path("nominals/<int:pk>/", nominals.nominal_detail, name="nominal-detail"),
    path("nominals/<int:pk>/pick/", nominals.nominal_pick, name="nominal-pick"),
    path("nominals/<int:pk>/edit/", nominals.nominal_edit, name="nominal-edit"),
]
