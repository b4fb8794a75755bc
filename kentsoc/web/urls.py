from django.urls import path

from kentsoc.web import guides, pickers, views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("guide/", guides.guide, name="guide"),
    path("guide/img/<str:name>", guides.guide_image, name="guide-image"),
    path("pick/<slug:kind>/", pickers.picker_suggest, name="picker"),
]
