"""The Celery app of the benchmark's worker: kentsoc's app on a queue of its own, so a test run's
worker sharing the Redis server never takes the benchmark's tasks, nor the other way round.
The default queue (not only `--queues`) also carries what the worker itself sends."""

from kentsoc.celery import app

QUEUE = "kentsoc-bench"
app.conf.task_default_queue = QUEUE

__all__ = ["QUEUE", "app"]
