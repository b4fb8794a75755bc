"""Reachability of what kentsoc needs: the database and the Celery broker."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_status() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any failure means "down"; the reason is reported)
        return False, type(exc).__name__
    return True, connection.vendor


def broker_status(timeout: float = 1.0) -> tuple[bool, str]:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        # The demo without REDIS_URL: tasks run in the web process, there is nothing to reach.
        return True, "none (no REDIS_URL: tasks run in the web process)"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, "redis"
