"""The Celery app for test workers: kentsoc's app on the queue named by KENTSOC_TEST_QUEUE.

Setting the default queue (not only `--queues`) matters: tasks the worker itself sends, such as
the stale sweeper's rescores, must land on the same private queue.
"""

import os

from kentsoc.celery import app

app.conf.task_default_queue = os.environ["KENTSOC_TEST_QUEUE"]

__all__ = ["app"]
