from django.urls import path

from kentsoc.accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/tokens/", views.TokenListView.as_view(), name="auth-token-list"),
    path("auth/tokens/<str:public_id>/", views.TokenDetailView.as_view(), name="auth-token-detail"),
]
