from django.urls import path

from kentsoc.lifetime import views

app_name = "lifetime"

urlpatterns = [
    path("", views.index, name="index"),
    path("nominals/<int:pk>/", views.nominal_lifetime, name="nominal"),
    path("nominals/<int:pk>/custody/", views.custody_event, name="custody-event"),
    path("nominals/<int:pk>/conditions/", views.condition_add, name="condition-add"),
    path("nominals/<int:pk>/scpos/", views.scpo_apply, name="scpo-apply"),
    path("custody-periods/<int:pk>/dates/", views.custody_dates, name="custody-dates"),
    path("scpos/<int:pk>/<slug:action>/", views.scpo_action, name="scpo-action"),
    path("releases/", views.ReleaseListView.as_view(), name="releases"),
    path("scpos/expiring/", views.ScpoExpiringListView.as_view(), name="scpos-expiring"),
    path("scpos/breaches/", views.ScpoBreachListView.as_view(), name="scpo-breaches"),
    path("in-prison/", views.InPrisonListView.as_view(), name="in-prison"),
    path("untrained-lros/", views.UntrainedLroListView.as_view(), name="untrained-lros"),
    path("training/", views.TrainingListView.as_view(), name="training"),
    path("training/new/", views.training_create, name="training-create"),
    path("training/<int:pk>/", views.training_detail, name="training-detail"),
    path(
        "training/<int:pk>/attendance/<slug:kind>/",
        views.training_attendance,
        name="training-attendance",
    ),
    path("attention/<int:pk>/dismiss/", views.attention_dismiss, name="attention-dismiss"),
]
