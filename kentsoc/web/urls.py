from django.urls import path

from kentsoc.accounts import views as accounts_views
from kentsoc.org import views as org_views
from kentsoc.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("account/password/", org_views.password_change, name="account-password"),
    # Signing in (password, then the second factor outside the demo) and out: kentsoc/accounts.
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("login/code/", accounts_views.login_code, name="login-code"),
    path("login/enrol/", accounts_views.login_enrol, name="login-enrol"),
    path("login/continue/", accounts_views.login_continue, name="login-continue"),
    path("logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("account/tokens/", accounts_views.tokens, name="account-tokens"),
    path("account/tokens/new/", accounts_views.token_create, name="account-token-create"),
    path(
        "account/tokens/<str:public_id>/revoke/",
        accounts_views.token_revoke,
        name="account-token-revoke",
    ),
]
