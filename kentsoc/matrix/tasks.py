"""Celery tasks of the matrix: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from kentsoc import broker

_DB_RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


# Subjects send it by this name (kentsoc.broker.mark_stale): they sit below the matrix.
@shared_task(name=broker.RESCORE_TASK, **_DB_RETRY)
def rescore_subject(*, subject_type: str, subject_id: int) -> int | None:
    """Recompute one subject's score and re-rank its partitions. Safe to run twice: it recomputes
    from the database and writes a new score only when the result changed."""
    from kentsoc.matrix.services import subject_rescore

    broker.rescore_pending_release(subject_type=subject_type, subject_id=subject_id)
    score = subject_rescore(subject_type=subject_type, subject_id=subject_id)
    return score.pk if score else None


@shared_task(name=broker.RESCORE_FORCE_TASK, **_DB_RETRY)
def rescore_force(*, force_id: int) -> int:
    """One turn of a force: rescore its next few pending subjects (broker.RESCORE_TURN), then
    queue its next turn behind every other force's if it has more. The number rescored."""
    from kentsoc.matrix.services import subject_rescore

    done = 0
    try:
        while done < broker.RESCORE_TURN:
            subject = broker.force_turn_next(force_id)
            if subject is None:
                break
            subject_type, subject_id = subject  # its pending marker released as it was taken
            subject_rescore(subject_type=subject_type, subject_id=subject_id)
            done += 1
    finally:
        # Even when a rescore failed (it is still stale: the sweep queues it again), the force's
        # other subjects get their turn.
        broker.force_turn_end(force_id)
    return done


@shared_task(**_DB_RETRY)
def requeue_stale_subjects(*, older_than_seconds: int = 60) -> int:
    from kentsoc.matrix.services import stale_subjects_requeue

    return stale_subjects_requeue(older_than_seconds=older_than_seconds)


@shared_task(**_DB_RETRY)
def write_daily_snapshot() -> int:
    """After midnight: the current scores are yesterday's final figures. Snapshot them as
    yesterday's, then rescore the lines whose recency points moved with the date."""
    import datetime

    from django.utils import timezone

    from kentsoc.matrix.services import force_snapshot_write, recency_changes_mark_stale

    snapshots = force_snapshot_write(on=timezone.localdate() - datetime.timedelta(days=1))
    recency_changes_mark_stale()
    return len(snapshots)
