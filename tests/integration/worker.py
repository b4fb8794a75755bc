"""Real Celery worker processes for tests (tests/integration and the dashboard's browser test).

The worker is a `celery worker` subprocess on Redis, connected to this test run's PostgreSQL test
database (so the test needs `transactional_db`: the worker only sees committed rows). Each test
database gets its own queue, so two test runs (or a benchmark) sharing the Redis server never
take each other's tasks; the rescore markers are already namespaced by database name.

A test module imports the fixture (`from tests.integration.worker import real_worker_fixture`)
and asks for it as `real_worker`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from kombu import pools

from kentsoc import broker
from kentsoc.celery import app

REDIS_URL = os.environ.get("MATRIX_INTEGRATION_REDIS_URL", "redis://127.0.0.1:6379/14")
ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WAIT_SECONDS = 60


def _use_broker(url: str, queue: str) -> None:
    """Point this process's Celery producer at `url` and `queue`, dropping pooled connections.

    kombu keeps connection and producer pools in process-wide registries keyed by broker URL.
    Closing one pool leaves it registered, closed, for the next user of that URL (even an eager
    task acquires a producer): "Acquire on closed pool" in every later test. Reset the registries.
    """
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url
    app.conf.task_default_queue = queue


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _die_with_the_test_run() -> None:
    """In the worker before exec: the kernel kills it if the test process dies, even by SIGKILL
    (a timeout), so no orphan worker is left holding the test database or taking tasks."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


class Workers:
    """Starts worker and web processes, and guarantees they are gone when the test ends."""

    def __init__(self, tmp_path: Path, queue: str, redis_url: str = REDIS_URL) -> None:
        self.tmp_path = tmp_path
        self.queue = queue
        self.redis_url = redis_url
        self.started: list[subprocess.Popen] = []

    def _environment(self, extra_env: dict[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_database_url(),
            REDIS_URL=self.redis_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            # A killed worker's unacked message comes back quickly; the sweeper covers it anyway.
            CELERY_VISIBILITY_TIMEOUT="5",
            LOG_LEVEL="WARNING",
            KENTSOC_TEST_QUEUE=self.queue,
            **extra_env,
        )
        env.pop("TEST_DATABASE_NAME", None)
        return env

    def _spawn(self, name: str, argv: list[str], extra_env: dict[str, str]) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self._environment(extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_the_test_run,
        )
        log.close()  # the child holds its own descriptor
        self.started.append(process)
        return process

    def start(self, name: str, **extra_env: str) -> subprocess.Popen:
        return self._spawn(
            name,
            [
                CELERY,
                "-A",
                "tests.integration.celery_app",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={name}-{os.getpid()}@%h",
            ],
            extra_env,
        )

    def serve(self, name: str, *, threads: int = 4, **extra_env: str) -> str:
        """Start a web process (gunicorn, one gthread worker) on a free port of 127.0.0.1,
        publishing to this run's queue; its base URL once it answers."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = self._spawn(
            name,
            [
                GUNICORN,
                # Not the repository's gunicorn.conf.py (2 x cores + 1 workers): one worker each.
                "--config=/dev/null",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--worker-class=gthread",
                f"--threads={threads}",
                "--timeout=120",
                "tests.integration.wsgi:application",
            ],
            extra_env,
        )
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            if server.poll() is not None:
                pytest.fail(f"web process {name} exited. Logs:\n{self.logs()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False

        self.wait_for(answers, f"web process {name} on port {port}")
        return url

    @staticmethod
    def stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        """Signal the worker's whole process group (its own session) and reap it."""
        if worker.poll() is not None:
            return
        try:
            os.killpg(worker.pid, sig)
            worker.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

    def stop_all(self) -> None:
        for worker in self.started:
            self.stop(worker, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.tmp_path.glob("*.log")))

    def wait_for(self, check: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        pytest.fail(f"Timed out waiting for {what}. Worker logs:\n{self.logs()}")


def _clear_queue(redis_url: str, queue: str) -> None:
    """Drop what a previous (aborted) run of this test database left: its queue and markers."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue)
    markers = list(client.scan_iter(f"kentsoc:{connection.settings_dict['NAME']}:*"))
    if markers:
        client.delete(*markers)


@contextlib.contextmanager
def workers_on(redis_url: str, tmp_path: Path) -> Iterator[Workers]:
    """Tasks this process sends go to `redis_url` instead of running inline; `start(name)` on
    the Workers yielded starts a worker on it. Every worker started is killed on the way out,
    even when the test fails. Needs `transactional_db`."""
    queue = f"kentsoc-test-{connection.settings_dict['NAME']}"
    _clear_queue(redis_url, queue)
    eager = app.conf.task_always_eager
    default_queue = app.conf.task_default_queue
    app.conf.task_always_eager = False
    _use_broker(redis_url, queue)
    broker._redis.cache_clear()
    workers = Workers(tmp_path, queue, redis_url)
    try:
        with override_settings(REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER=False):
            yield workers
    finally:
        workers.stop_all()
        broker._redis.cache_clear()
        app.conf.task_always_eager = eager
        _use_broker(settings.CELERY_BROKER_URL, default_queue)
        connection.close()


@pytest.fixture(name="real_worker")
def real_worker_fixture(transactional_db, tmp_path) -> Iterator[Workers]:
    """Real workers on the shared test Redis (`MATRIX_INTEGRATION_REDIS_URL`): see workers_on."""
    with workers_on(REDIS_URL, tmp_path) as workers:
        yield workers
