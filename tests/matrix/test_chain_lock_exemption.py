"""A county line's rescore does not queue on the audit chain's lock, and cannot write an audit
event without it (kentsoc.audit.chainlock.without_chain_lock).

Every writing transaction takes the chain's lock first, so that two writers cannot each hold one
lock and wait for the other's. A line's rescore writes no audit event, so it may skip the queue:
one force's rescore then never waits for every other force's writes. These tests hold the
chain's lock in another connection (as an officer's save in progress does) and show what waits
and what does not, and that the exemption cannot be used to write the audit trail.
"""

import threading

import pytest
from django.db import connection, transaction

from countylines.choices import LineStatus
from kentsoc.audit.chainlock import CHAIN_LOCK_KEY, AuditWithoutChainLock, without_chain_lock
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.matrix import services
from kentsoc.matrix.models import Ranking, Score
from ocg.choices import OcgStatus
from tests.factories import days_ago, make_line, make_ocg, make_record
from tests.matrix.test_services import _in_thread, _lock_waiters, _wait_for


class _ChainHeld:
    """Holds the audit chain's lock in a connection of its own until released, as an officer's
    save does from its first write to its commit."""

    def __init__(self):
        self._taken = threading.Event()
        self._release = threading.Event()
        self.thread, self.errors = _in_thread(self._hold)

    def _hold(self):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            self._taken.set()
            assert self._release.wait(60), "the test never released the chain's lock"

    def __enter__(self):
        assert self._taken.wait(30)
        return self

    def __exit__(self, *exc):
        self._release.set()
        self.thread.join(30)
        assert not self.errors


def _no_waiting(cursor_timeout="5s"):
    """A lock wait fails this connection's statement instead of hanging the test."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{cursor_timeout}'")


@pytest.mark.django_db(transaction=True)
def test_a_line_rescore_runs_while_another_writer_holds_the_chain_lock(force):
    line = make_line(force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE)
    make_record(lines=[line], claims={"violence": 2}, on=days_ago(3), grading="2B")
    events = AuditEvent.objects.count()
    _no_waiting()
    with _ChainHeld():
        score = services.subject_rescore(subject_type="county_line", subject_id=line.pk)
        # Done while the chain is held: its score and ranking are committed and readable.
        assert Score.objects.get(county_line=line, is_current=True).pk == score.pk
        assert Ranking.objects.filter(county_line=line, rank=1).exists()
    assert AuditEvent.objects.count() == events, "a rescore writes no audit event"


@pytest.mark.django_db(transaction=True)
def test_an_ocg_rescore_still_queues_on_the_chain_lock(force):
    """An OCG's rescore may mark its lines stale (joining or leaving the matrix), and writers lock
    OCGs and lines in either order: it keeps the chain's lock."""
    ocg = make_ocg(force["divisions"]["north"], status=OcgStatus.MAPPED)
    with _ChainHeld():
        thread, errors = _in_thread(
            lambda: services.subject_rescore(subject_type="ocg", subject_id=ocg.pk)
        )
        _wait_for(lambda: _lock_waiters() == 1)  # the rescore, waiting for the chain
        assert not Score.objects.filter(ocg=ocg).exists()
    thread.join(30)
    assert not errors
    assert Score.objects.filter(ocg=ocg, is_current=True).exists()


@pytest.mark.django_db(transaction=True)
def test_an_audit_event_in_an_exempted_transaction_fails_loudly_and_writes_nothing(force):
    line = make_line(force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE)
    events = AuditEvent.objects.count()
    with pytest.raises(AuditWithoutChainLock), without_chain_lock():
        audit_record(actor=None, action=AuditAction.UPDATE, obj=line, actor_username="x")
    with pytest.raises(AuditWithoutChainLock), without_chain_lock(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id < 0")
    assert AuditEvent.objects.count() == events
    # Reading the trail is not writing it, and after the block the connection is exempt no more.
    with without_chain_lock():
        assert AuditEvent.objects.filter(object_id=str(line.pk)).count() == 0
    audit_record(actor=None, action=AuditAction.UPDATE, obj=line, actor_username="x")
    assert AuditEvent.objects.count() == events + 1


@pytest.mark.django_db(transaction=True)
def test_a_line_rescore_that_tried_to_audit_fails_and_leaves_the_score_alone(force, monkeypatch):
    """Were a change to make the rescore audit something, it would fail at once (and in every
    test that rescored a line), not write an event outside the chain's lock order."""
    line = make_line(force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE)
    make_record(lines=[line], claims={"violence": 2}, on=days_ago(3), grading="2B")
    events = AuditEvent.objects.count()
    monkeypatch.setattr(
        services,
        "_test_hold",
        lambda: audit_record(actor=None, action=AuditAction.UPDATE, obj=line, actor_username="x"),
    )
    with pytest.raises(AuditWithoutChainLock):
        services.subject_rescore(subject_type="county_line", subject_id=line.pk)
    assert AuditEvent.objects.count() == events
    assert not Score.objects.filter(county_line=line).exists()


@pytest.mark.django_db
def test_inside_a_callers_transaction_nothing_is_exempted(force):
    """The exemption opens the outermost transaction or none: inside a caller's transaction (this
    test's) the caller's writes and lock order stand, audit events included."""
    line = make_line(force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE)
    events = AuditEvent.objects.count()
    with without_chain_lock():
        audit_record(actor=None, action=AuditAction.UPDATE, obj=line, actor_username="x")
    assert AuditEvent.objects.count() == events + 1


@pytest.mark.django_db(transaction=True)
def test_a_division_is_ranked_under_one_lock_whichever_forces_line_ranks_there(force):
    """A line flexed into another force's division re-ranks that division: its rescore and the
    division's own force's rescores must queue on one lock (line rescores run side by side now,
    no longer one at a time behind the chain's lock), or two deletes and inserts of the ranking
    collide on its unique rank."""
    from kentsoc.matrix import ranking
    from kentsoc.org import batch

    def rerank_as_another_force() -> None:
        with transaction.atomic():
            batch.run(
                ranking.rerank_statements("county_line", [north.code], force_id=north.force_id + 1)
            )

    north = force["divisions"]["north"]
    with transaction.atomic():
        ranking._lock("county_line", north.code, force_id=north.force_id)
        thread, errors = _in_thread(rerank_as_another_force)
        _wait_for(lambda: _lock_waiters() == 1)  # the other force's rescore waits for this one
    thread.join(30)
    assert not errors
