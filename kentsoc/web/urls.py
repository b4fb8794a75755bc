from django.urls import path

from kentsoc.web import pickers, views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("pick/<slug:kind>/", pickers.picker_suggest, name="picker"),
]
