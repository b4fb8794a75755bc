"""The audit chain's lock is the first lock a writing transaction takes.

The chain's trigger (migration 0004) holds a transaction-scoped advisory lock from an event's
insert until commit, so the next event can chain to it. A transaction that audited and then waited
for a row lock held by another transaction that was about to audit would deadlock, and PostgreSQL
would abort one of them: an officer's save would fail. Taking the chain's lock before a
transaction's first write (INSERT, UPDATE, DELETE or a locking SELECT) gives every writer the same
lock order, so they queue instead. Reads and autocommit statements take nothing here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import Any

from django.db.backends.signals import connection_created

# The key the chain's trigger locks (kentsoc/audit/migrations/0004_hash_chain.py).
CHAIN_LOCK_KEY = zlib.crc32(b"kentsoc:audit-chain")

_WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(KEY\s+)?SHARE\b",
    re.IGNORECASE,
)
_LOCK_SQL = f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})"


def chain_lock_first(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    connection = context["connection"]
    if connection.in_atomic_block and _WRITE.search(sql):
        # Re-taking an advisory lock the transaction holds is immediate, so no bookkeeping of
        # which transaction already has it (an Atomic object may be reused across transactions).
        # The driver's own cursor: the lock is plumbing, not one of the page's queries.
        context["cursor"].cursor.execute(_LOCK_SQL)
    return execute(sql, params, many, context)


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and chain_lock_first not in connection.execute_wrappers:
        connection.execute_wrappers.append(chain_lock_first)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="kentsoc.audit.chainlock")
