"""Holds an officer whose password an administrator set at the password page until they choose
their own (Officer.must_change_password)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from kentsoc.org.scoping import must_change_password

# A message, not a password. The API's 403 body, for a session here and for a token in
# kentsoc.accounts.authentication.
CHANGE_FIRST = {
    "detail": "An administrator set your password: choose your own at /account/password/ "
    "before you go on.",
    "code": "password_change_required",
}


class PasswordChangeRequiredMiddleware:
    """Pages redirect to /account/password/; API calls get 403 JSON. Still open: that page,
    signing in and out (the sign-in steps come before the password change), static files and
    the health check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _open(self, path: str) -> bool:
        return path in (reverse("account-password"), reverse("logout"), reverse("healthz")) or (
            path.startswith((reverse("login"), settings.STATIC_URL))
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if must_change_password(user) and not self._open(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse(CHANGE_FIRST, status=403)
            return redirect("account-password")
        return self.get_response(request)
