"""Signing in (password, then the second factor outside the demo) and out, the officer's own API
tokens and password. No namespace: these names are the project's (`login`, `logout`, ...)."""

from django.urls import path

from kentsoc.accounts import views

urlpatterns = [
    path("account/password/", views.password_change, name="account-password"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login-code"),
    path("login/enrol/", views.login_enrol, name="login-enrol"),
    path("login/continue/", views.login_continue, name="login-continue"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/tokens/", views.tokens, name="account-tokens"),
    path("account/tokens/new/", views.token_create, name="account-token-create"),
    path(
        "account/tokens/<str:public_id>/revoke/",
        views.token_revoke,
        name="account-token-revoke",
    ),
]
