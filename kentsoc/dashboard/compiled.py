"""SQL the dashboard compiles once per shape instead of once per request.

Building a scoped queryset and compiling it (scope rules, FilterSets, joins) cost the dashboard
more Python than its queries cost PostgreSQL, on every request and every poll. The SQL and its
parameters are a function of what the queryset was built from (the officer's Access, their
permissions, the dates in it), never of the rows: scope rules and selectors only add filters
and subqueries, they read nothing while being built (tests/dashboard/test_compiled.py holds
them to that). So each statement is kept, in this process, under a key naming every such input;
a changed role, team, force, share or day is another key. The statement still runs on every
request: only the compiling is saved, so nothing it returns can be stale.
"""

from __future__ import annotations

import datetime
import hashlib
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

# Officers x days x dashboard statements: a worker process sees a few hundred of them a day.
MAX_STATEMENTS = 4096

# SQL and its parameters: none on PostgreSQL (written in), a sequence or a mapping elsewhere.
Statement = tuple[str, Any]
_statements: dict[Hashable, Statement] = {}


def statement(key: Hashable, build: Callable[[], tuple[str, Any]]) -> Statement:
    """`build()`'s SQL and parameters, compiled once per `key` (which must name every input
    `build` reads)."""
    found = _statements.get(key)
    if found is None:
        found = _bound(*build())
        if len(_statements) >= MAX_STATEMENTS:
            _statements.clear()  # a new day's keys replace the old ones; rarely reached
        _statements[key] = found
    return found


def _bound(sql: str, params: Any) -> Statement:
    """On PostgreSQL the parameters are written into the SQL once, as psycopg's client-side
    binding (Django's) writes them on every execute: adapting a hundred ids per query was most
    of the Python a query of the ranked rows' ids cost."""
    if connection.vendor == "postgresql":
        return connection.ops.compose_sql(sql, params), None
    return sql, params if isinstance(params, dict) else tuple(params)


class Reads:
    """Querysets' rows read together, each compiled once per key: on PostgreSQL in one round
    trip (their parameters are written into their SQL, so they go as one multi-statement query
    and each result is read in turn), one query each elsewhere. Rows come as the database
    returns them, without the ORM's converters: a date is text on SQLite (the demo), see `day`.
    A round trip costs the most when the machine is busy: the server process has to be
    scheduled for every one."""

    def __init__(self) -> None:
        self._statements: list[Statement] = []
        self._results: list[list[tuple[Any, ...]]] = []

    def add(self, key: Hashable, build: Callable[[], QuerySet]) -> Callable[[], list[tuple]]:
        """Queue the read; the returned function gives its rows once `run` has run."""
        return self.add_statement(key, lambda: sql_of(build()))

    def add_statement(
        self, key: Hashable, build: Callable[[], tuple[str, Any]]
    ) -> Callable[[], list[tuple]]:
        """Queue a statement `build()` writes (SQL and parameters), as `add` does."""
        index = len(self._statements)
        self._statements.append(statement(key, build))
        return lambda: self._results[index]

    def run(self) -> None:
        if not self._statements:
            return
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                for sql, params in self._statements:
                    cursor.execute(sql, params)
                    self._results.append(cursor.fetchall())
            return
        if settings.DASHBOARD_PREPARED_STATEMENTS:
            sql, prepared = _prepared_batch(self._statements)
        else:
            sql, prepared = ";\n".join(sql for sql, _ in self._statements), ()
        with connection.cursor() as cursor:
            try:
                cursor.execute(sql)
            except Exception:
                # Some of the batch's PREPAREs may have run (they outlive a failed statement
                # and a rolled-back transaction): the connection's list is read afresh.
                _unsure.add(connection.connection)
                raise
            while True:
                if cursor.description is not None:  # a PREPARE answers with no rows
                    self._results.append(cursor.fetchall())
                if not cursor.nextset():
                    break
        _prepared_on(connection.connection).update(prepared)


# Each statement is prepared (PREPARE) once per database connection and executed by name after
# that: PostgreSQL then plans it once, where planning the dashboard's statements took longer
# than running them (2.7 ms against 2.2 at national scale). A statement with no parameters is
# planned once, when first executed. Connections live for CONN_MAX_AGE (60 s) and a worker's
# requests reuse them. Behind PgBouncer in transaction mode, which cannot keep a PREPARE for a
# connection, DASHBOARD_PREPARED_STATEMENTS is set false.
MAX_PREPARED = 512
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_unsure: weakref.WeakSet[Any] = weakref.WeakSet()
_names: dict[str, str] = {}


def _name(sql: str) -> str:
    name = _names.get(sql)
    if name is None:
        if len(_names) >= MAX_STATEMENTS:
            _names.clear()
        name = _names[sql] = "kentsoc_" + hashlib.blake2b(sql.encode(), digest_size=12).hexdigest()
    return name


def _prepared_on(raw: Any) -> set[str]:
    """The statements this psycopg connection holds prepared (read from the server after a
    batch failed part way)."""
    if raw in _unsure:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_prepared_statements WHERE name LIKE 'kentsoc\\_%%'", []
            )
            _prepared[raw] = {name for (name,) in cursor.fetchall()}
        _unsure.discard(raw)
    return _prepared.setdefault(raw, set())


def _prepared_batch(statements: list[Statement]) -> tuple[str, list[str]]:
    """One message running `statements` by name, preparing those the connection lacks (and
    dropping all it holds when it would hold too many), and the names it
    prepares."""
    held = _prepared_on(connection.connection)
    parts, new = [], []
    if len(held) + len(statements) > MAX_PREPARED:
        parts.extend(f"DEALLOCATE {name}" for name in sorted(held))
        held.clear()
    for sql, _ in statements:
        name = _name(sql)
        if name not in held and name not in new:
            parts.append(f"PREPARE {name} AS {sql}")
            new.append(name)
        parts.append(f"EXECUTE {name}")
    return ";\n".join(parts), new


def sql_of(queryset: QuerySet) -> tuple[str, Any]:
    """The queryset's SQL and parameters, which must be all it reads: a queryset that narrows
    itself when it runs (reference data, kentsoc.org.scoping.ReferenceQuerySet) is refused."""
    if type(queryset)._fetch_all is not QuerySet._fetch_all:
        raise TypeError(f"{type(queryset).__name__} adds to its SQL when it runs")
    return queryset.query.sql_with_params()


def day(value: datetime.date | str | None) -> datetime.date | None:
    """A date column read by `Reads`: PostgreSQL gives a date, SQLite its ISO text."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def dated(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """`rows` whose first column is a date, as dates: SQLite's text parsed, PostgreSQL's kept."""
    if not rows or not isinstance(rows[0][0], str):
        return rows
    return [(datetime.date.fromisoformat(first), *rest) for first, *rest in rows]


def moment(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A timestamp read as the database returns it: PostgreSQL gives an aware datetime, SQLite
    its UTC text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
