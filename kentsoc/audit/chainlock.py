"""The audit chain's lock is the first lock a writing transaction takes.

The chain's trigger (migration 0004) holds a transaction-scoped advisory lock from an event's
insert until commit, so the next event can chain to it. A transaction that audited and then waited
for a row lock held by another transaction that was about to audit would deadlock, and PostgreSQL
would abort one of them: an officer's save would fail. Taking the chain's lock before a
transaction's first write (INSERT, UPDATE, DELETE or a locking SELECT) gives every writer the same
lock order, so they queue instead. Reads and autocommit statements take nothing here.

A transaction that writes no audit event cannot be one of those two: it never waits for the
chain's lock, so it holds nothing an auditing writer waits for while waiting for the chain.
`without_chain_lock` runs such a transaction without queueing on the chain (the worker's rescore
of a county line: a score, rankings and rank history, derived data that is never audited), so a
force's rescore does not wait for every other force's writes. The exemption is structural:
it opens the outermost transaction itself (inside someone else's transaction it changes
nothing), and any statement in it that would write an audit table raises `AuditWithoutChainLock`
before reaching the database. The chain itself is as strong either way: its trigger takes the
lock for every event it inserts.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.signals import connection_created

# The key the chain's trigger locks (kentsoc/audit/migrations/0004_hash_chain.py).
CHAIN_LOCK_KEY = zlib.crc32(b"kentsoc:audit-chain")

_WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(KEY\s+)?SHARE\b",
    re.IGNORECASE,
)
_LOCK_SQL = f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})"
# Any statement naming an audit table (the events, and whatever else the audit app keeps).
_AUDIT_TABLE = re.compile(r'\b"?audit_[a-z_]+"?', re.IGNORECASE)
# Set on a connection while its transaction runs without the chain's lock.
_EXEMPT = "_kentsoc_without_chain_lock"


class AuditWithoutChainLock(RuntimeError):
    """A transaction exempted from the chain's lock tried to write an audit table."""


def chain_lock_first(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    connection = context["connection"]
    if getattr(connection, _EXEMPT, False):
        if _WRITE.search(sql) and _AUDIT_TABLE.search(sql):
            raise AuditWithoutChainLock(
                "an audit event cannot be written in a transaction run without_chain_lock(): "
                f"it would take the chain's lock after its rows' locks ({sql[:120]!r})"
            )
        return execute(sql, params, many, context)
    if connection.in_atomic_block and _WRITE.search(sql):
        # Re-taking an advisory lock the transaction holds is immediate, so no bookkeeping of
        # which transaction already has it (an Atomic object may be reused across transactions).
        # The driver's own cursor: the lock is plumbing, not one of the page's queries.
        context["cursor"].cursor.execute(_LOCK_SQL)
    return execute(sql, params, many, context)


@contextlib.contextmanager
def without_chain_lock() -> Iterator[None]:
    """A transaction that writes no audit event, without the chain's lock (see the module's
    docstring). It is the outermost transaction or nothing is exempted: inside a caller's
    transaction the caller's lock order stands (and a test's transaction is such a caller)."""
    connection = default_connection
    if connection.in_atomic_block or connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    with transaction.atomic():
        setattr(connection, _EXEMPT, True)
        try:
            yield
        finally:
            # Before the commit's own statements are wrapped: nothing is written then, but the
            # connection must never outlive the block exempted.
            setattr(connection, _EXEMPT, False)


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and chain_lock_first not in connection.execute_wrappers:
        connection.execute_wrappers.append(chain_lock_first)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="kentsoc.audit.chainlock")
