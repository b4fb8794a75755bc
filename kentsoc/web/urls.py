from django.urls import path

from kentsoc.web import views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
