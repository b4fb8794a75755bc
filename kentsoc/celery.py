import logging
import os
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready, worker_shutting_down

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")

app = Celery("kentsoc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
