"""Authentication guard: the published demo password never signs anyone in outside the demo."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.crypto import constant_time_compare


class DemoPasswordGuard:
    """Refuses the demo password whenever DEBUG is off.

    seed_demo gives demo users unusable passwords when DEBUG is off, but a database seeded for the
    demo and then served with DEBUG off would still hold the demo hashes. Raising PermissionDenied
    stops Django trying the other backends and counts as a failed login (audited, and counted by
    django-axes), whoever the username is. It has no get_user(): it never signs anyone in, so
    no session may name it as its backend.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if (
            not settings.DEBUG
            and password
            and constant_time_compare(password, settings.KENTSOC_DEMO_PASSWORD)
        ):
            raise PermissionDenied("The demo password is not accepted when DEBUG is off.")
        return None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request (the login page, the
    token endpoint). A call without one (Django's test client `login()`, the shell) has no client
    to count or lock: axes would raise ValueError there, so it leaves it to the backends below."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
