import contextlib
import logging
import os
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun, worker_ready, worker_shutting_down
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")

app = Celery("kentsoc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fixup closes every database connection before and after each task unless this
# is set, so each rescore opened a new PostgreSQL connection: a server process started, logged
# in and its caches of the catalog cold, on every message, under a stream of twenty a second. The
# fixup now closes them only every this many tasks; in between they are kept as a web request
# keeps them (`_close_old_connections`).
app.conf.CELERY_DB_REUSE_MAX = 1000


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender: Any = None, **kwargs: Any) -> None:
    # Django's rule around a request: a connection older than CONN_MAX_AGE, or one an error left
    # unusable, is closed, and the next query opens another. Not for an eager task: it runs in
    # its caller's transaction, which closing would end.
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


class _RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, its commands sent through one client. kombu builds a new client
    (its table of reply parsers copied, two hundred entries) for every publish, every delivery a
    worker records as unacknowledged and every acknowledgement: two a message on the worker,
    1.1K of the 2.9K Python calls Celery and kombu spent on each. A client sends each command on
    a connection of the channel's pool, as kombu's own clients do, so sharing one changes nothing
    else."""

    @cached_property
    def _commands_client(self) -> Any:
        return self._create_client()

    @contextlib.contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        yield client or self._commands_client


class RedisTransport(kombu_redis.Transport):
    Channel = _RedisChannel


@app.on_after_configure.connect
def _one_redis_client_per_channel(sender: Celery, **kwargs: Any) -> None:
    # Plain redis:// only: kombu gives a rediss:// URL its TLS defaults by the URL's scheme,
    # which a transport named here would take the place of.
    if not sender.conf.broker_transport and str(sender.conf.broker_url).startswith("redis://"):
        sender.conf.broker_transport = f"{__name__}:RedisTransport"


@app.on_after_configure.connect
def _quiet_eager_task_successes(sender: Celery, **kwargs: Any) -> None:
    # Without a broker (`make run`, the demo) tasks run inside the web process, and Celery's
    # "Task ... succeeded in ...s" line for every rescore buries the runserver log. A real worker
    # keeps them; failures are logged at ERROR either way.
    if sender.conf.task_always_eager:
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)


_sweepers: list[Any] = []


@worker_ready.connect
def _start_stale_sweeper(sender: Any = None, **kwargs: Any) -> None:
    # Rescores whose publish failed during a broker outage are picked up by the worker itself,
    # at start and on a timer: the matrix converges without beat (kentsoc/matrix/sweeper.py).
    from django.conf import settings

    from kentsoc.matrix.sweeper import StaleSweeper

    sweeper = StaleSweeper(
        interval=settings.MATRIX_SWEEP_INTERVAL_SECONDS,
        stale_after=settings.MATRIX_SWEEP_STALE_AFTER_SECONDS,
    )
    sweeper.start()
    _sweepers.append(sweeper)


@worker_shutting_down.connect
def _stop_stale_sweeper(**kwargs: Any) -> None:
    while _sweepers:
        _sweepers.pop().stop()


app.conf.beat_schedule = {
    # Anything stale for over a minute lost its message (killed worker, broker restart).
    "matrix-requeue-stale": {
        "task": "kentsoc.matrix.tasks.requeue_stale_subjects",
        "schedule": 30.0,
        "kwargs": {"older_than_seconds": 60},
        "options": {"expires": 25},
    },
    "matrix-daily-snapshot": {
        "task": "kentsoc.matrix.tasks.write_daily_snapshot",
        "schedule": crontab(hour=0, minute=15),
    },
    # Releases and SCPO expiries crossing the 90/30/7-day marks, on the lists before the day starts.
    "lifetime-daily-attention": {
        "task": "kentsoc.lifetime.tasks.flag_due_releases_and_expiries",
        "schedule": crontab(hour=5, minute=30),
    },
}
