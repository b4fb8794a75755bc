from django.urls import path

from countylines.views import changes, lines, safeguarding

app_name = "countylines"

urlpatterns = [
    path("", lines.LineListView.as_view(), name="list"),
    path("nominate/", lines.nominate, name="nominate"),
    path("deal-line-check/", lines.deal_line_check, name="deal-line-check"),
    path("nominal-search/", lines.nominal_search, name="nominal-search"),
    path("people-at-risk/", safeguarding.people_list, name="people"),
    path("people-at-risk/new/", safeguarding.person_new, name="person-new"),
    path("people-at-risk/<int:pk>/", safeguarding.person_detail, name="person"),
    path("people-at-risk/<int:pk>/edit/", safeguarding.person_edit, name="person-edit"),
    path("people-at-risk/<int:pk>/referrals/", safeguarding.referral_add, name="referral-add"),
    path("referrals/<int:pk>/outcome/", safeguarding.referral_outcome, name="referral-outcome"),
    path("<int:pk>/", lines.detail, name="detail"),
    path("<int:pk>/score/", lines.score_panel, name="score"),
    path("<int:pk>/edit/", lines.edit, name="edit"),
    path("<int:pk>/history/", lines.history, name="history"),
    path("<int:pk>/safeguarding/", safeguarding.safeguarding, name="safeguarding"),
    path("<int:pk>/activate/", changes.activate, name="activate"),
    path("<int:pk>/flex/", changes.flex, name="flex"),
    path("<int:pk>/dismantle/", changes.dismantle, name="dismantle"),
    path("<int:pk>/reject/", changes.reject, name="reject"),
    path("<int:pk>/deal-lines/", changes.add_deal_line, name="add-deal-line"),
    path("<int:pk>/nominals/", changes.add_nominal, name="add-nominal"),
    path("<int:pk>/nominals/<int:link_id>/remove/", changes.remove_nominal, name="remove-nominal"),
]
