"""Publishing Celery tasks after a commit without letting a broker outage fail the write.

A task sent from an `on_commit` callback runs after the transaction has committed: raising there
would turn a saved write into a 500, and a client that retries would save it twice. Every task
the services enqueue goes through `send`, which logs and reports a failed publish instead. What
the task would have done is not lost: its subject is still marked stale in the database, and the
worker's stale sweep (kentsoc/matrix/sweeper.py) re-enqueues it once the broker is back.

How long a publish may take before it gives up is set in settings (`CELERY_BROKER_TIMEOUT`).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a publish raises when the broker is down, hung or refuses the message: kombu wraps most
# connection failures in its OperationalError (a KombuError), but redis-py and socket errors can
# surface unwrapped (OSError covers ConnectionError and TimeoutError).
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (KombuError, RedisError, OSError)


def send(task: Task, /, **kwargs: Any) -> bool:
    """Publish `task` with keyword arguments. False (and a warning) when the broker cannot take
    it; the caller leaves its stale marker for the sweep rather than failing."""
    try:
        task.delay(**kwargs)
    except PUBLISH_ERRORS as exc:
        logger.warning(
            "Broker unreachable, %s(%s) not queued (%s: %s); the stale sweep will re-enqueue it",
            task.name,
            ", ".join(f"{key}={value!r}" for key, value in sorted(kwargs.items())),
            type(exc).__name__,
            exc,
        )
        return False
    return True
