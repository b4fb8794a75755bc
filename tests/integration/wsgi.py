"""The WSGI app for test web processes: kentsoc's, publishing its tasks to the queue named by
KENTSOC_TEST_QUEUE (the same private queue as the test's workers, see celery_app.py)."""

import tests.integration.celery_app  # noqa: F401  (sets the default queue before any publish)
from kentsoc.wsgi import application

__all__ = ["application"]
