"""Publishing Celery tasks after a commit without letting a broker outage fail the write, and
marking subjects' scores stale.

A task sent from an `on_commit` callback runs after the transaction has committed: raising there
would turn a saved write into a 500, and a client that retries would save it twice. Every task
the services enqueue goes through `send`, which logs and reports a failed publish instead. What
the task would have done is not lost: its subject is still marked stale in the database, and the
worker's stale sweep (kentsoc/matrix/sweeper.py) re-enqueues it once the broker is back.

`mark_stale` is how a subject's app (ocg, countylines, intel) says "what my score depends on has
changed" without importing the matrix above it: a plain UPDATE of the subject's own
`score_stale_since`, and the matrix's rescore task sent by name once the transaction commits.

How long a publish may take before it gives up is set in settings (`CELERY_BROKER_TIMEOUT`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from functools import lru_cache, partial
from typing import Any

import redis
from celery import Task, current_app
from celery.exceptions import NotRegistered
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The matrix's rescore tasks (kentsoc/matrix/tasks.py registers them under these names): one
# subject's, and a force's turn at its own queue of subjects (see "one turn per force" below).
RESCORE_TASK = "kentsoc.matrix.tasks.rescore_subject"
RESCORE_FORCE_TASK = "kentsoc.matrix.tasks.rescore_force"

# How many subjects a force's turn rescores before the next force's turn: the most any force's
# rescore waits for, per other force with work queued, however long that force's backlog. One:
# a fresh change then waits for at most the rescore each worker is running (with four, the
# bench's p95 under a 20/s stream was a whole turn of four rescores).
RESCORE_TURN = 1
# A turn queued because its force still had subjects waiting after a turn (a backlog) goes at
# the lowest priority (Redis: 0 is the highest, and what every other message has): the first
# turn of a force that had nothing waiting is taken before any force's backlog.
BACKLOG_PRIORITY = 9
# A force's "turn queued" marker lives this long: a worker killed in the middle of a turn leaves
# it behind, and the force's next change queues a new turn once it has expired.
FORCE_TURN_TTL_SECONDS = 30

# A pending-rescore marker lives this long: long enough to coalesce a burst and to cover a
# queue backlog; short enough that a lost message only delays the sweeper's re-enqueue.
PENDING_TTL_SECONDS = 120

# What a publish raises when the broker is down, hung or refuses the message: kombu wraps most
# connection failures in its OperationalError (a KombuError), but redis-py and socket errors can
# surface unwrapped (OSError covers ConnectionError and TimeoutError).
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (KombuError, RedisError, OSError)


def send(task: Task | str, /, **kwargs: Any) -> bool:
    """Publish `task` (the task, or its name) with keyword arguments. False (and a warning) when
    the broker cannot take it; the caller leaves its stale marker for the sweep rather than
    failing."""
    name = task if isinstance(task, str) else task.name
    try:
        if isinstance(task, str):
            _send_by_name(task, kwargs)
        else:
            task.delay(**kwargs)
    except PUBLISH_ERRORS as exc:
        logger.warning(
            "Broker unreachable, %s(%s) not queued (%s: %s); the stale sweep will re-enqueue it",
            name,
            ", ".join(f"{key}={value!r}" for key, value in sorted(kwargs.items())),
            type(exc).__name__,
            exc,
        )
        return False
    return True


def _send_by_name(name: str, kwargs: dict[str, Any]) -> None:
    # A task registered in this process is sent as itself, so eager mode (the demo, the tests)
    # still runs it inline; one this process has not loaded goes to the broker by name.
    try:
        task = current_app.tasks[name]
    except NotRegistered:
        current_app.send_task(name, kwargs=kwargs)
    else:
        task.delay(**kwargs)


# --- coalescing rescores ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    timeout = settings.BROKER_TIMEOUT_SECONDS
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )


def _coalescing() -> bool:
    # Eager mode (the demo, most tests) runs the task inline, so there is nothing to coalesce.
    return bool(settings.REDIS_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def _pending_prefix() -> str:
    # The database name keeps test runs and benchmarks sharing a Redis server apart.
    return f"kentsoc:{connection.settings_dict['NAME']}:rescore:"


def _pending_key(subject_type: str, subject_id: int) -> str:
    # The prefix and the force's list's item (`_enqueue_in_force`): `_TAKE` joins them so.
    return f"{_pending_prefix()}{subject_type}:{subject_id}"


def _claim_pending(subject_type: str, subject_id: int) -> bool | None:
    """True: no rescore of the subject was queued, and the marker now says one is. False: one
    is already queued. None: there is no marker to go by (eager mode, or Redis unreachable)."""
    if not _coalescing():
        return None
    try:
        return bool(
            _redis().set(
                _pending_key(subject_type, subject_id), "1", nx=True, ex=PENDING_TTL_SECONDS
            )
        )
    except RedisError:
        logger.warning("Redis unavailable for rescore coalescing; enqueueing anyway")
        return None


def rescore_pending_release(*, subject_type: str, subject_id: int) -> None:
    """Called by the task before it reads anything: a change committed from now on must enqueue
    a fresh rescore, because this one may already have read past it."""
    if not _coalescing():
        return
    try:
        _redis().delete(_pending_key(subject_type, subject_id))
    except RedisError:
        logger.warning("Redis unavailable to release a rescore marker; it will expire")


def enqueue_rescore(
    subject_type: str,
    subject_id: int,
    *,
    model: type[Model] | None = None,
    force_id: int | None = None,
    backlog: bool = False,
) -> bool:
    """Queue a rescore unless one is already queued. False when the broker could not take it:
    the subject stays stale and the next sweep tries again (an on_commit callback must not
    raise: the write has committed).

    Given the subject's force (`force_id`, or the subject's `model`, a row with a division of a
    force, to read it from), the rescore joins its force's own list and the force's turn is
    queued (`_enqueue_in_force`; the sweep's at the backlog's priority); without it, or when its
    force cannot be read, the subject's own task is queued."""
    claimed = _claim_pending(subject_type, subject_id)
    if claimed is False:
        return True
    queued = None
    if claimed:
        if force_id is None and model is not None:
            force_id = _force_of(model, subject_id)
        if force_id is not None:
            queued = _enqueue_in_force(force_id, subject_type, subject_id, backlog=backlog)
    if queued is None:
        queued = send(RESCORE_TASK, subject_type=subject_type, subject_id=subject_id)
    if queued:
        return True
    if claimed:
        # Nothing is queued: the marker must not make the sweep's re-enqueue look redundant.
        rescore_pending_release(subject_type=subject_type, subject_id=subject_id)
    return False


# --- one turn per force -------------------------------------------------------------------------
#
# Every force's pending rescores wait in a Redis list of their own, and the Celery queue holds at
# most one message per force: "rescore the next RESCORE_TURN subjects of force F". A turn that
# leaves subjects behind queues the force's next turn at the back of the queue, behind every
# other force's. However long one force's backlog (a burst of 20 changes a second), another
# force's change waits for at most one turn of each force with work queued, never for the
# backlog itself: the workers serve the forces round-robin.


def _force_keys(force_id: int) -> tuple[str, str]:
    """The force's "turn queued" marker and its list of pending subjects."""
    base = f"kentsoc:{connection.settings_dict['NAME']}:rescore:force:{force_id}"
    return base, f"{base}:subjects"


def _forces_key() -> str:
    """The forces whose list may hold subjects (for the sweep to find a lost turn)."""
    return f"kentsoc:{connection.settings_dict['NAME']}:rescore:forces"


def _force_of(model: type[Model], subject_id: int) -> int | None:
    try:
        return (
            model._base_manager.filter(pk=subject_id)
            .values_list("division__force_id", flat=True)
            .first()
        )
    except DatabaseError:
        logger.warning("Could not read the force of %s %s; queueing it alone", model, subject_id)
        return None


def _enqueue_in_force(
    force_id: int, subject_type: str, subject_id: int, *, backlog: bool = False
) -> bool | None:
    """The subject at the back of its force's list, and the force's turn queued if it is not.
    False when the broker refused the turn; None (nothing listed) when Redis cannot take it."""
    _, subjects = _force_keys(force_id)
    try:
        pipe = _redis().pipeline()
        pipe.rpush(subjects, f"{subject_type}:{subject_id}")
        pipe.sadd(_forces_key(), force_id)
        pipe.execute()
    except RedisError:
        logger.warning("Redis unavailable for force %s's rescore list; queueing it alone", force_id)
        return None
    return force_turn_queue(force_id, backlog=backlog)


def force_turn_queue(force_id: int, *, backlog: bool = False) -> bool:
    """Queue the force's next turn unless one is queued; with `backlog`, behind every turn of a
    force that had nothing waiting. False when the broker refused it (the subjects stay listed
    and stale; the force's next change or the sweep tries again)."""
    marker, _ = _force_keys(force_id)
    try:
        if not _redis().set(marker, "1", nx=True, ex=FORCE_TURN_TTL_SECONDS):
            return True
    except RedisError:
        logger.warning("Redis unavailable for force %s's turn marker", force_id)
        return False
    if _send_turn(force_id, backlog=backlog):
        return True
    with contextlib.suppress(RedisError):
        _redis().delete(marker)
    return False


def _send_turn(force_id: int, *, backlog: bool) -> bool:
    if not backlog:
        return send(RESCORE_FORCE_TASK, force_id=force_id)
    try:
        current_app.tasks[RESCORE_FORCE_TASK].apply_async(
            kwargs={"force_id": force_id}, priority=BACKLOG_PRIORITY
        )
    except PUBLISH_ERRORS as exc:
        logger.warning("Broker unreachable, force %s's next turn not queued (%s)", force_id, exc)
        return False
    return True


# The force's next subject taken from its list and its pending marker released, in one round trip
# (the worker's turn waited for each of them in turn).
_TAKE = """
local item = redis.call('LPOP', KEYS[1])
if item then redis.call('DEL', ARGV[1] .. item) end
return item
"""


@lru_cache(maxsize=4)
def _take_script(client: redis.Redis) -> Any:
    # Per client: the tests point `_redis` at another server by clearing its cache.
    return client.register_script(_TAKE)


def force_turn_next(force_id: int) -> tuple[str, int] | None:
    """The force's next pending subject (subject type, id), or None when its list is empty. Its
    pending marker is released as it is taken (see `rescore_pending_release`)."""
    _, subjects = _force_keys(force_id)
    item = _take_script(_redis())(keys=[subjects], args=[_pending_prefix()])
    if item is None:
        return None
    subject_type, _, subject_id = item.decode().rpartition(":")
    return subject_type, int(subject_id)


def force_turn_end(force_id: int) -> bool:
    """After a turn: the marker released, and the next turn queued (at the back) if the force
    still has subjects waiting. True when the force has nothing left."""
    marker, subjects = _force_keys(force_id)
    pipe = _redis().pipeline(transaction=False)
    pipe.delete(marker)
    pipe.llen(subjects)
    _, waiting = pipe.execute()
    if waiting:
        force_turn_queue(force_id, backlog=True)
        return False
    return True


def force_turns_resume() -> int:
    """The sweep's part: queue a turn for every force whose list holds subjects but whose turn
    was lost (a worker killed mid-turn; its marker expires). The number of forces listed."""
    if not _coalescing():
        return 0
    forces = 0
    try:
        members = _redis().smembers(_forces_key())
    except RedisError:
        logger.warning("Redis unavailable to resume the forces' rescore turns")
        return 0
    for member in members:
        force_id = int(member)
        _, subjects = _force_keys(force_id)
        if _redis().llen(subjects):
            forces += 1
            force_turn_queue(force_id, backlog=True)
        else:
            _redis().srem(_forces_key(), member)
    return forces


# --- marking scores stale -----------------------------------------------------------------------

_rescores_deferred: ContextVar[bool] = ContextVar("kentsoc_rescores_deferred", default=False)


@contextlib.contextmanager
def rescores_deferred() -> Iterator[None]:
    """Changes inside the block mark their subjects stale but enqueue no rescore. For bulk
    loads that end with `recompute_all` (seed_demo): rescoring after every one of hundreds of
    changes would be thrown away. Whatever is still stale afterwards, the stale sweep picks up."""
    token = _rescores_deferred.set(True)
    try:
        yield
    finally:
        _rescores_deferred.reset(token)


def mark_stale(model: type[Model], ids: Iterable[int], *, subject_type: str) -> None:
    """Flag the scores of `model` rows `ids` as stale and, after commit, ask the worker to
    rescore them. `model` has a `score_stale_since` column; `subject_type` is its
    `kentsoc.trh.choices.RankedSubject` value. Call it inside the transaction of the change.

    A burst of changes to one subject enqueues one rescore: later requests find the pending
    marker and stop there.
    """
    ids = sorted(set(ids))
    if not ids:
        return
    # Always UPDATE (keeping the first stale time): the row lock this takes makes the writer wait
    # for a rescore in progress, which holds the row with SELECT ... FOR UPDATE. Without it a
    # rescore could read the old data and then clear the flag of a change it never saw.
    model._default_manager.filter(pk__in=ids).update(
        score_stale_since=Coalesce(F("score_stale_since"), Value(timezone.now()))
    )
    if _rescores_deferred.get():
        return
    for subject_id in ids:
        transaction.on_commit(partial(enqueue_rescore, subject_type, subject_id, model=model))
