from django.urls import path

from countylines import views

app_name = "countylines"

urlpatterns = [
    path("", views.LineListView.as_view(), name="list"),
    path("nominate/", views.nominate, name="nominate"),
    path("deal-line-check/", views.deal_line_check, name="deal-line-check"),
    path("nominal-search/", views.nominal_search, name="nominal-search"),
    path("people-at-risk/", views.people_list, name="people"),
    path("people-at-risk/<int:pk>/", views.person_detail, name="person"),
    path("people-at-risk/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people-at-risk/<int:pk>/referrals/", views.referral_add, name="referral-add"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral-outcome"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/score/", views.score_panel, name="score"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/safeguarding/", views.safeguarding, name="safeguarding"),
    path("<int:pk>/activate/", views.activate, name="activate"),
    path("<int:pk>/flex/", views.flex, name="flex"),
    path("<int:pk>/dismantle/", views.dismantle, name="dismantle"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/deal-lines/", views.add_deal_line, name="add-deal-line"),
    path("<int:pk>/nominals/", views.add_nominal, name="add-nominal"),
    path("<int:pk>/nominals/<int:link_id>/remove/", views.remove_nominal, name="remove-nominal"),
]
