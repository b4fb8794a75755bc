"""`Authorization: Token <key>` with knox tokens, noting when each token was last used."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from kentsoc.org.middleware import CHANGE_FIRST
from kentsoc.org.scoping import must_change_password

# At most one write per token per minute: enough to show "last used", never a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user, token = super().validate_user(auth_token)
        if must_change_password(user):
            # An administrator set this officer's password: a token is no way around choosing
            # their own (PasswordChangeRequiredMiddleware holds their web sessions).
            raise exceptions.PermissionDenied(CHANGE_FIRST)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            # A conditional UPDATE: concurrent requests with one token write at most once.
            type(token).objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
                pk=token.pk,
            ).update(last_used_at=now)
            token.last_used_at = now
        return user, token
