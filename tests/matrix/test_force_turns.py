"""One force's rescore never waits behind another force's backlog (kentsoc.broker, "one turn
per force"): each force's pending rescores wait in a list of their own and the queue holds one
turn per force, so the workers serve the forces round-robin.

The queue here is a plain list the test pops in order, as a worker would; the real workers and
the stream of changes are bench/run.py's (`make bench`, BENCH_PARTS=worker).
"""

from functools import partial

import pytest
from django.test import override_settings

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc import broker
from kentsoc.matrix import tasks
from kentsoc.matrix.models import Score
from tests.factories import days_ago, make_line, make_record, other_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(monkeypatch):
    """Tasks are published (not run inline) into `queue` as (task, kwargs, priority), with the
    markers on the test Redis; what the test leaves there is removed afterwards."""
    published = []

    def publish(kind, kwargs, priority=0):
        published.append((kind, kwargs, priority))

    monkeypatch.setattr(tasks.rescore_force, "delay", lambda **kw: publish("force", kw))
    monkeypatch.setattr(tasks.rescore_force, "apply_async", partial(publish, "force"))
    monkeypatch.setattr(tasks.rescore_subject, "delay", lambda **kw: publish("subject", kw))
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        _clear()
        yield published
        _clear()


def _clear():
    client = broker._redis()
    prefix = broker._forces_key().rsplit(":rescore:", 1)[0]
    for key in client.scan_iter(f"{prefix}:rescore:*"):
        client.delete(key)


def _change(line, django_capture_on_commit_callbacks):
    """What an officer's save does to the matrix: the line marked stale, its rescore queued once
    the save commits."""
    with django_capture_on_commit_callbacks(execute=True):
        broker.mark_stale(CountyLine, [line.pk], subject_type="county_line")


def _lines(division, prefix, n):
    lines = []
    for i in range(n):
        line = make_line(
            division, f"{prefix}-{i:02}", status=LineStatus.ACTIVE, nominated_on=days_ago(100)
        )
        make_record(lines=[line], claims={"violence": 1 + i % 3}, on=days_ago(3), grading="2B")
        lines.append(line)
    return lines


def _scored(lines):
    return {line.pk for line in lines if Score.objects.filter(county_line=line).exists()}


def test_a_burst_in_one_force_queues_one_turn_and_another_force_is_served_next(
    force, queue, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(broker, "RESCORE_TURN", 4)  # turns of four, to see them
    ours = _lines(force["divisions"]["north"], "A", 10)
    theirs = _lines(other_force()["divisions"]["north"], "B", 1)
    force_a, force_b = ours[0].division.force_id, theirs[0].division.force_id

    # Fifty changes to force A's ten lines (five each), then one to force B's line.
    for n in range(50):
        _change(ours[n % 10], django_capture_on_commit_callbacks)
    assert queue == [("force", {"force_id": force_a}, 0)], "fifty changes, one turn queued"
    _change(theirs[0], django_capture_on_commit_callbacks)
    assert queue[1:] == [("force", {"force_id": force_b}, 0)]

    # A worker takes the queue as Redis hands it out: the highest priority (0) first, in order.
    # A's first turn rescores RESCORE_TURN of its ten lines and queues A's next turn as backlog,
    # behind B's: B's change is rescored next, while six of A's wait.
    order = []
    while queue:
        message = min(queue, key=lambda m: m[2])
        queue.remove(message)
        kind, kwargs, priority = message
        assert kind == "force"
        tasks.rescore_force(**kwargs)
        order.append((kwargs["force_id"], priority, len(_scored(ours)), len(_scored(theirs))))
    turn, backlog = broker.RESCORE_TURN, broker.BACKLOG_PRIORITY
    assert order == [
        (force_a, 0, turn, 0),
        (force_b, 0, turn, 1),  # B's line scored with A's backlog still waiting
        (force_a, backlog, 2 * turn, 1),
        (force_a, backlog, 10, 1),
    ]
    assert not CountyLine.objects.filter(score_stale_since__isnull=False).exists()


def test_a_fresh_change_goes_before_every_forces_backlog(
    force, queue, django_capture_on_commit_callbacks
):
    """Force A's backlog turn is queued first; force B's change, arriving later with nothing of
    B's waiting, is taken before it (Redis serves priority 0 before 9)."""
    ours = _lines(force["divisions"]["north"], "A", broker.RESCORE_TURN + 1)
    theirs = _lines(other_force()["divisions"]["north"], "B", 1)
    force_a = ours[0].division.force_id
    for line in ours:
        _change(line, django_capture_on_commit_callbacks)
    _kind, kwargs, _priority = queue.pop(0)
    tasks.rescore_force(**kwargs)  # leaves one line of A's: its next turn is backlog
    assert queue == [("force", {"force_id": force_a}, broker.BACKLOG_PRIORITY)]
    _change(theirs[0], django_capture_on_commit_callbacks)
    assert min(queue, key=lambda m: m[2])[1] == {"force_id": theirs[0].division.force_id}


def test_a_change_while_its_force_takes_its_turn_queues_the_next_turn(
    force, queue, django_capture_on_commit_callbacks
):
    (line,) = _lines(force["divisions"]["north"], "A", 1)
    force_id = line.division.force_id
    _change(line, django_capture_on_commit_callbacks)
    assert queue == [("force", {"force_id": force_id}, 0)]
    # The turn has taken the line, which released its marker, when another change commits: that
    # change must be rescored again, so the force's next turn is queued after this one ends.
    assert broker.force_turn_next(force_id) == ("county_line", line.pk)
    _change(line, django_capture_on_commit_callbacks)
    assert len(queue) == 1, "the running turn's marker still stands"
    assert broker.force_turn_end(force_id) is False
    assert queue[1:] == [("force", {"force_id": force_id}, broker.BACKLOG_PRIORITY)]


def test_a_turn_lost_with_its_worker_is_resumed_by_the_sweep(
    force, queue, django_capture_on_commit_callbacks
):
    lines = _lines(force["divisions"]["north"], "A", 2)
    force_id = lines[0].division.force_id
    for line in lines:
        _change(line, django_capture_on_commit_callbacks)
    queue.clear()  # the worker taking the turn is killed: no turn queued, its marker stays
    broker._redis().delete(broker._force_keys(force_id)[0])  # ... until it expires
    assert broker.force_turns_resume() == 1
    assert queue == [("force", {"force_id": force_id}, broker.BACKLOG_PRIORITY)]
    while queue:  # the force's turns, until its list is empty
        _kind, kwargs, _priority = queue.pop(0)
        tasks.rescore_force(**kwargs)
    assert _scored(lines) == {line.pk for line in lines}
    assert broker.force_turns_resume() == 0


def test_without_the_subjects_force_the_subject_is_queued_alone(force, queue):
    (line,) = _lines(force["divisions"]["north"], "A", 1)
    assert broker.enqueue_rescore("county_line", line.pk)  # the sweep's way: no model given
    assert queue == [("subject", {"subject_type": "county_line", "subject_id": line.pk}, 0)]
