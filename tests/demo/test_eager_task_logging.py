"""`make run` has no broker: tasks run eagerly in the web process, and their per-task success
lines must not bury the runserver log."""

import logging

import pytest

from kentsoc.celery import app
from kentsoc.matrix.tasks import requeue_stale_subjects

pytestmark = pytest.mark.django_db


def test_eager_task_success_is_not_logged_at_info(caplog):
    assert app.conf.task_always_eager  # `make pytest` runs tasks eagerly, as `make run` does
    with caplog.at_level(logging.INFO):
        requeue_stale_subjects.delay(older_than_seconds=60)
    assert not [r for r in caplog.records if "succeeded in" in r.getMessage()]
