"""Reads of an officer's own credentials. Nobody reads another officer's tokens: every query
starts from the signed-in user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kentsoc.accounts.models import ApiToken


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's live tokens, newest first (expired ones are dead even before knox deletes them
    at their next use)."""
    now = timezone.now()
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=now), user=user).order_by(
        "-created"
    )


def token_get(*, user: Any, public_id: str) -> ApiToken | None:
    """One of the user's own live tokens by the id shown for it, or None (also for a token of
    somebody else: to its non-owner a token does not exist)."""
    if len(public_id) != 16 or any(c not in "0123456789abcdef" for c in public_id):
        return None
    return token_list(user=user).filter(digest__startswith=public_id).first()
