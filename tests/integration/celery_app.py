"""The Celery app for test workers: kentsoc's app on the queue named by KENTSOC_TEST_QUEUE.

Setting the default queue (not only `--queues`) matters: tasks the worker itself sends, such as
the stale sweeper's rescores, must land on the same private queue.
"""

import os

from kentsoc.celery import app

app.conf.task_default_queue = os.environ["KENTSOC_TEST_QUEUE"]
# A killed worker's unacked message is put back by a live worker's restore sweep once the
# visibility timeout (5 s in tests) has passed. kombu sweeps every 10 s x every 10th tick by
# default: every second here, so a test sees the redelivery rather than only the stale sweep.
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
