"""A broker outage never fails a write that committed, and leaves nothing that blocks the rescore.

The publish is made to fail the way kombu fails when Redis refuses or times out; the real thing
(a redis-server stopped mid-test, a real worker converging) is tests/integration/test_broker_down.
"""

from __future__ import annotations

import datetime
import logging
import time

import pytest
import redis
from django.db import OperationalError as DatabaseError
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc import broker
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.services.records import intelligence_create
from kentsoc.matrix import services, sweeper
from kentsoc.matrix.tasks import rescore_force, rescore_subject
from tests.factories import days_ago, make_line

pytestmark = pytest.mark.django_db

REFUSED = "Error 111 connecting to 127.0.0.1:6399. Connection refused."


def _refuse(**kwargs):
    raise OperationalError(REFUSED)


def _intelligence(line_id: int) -> dict:
    return {
        "rms_reference": "ATH/26/0901",
        "information_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "summary": "Fictional: a runner seen at a Margate address.",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "ocgs": [],
        "county_lines": [line_id],
        "nominals": [],
        "factor_claims": [{"factor": "line_activity", "level": 3}],
    }


@pytest.fixture
def queued_for_real():
    """Tasks are published (not run inline), with the coalescing markers on the test Redis; the
    markers this test leaves are removed afterwards."""
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        yield
        client = broker._redis()
        prefix = broker._pending_key("x", 0).rsplit(":rescore:", 1)[0]
        for key in client.scan_iter(f"{prefix}:rescore:*"):
            client.delete(key)


def _marker_set(subject_type: str, subject_id: int) -> bool:
    return bool(broker._redis().exists(broker._pending_key(subject_type, subject_id)))


@pytest.mark.parametrize(
    "error",
    [
        OperationalError(REFUSED),
        redis.exceptions.ConnectionError(REFUSED),
        TimeoutError("Timeout reading from socket"),
    ],
    ids=["kombu", "redis", "socket"],
)
def test_send_reports_a_failed_publish_instead_of_raising(monkeypatch, caplog, error):
    def fail(**kwargs):
        raise error

    monkeypatch.setattr(rescore_subject, "delay", fail)
    with caplog.at_level(logging.WARNING, logger="kentsoc.broker"):
        assert broker.send(rescore_subject, subject_type="ocg", subject_id=7) is False
    assert "not queued" in caplog.text and "subject_id=7" in caplog.text


def test_send_publishes_and_lets_programming_errors_through(monkeypatch):
    sent = []
    monkeypatch.setattr(rescore_subject, "delay", lambda **kw: sent.append(kw))
    assert broker.send(rescore_subject, subject_type="ocg", subject_id=7) is True
    assert sent == [{"subject_type": "ocg", "subject_id": 7}]

    def bug(**kwargs):
        raise TypeError("not a broker problem")

    monkeypatch.setattr(rescore_subject, "delay", bug)
    with pytest.raises(TypeError):
        broker.send(rescore_subject, subject_type="ocg", subject_id=7)


def test_the_service_returns_normally_when_the_publish_fails(
    queued_for_real, force, analyst, monkeypatch, django_capture_on_commit_callbacks
):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    attempts = []

    def refuse(**kwargs):
        # The marker was claimed before the publish (of the line's force's turn) was tried.
        attempts.append(_marker_set("county_line", line.pk))
        _refuse()

    monkeypatch.setattr(rescore_subject, "delay", refuse)
    monkeypatch.setattr(rescore_force, "delay", refuse)
    data = _intelligence(line.pk)
    data["information_date"] = datetime.date.fromisoformat(data["information_date"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = intelligence_create(actor=analyst, **data)

    assert len(callbacks) == 1 and attempts == [True]
    assert IntelligenceRecord.objects.filter(pk=record.pk).count() == 1
    line.refresh_from_db()
    assert line.score_stale_since is not None
    # Nothing was queued, so no marker may make the sweep think a rescore is on its way.
    assert not _marker_set("county_line", line.pk)
    assert not broker._redis().exists(broker._force_keys(line.division.force_id)[0])


@pytest.mark.django_db(transaction=True)
def test_post_intelligence_while_the_broker_is_down_answers_201_and_saves_once(
    queued_for_real, force, analyst, monkeypatch
):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    monkeypatch.setattr(rescore_subject, "delay", _refuse)
    monkeypatch.setattr(rescore_force, "delay", _refuse)
    client = APIClient()
    client.force_authenticate(analyst)

    response = client.post("/api/intelligence/", _intelligence(line.pk), format="json")

    assert response.status_code == 201, response.content
    assert IntelligenceRecord.objects.filter(county_lines=line).count() == 1
    assert CountyLine.objects.get(pk=line.pk).score_stale_since is not None


def test_the_sweep_stops_at_the_first_refused_publish_and_requeues_all_once_back(
    queued_for_real, force, monkeypatch
):
    north = force["divisions"]["north"]
    lines = [
        make_line(north, status=LineStatus.ACTIVE, nominated_on=days_ago(365)) for _ in range(3)
    ]
    CountyLine.objects.update(score_stale_since=timezone.now() - datetime.timedelta(minutes=5))
    refused = []

    def refuse(**kwargs):
        refused.append(kwargs)
        _refuse()

    # The sweep lists each subject in its force's list and queues the force's turn as backlog.
    monkeypatch.setattr(rescore_force, "apply_async", lambda kwargs, priority: refuse(**kwargs))
    assert services.stale_subjects_requeue(older_than_seconds=60) == 0
    assert len(refused) == 1  # the others are not each left to time out
    assert not any(_marker_set("county_line", line.pk) for line in lines)

    sent = []
    monkeypatch.setattr(
        rescore_force, "apply_async", lambda kwargs, priority: sent.append((kwargs, priority))
    )
    assert services.stale_subjects_requeue(older_than_seconds=60) == 3
    force_id = north.force_id
    assert sent == [({"force_id": force_id}, broker.BACKLOG_PRIORITY)]  # one turn for the force
    listed = []
    while (subject := broker.force_turn_next(force_id)) is not None:
        listed.append(subject)
    assert set(listed) == {("county_line", line.pk) for line in lines}


def _calls_of_requeue(monkeypatch, fail_on: int = 0) -> list[int]:
    calls: list[int] = []

    def requeue(*, older_than_seconds: int) -> int:
        calls.append(older_than_seconds)
        if len(calls) == fail_on:
            raise DatabaseError("the database went away")
        return 0

    monkeypatch.setattr(sweeper, "stale_subjects_requeue", requeue)
    return calls


def test_the_worker_sweep_runs_at_start_then_on_its_timer_and_outlives_a_failure(monkeypatch):
    calls = _calls_of_requeue(monkeypatch, fail_on=2)
    stale_sweeper = sweeper.StaleSweeper(interval=0.05, stale_after=42)
    stale_sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while len(calls) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stale_sweeper.stop()
        stale_sweeper.join(timeout=5)
    assert not stale_sweeper.is_alive()
    assert calls[:4] == [42, 42, 42, 42]


def test_worker_ready_starts_the_sweep_with_the_settings(monkeypatch, settings):
    from celery.signals import worker_ready, worker_shutting_down

    from kentsoc import celery as kentsoc_celery

    calls = _calls_of_requeue(monkeypatch)
    settings.MATRIX_SWEEP_INTERVAL_SECONDS = 0  # at start only
    settings.MATRIX_SWEEP_STALE_AFTER_SECONDS = 17

    worker_ready.send(sender=None)
    started = list(kentsoc_celery._sweepers)
    for thread in started:
        thread.join(timeout=5)
    worker_shutting_down.send(sender=None, sig="TERM", how="Warm", exitcode=0)

    assert [(t.name, t.interval, t.stale_after) for t in started] == [
        ("kentsoc-stale-sweeper", 0, 17)
    ]
    assert calls == [17]
    assert kentsoc_celery._sweepers == []
