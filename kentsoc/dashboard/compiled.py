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
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# Officers x days x dashboard statements: a worker process sees a few hundred of them a day.
MAX_STATEMENTS = 4096

Statement = tuple[str, tuple[Any, ...] | None]
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
    return sql, tuple(params)


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
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql" or len(self._statements) < 2:
                for sql, params in self._statements:
                    cursor.execute(sql, params)
                    self._results.append(cursor.fetchall())
                return
            cursor.execute(";\n".join(sql for sql, _ in self._statements))
            self._results.append(cursor.fetchall())
            while cursor.nextset():
                self._results.append(cursor.fetchall())


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
