"""The matrix pipeline end to end with a REAL Celery worker process.

API writes in this process -> on_commit enqueue to Redis -> a `celery worker` subprocess rescoring
against the same PostgreSQL test database -> rankings. Then the worker is SIGKILLed while it holds
a rescore, and a fresh worker (helped by the stale sweeper) must finish the job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.celery import app
from kentsoc.matrix import services
from kentsoc.matrix.models import Ranking

pytestmark = [pytest.mark.integration]

REDIS_URL = os.environ.get("MATRIX_INTEGRATION_REDIS_URL", "redis://127.0.0.1:6379/14")
ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
WAIT_SECONDS = 60


def _use_broker(url: str) -> None:
    """Point this process's Celery producer at `url`, dropping any pooled connection."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


def _worker_env(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"  # noqa: E501
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        # A killed worker's unacked message comes back quickly; the sweeper covers it anyway.
        CELERY_VISIBILITY_TIMEOUT="5",
        LOG_LEVEL="WARNING",
        **extra,
    )
    env.pop("TEST_DATABASE_NAME", None)
    return env


def _start_worker(name: str, tmp_path: Path, **extra: str) -> subprocess.Popen:
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [
            CELERY,
            "-A",
            "kentsoc",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}@%h",
        ],
        cwd=ROOT,
        env=_worker_env(**extra),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.kill(worker.pid, sig)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def _wait_for(check: Callable[[], bool], what: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    logs = "\n".join(p.read_text()[-3000:] for p in sorted(tmp_path.glob("*.log")))
    pytest.fail(f"Timed out waiting for {what}. Worker logs:\n{logs}")


def _north_ranking() -> list[tuple[str, int]]:
    connection.close()  # a fresh snapshot each poll
    return list(
        Ranking.objects.filter(subject_type="county_line", partition="NORTH")
        .order_by("rank")
        .values_list("county_line__name", "total")
    )


@pytest.fixture
def real_worker_setup(transactional_db):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _use_broker(REDIS_URL)
    services._redis.cache_clear()
    with override_settings(REDIS_URL=REDIS_URL, CELERY_TASK_ALWAYS_EAGER=False):
        yield
    services._redis.cache_clear()
    app.conf.task_always_eager = eager
    _use_broker(settings.CELERY_BROKER_URL)


def _line(client, name: str, district_id: int, number: str) -> int:
    response = client.post(
        "/api/county-lines/",
        {
            "name": name,
            "exporting_area": "Fictional Borough",
            "importing_districts": [district_id],
            "deal_lines": [number],
            "ocg": None,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    line_id = response.json()["id"]
    for criterion in ("exporting_network", "importing_area", "deal_line", "drug_supply"):
        response = client.post(
            f"/api/county-lines/{line_id}/evidence/",
            {"criterion": criterion, "text": f"Fictional evidence: {criterion}", "records": []},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    response = client.post(f"/api/county-lines/{line_id}/activate/")
    assert response.status_code == 200, response.content
    return line_id


def _intelligence(client, line_id: int, claims: dict[str, int], grade: str = "1B") -> None:
    response = client.post(
        "/api/intelligence/",
        {
            "rms_reference": "ATH-FICT-1",
            "information_date": timezone.localdate().isoformat(),
            "summary": "Fictional intelligence for the worker test.",
            "source_evaluation": grade[0],
            "intelligence_assessment": grade[1],
            "handling_code": "P",
            "county_lines": [line_id],
            "factor_claims": [{"factor": f, "level": lv} for f, lv in claims.items()],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_real_worker_ranks_and_survives_sigkill(
    real_worker_setup, client, supervisor, force, tmp_path
):
    client.force_login(supervisor)
    medway = force["districts"]["medway"].pk
    worker = _start_worker("first", tmp_path)
    try:
        blaze = _line(client, "BLAZE", medway, "07700 900101")
        frost = _line(client, "FROST", medway, "07700 900102")
        kings = _line(client, "KINGS", medway, "07700 900103")
        _intelligence(client, frost, {"violence": 3})  # 5 + recency 2
        _intelligence(client, kings, {"weapons": 2, "child_exploitation": 2})  # 11 + 2
        _intelligence(client, blaze, {"drug_class": 1})  # 1 + 2
        expected = [("KINGS", 13), ("FROST", 7), ("BLAZE", 3)]
        _wait_for(lambda: _north_ranking() == expected, f"ranking {expected}", tmp_path)
        _stop(worker)

        # A worker that parks inside the rescore (the hook writes the file, then sleeps).
        hold = tmp_path / "holding"
        worker = _start_worker("doomed", tmp_path, KENTSOC_MATRIX_TEST_HOLD_FILE=str(hold))
        _intelligence(client, blaze, {"weapons": 2, "violence": 3, "cuckooing": 1})
        _wait_for(hold.exists, "the worker to hold the rescore", tmp_path)
        _stop(worker, signal.SIGKILL)
        assert CountyLine.objects.get(pk=blaze).score_stale_since is not None
        assert _north_ranking() == expected

        # Nothing lost: a new worker picks the subject up (redelivery, or the stale sweeper).
        worker = _start_worker("rescuer", tmp_path, KENTSOC_MATRIX_TEST_HOLD_FILE=str(hold))
        from kentsoc.matrix.tasks import requeue_stale_subjects

        requeue_stale_subjects.delay(older_than_seconds=0)
        expected = [("BLAZE", 1 + 5 + 5 + 3 + 2), ("KINGS", 13), ("FROST", 7)]
        _wait_for(lambda: _north_ranking() == expected, f"ranking {expected}", tmp_path)
        _wait_for(
            lambda: CountyLine.objects.get(pk=blaze).score_stale_since is None,
            "the stale flag to clear",
            tmp_path,
        )
    finally:
        _stop(worker, signal.SIGKILL)
        connection.close()
