"""Ask a service whether it accepts a write without keeping it: the offered-choices tests check
that every choice a form offers is one its service accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction


def service_refusal(call: Callable[[], Any]) -> dict[str, list[str]] | None:
    """The service's field errors, or None when it accepts; an accepted write is rolled back."""
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except ValidationError as exc:
        return exc.message_dict
    return None
