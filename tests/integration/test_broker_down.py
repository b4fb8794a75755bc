"""A broker outage, for real: kentsoc's own redis-server is stopped mid-test.

This process (the app under test) and a real `celery worker` subprocess share a redis-server the
test starts on a spare port. With it stopped, an analyst's POST /api/intelligence/ still answers
201 at once and saves exactly one record, and the line is left stale. The redis-server is started
again on the same port and, with no beat running and nothing sent by the test, the worker alone
(its stale sweep, kentsoc/matrix/sweeper.py) gets the line rescored within 60 seconds.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix.models import Score
from tests.factories import days_ago, make_line
from tests.integration.worker import workers_on

pytestmark = [pytest.mark.integration]

# The worker sweeps every 2 s for subjects stale over 3 s (production: 30 s and 60 s), so that
# convergence is measured in seconds, well inside the 60 s the test allows.
SWEEP_ENV = {"MATRIX_SWEEP_INTERVAL": "2", "MATRIX_SWEEP_STALE_AFTER": "3"}
CONVERGE_SECONDS = 60


class RedisServer:
    """A throwaway redis-server (no persistence) on one port, stopped and started at will."""

    def __init__(self, log: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not on PATH; the broker-down test starts its own")
        self.binary = binary
        self.log = log
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not answer on port {self.port}:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis-server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def worker_on_own_redis(transactional_db, tmp_path, own_redis):
    with workers_on(own_redis.url, tmp_path) as workers:
        yield workers


def _post_intelligence(client: APIClient, line_id: int, rms: str, days_ago: int):
    return client.post(
        "/api/intelligence/",
        {
            "rms_reference": rms,
            "information_date": (timezone.localdate() - datetime.timedelta(days=days_ago)),
            "summary": "Fictional intelligence for the broker-down test.",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "P",
            "ocgs": [],
            "county_lines": [line_id],
            "nominals": [],
            "factor_claims": [{"factor": "line_activity", "level": 3}],
        },
        format="json",
    )


def _line_state(line_id: int) -> tuple[datetime.datetime | None, datetime.date | None]:
    """(score_stale_since, newest_intelligence_on of the current score), from a fresh snapshot."""
    connection.close()
    stale_since = CountyLine.objects.get(pk=line_id).score_stale_since
    newest = (
        Score.objects.filter(county_line=line_id, is_current=True)
        .values_list("newest_intelligence_on", flat=True)
        .first()
    )
    return stale_since, newest


def test_a_write_during_an_outage_is_saved_once_and_rescored_by_the_worker_alone(
    worker_on_own_redis, own_redis, force, analyst
):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    client = APIClient()
    client.force_authenticate(analyst)
    worker_on_own_redis.start("sweeping", **SWEEP_ENV)
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)

    # Broker up: the worker is alive and scores the line.
    assert _post_intelligence(client, line.pk, "ATH/26/0801", days_ago=10).status_code == 201
    worker_on_own_redis.wait_for(
        lambda: _line_state(line.pk) == (None, ten_days_ago), "the first score"
    )

    own_redis.stop()
    started = time.monotonic()
    response = _post_intelligence(client, line.pk, "ATH/26/0802", days_ago=1)
    elapsed = time.monotonic() - started

    assert response.status_code == 201, response.content
    assert elapsed < 5, f"the POST took {elapsed:.1f} s with the broker down"
    assert IntelligenceRecord.objects.filter(rms_reference="ATH/26/0802").count() == 1
    # The worker's sweeps fail while Redis is away; the line waits, stale.
    time.sleep(3)
    stale_since, newest = _line_state(line.pk)
    assert stale_since is not None and newest == ten_days_ago

    own_redis.start()
    restarted = time.monotonic()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    deadline = restarted + CONVERGE_SECONDS
    while _line_state(line.pk) != (None, yesterday):
        if time.monotonic() > deadline:
            pytest.fail(
                f"not rescored {CONVERGE_SECONDS} s after the broker came back: "
                f"{_line_state(line.pk)}. Logs:\n{worker_on_own_redis.logs()}"
            )
        time.sleep(0.25)
    converged = time.monotonic() - restarted
    print(f"POST with the broker down: {elapsed:.2f} s; rescored {converged:.1f} s after restart")
