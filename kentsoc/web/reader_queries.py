"""A list's scoped query built once per officer and day, instead of on every request.

Building a list's query (its scope, lent marks, score and count subqueries) costs a list page
or API list seven to eight thousand Python calls (issue 18), and for one officer it is the same
query every time: what it reads is decided by their access (`kentsoc.org.scoping.Access`, which
names the officer, role, team, division and force) and the day (a live share is one that has
begun and not ended today); the rows themselves are read by the SQL when it runs. So the built
query is kept under (name, access, day) and each request gets a clone to filter, order and page.

Kept per thread: compiling a query briefly changes its subqueries' join counts, so two threads
must not compile one query at once (gunicorn serves with two threads a worker). An officer
whose access changes (a new role or team) has a new Access and so a new key; one with no
access is given the query built afresh (none of the rows).
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql.query import Query

from kentsoc.dates import today
from kentsoc.org.scoping import access_for

_local = threading.local()
_T = TypeVar("_T")
# Officers x lists a thread serves in a day: a few hundred at most.
MAX_KEPT = 512


def reader_query(name: str, user: Any, build: Callable[[], QuerySet]) -> QuerySet:
    """`build()`, which must read nothing but the user's access and the day, built once per
    officer and day in this thread (`name` tells the lists apart); a clone of it each call. A
    build that runs a query (so read something else) is not kept."""
    access = access_for(user)
    if access is None:
        return build()
    kept: dict[tuple[Any, ...], QuerySet] | None = getattr(_local, "kept", None)
    if kept is None:
        kept = _local.kept = {}
    key = (name, access, today())
    queryset = kept.get(key)
    if queryset is None:
        queryset, read = _built(build)
        if read:
            # What it read (ids, a flag) would be kept with it, and go stale within the day: a
            # removed LRO would go on seeing their old OCGs. Such a query is built every time.
            return queryset
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = queryset
    return queryset.all()


def reader_sql(name: str, user: Any, build: Callable[[], QuerySet]) -> tuple[str, tuple[Any, ...]]:
    """`build()`'s SQL and parameters, to be written into a larger statement, compiled once per
    officer and day in this thread as `reader_query` keeps a queryset: compiling a scope cost a
    thousand Python calls or more on every request, for the same text. A build (or compile) that
    runs a query is not kept. EmptyResultSet, a scope of none(), is raised every call."""
    return reader_kept(name, user, lambda: _compiled(build()))


def reader_kept(name: str, user: Any, compile_: Callable[[], _T]) -> _T:
    """`compile_()`, what a queryset compiles to (its SQL, and what reads its rows), kept per
    officer and day in this thread as `reader_sql` keeps it: it must read nothing but the
    user's access and the day. One that runs a query is not kept."""
    access = access_for(user)
    if access is None:
        return compile_()
    kept: dict[tuple[Any, ...], Any] | None = getattr(_local, "kept_sql", None)
    if kept is None:
        kept = _local.kept_sql = {}
    key = (name, access, today(), connection.vendor)
    compiled = kept.get(key)
    if compiled is None:
        compiled, read = _built(compile_)
        if read:
            return compiled
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = compiled
    return compiled


@dataclass(frozen=True)
class _Values:
    """A values() queryset as it runs: its SQL and parameters (on PostgreSQL, unless some are
    bound per call, written into the SQL and the statement named for PREPARE), the names of its
    columns and the ORM's converters for the columns that have any (SQLite's dates; few on
    PostgreSQL)."""

    sql: str
    params: tuple[Any, ...] | None
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    prepared_name: str | None = None


def reader_values(
    name: str,
    user: Any,
    build: Callable[[], QuerySet],
    bind: Mapping[Any, Any] | None = None,
) -> list[dict[str, Any]]:
    """The rows of `build()`, a values() queryset, as the ORM gives them (a dict a row), its SQL
    compiled once per officer and day in this thread as `reader_sql` keeps it: a home panel's
    scoped query cost thousands of Python calls to compile on every request, for the same text.
    The statement runs on every call. A value that changes within the day (a moment) is built
    as a marker, a key of `bind`, and each call's own value is bound in its place. A build (or
    compile) that runs a query is not kept; a scope of none() reads no rows, as the ORM reads
    none."""
    access = access_for(user)
    try:
        if access is None:
            values = _values(build(), whole=False)
        else:
            kept: dict[tuple[Any, ...], _Values] | None = getattr(_local, "kept_values", None)
            if kept is None:
                kept = _local.kept_values = {}
            key = (name, access, today(), connection.vendor)
            values = kept.get(key)
            if values is None:
                values, read = _built(lambda: _values(build(), whole=not bind))
                if not read:
                    if len(kept) >= MAX_KEPT:
                        kept.clear()
                    kept[key] = values
    except EmptyResultSet:
        return []
    if values.prepared_name is not None and preparing():
        rows = _run_prepared(values)
    else:
        params = values.params
        if bind and params:
            params = tuple(bind.get(p, p) if _hashable(p) else p for p in params)
        with connection.cursor() as cursor:
            cursor.execute(values.sql, params)
            rows = cursor.fetchall()
    if values.converters:
        rows = [_converted(list(row), values.converters) for row in rows]
    return [dict(zip(values.names, row, strict=True)) for row in rows]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _values(queryset: QuerySet, *, whole: bool) -> _Values:
    """The queryset as it runs; with `whole` (no parameter bound per call), on PostgreSQL its
    parameters written into its SQL as psycopg's client-side binding writes them on every
    execute, and the statement named to be prepared."""
    if type(queryset)._fetch_all is not QuerySet._fetch_all:
        raise TypeError(f"{type(queryset).__name__} adds to its SQL when it runs")
    query: Query = queryset.query
    # ValuesIterable's names, in the order the compiler selects them.
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if len(compiler.select) != len(names):
        raise TypeError("reader_values takes a values() queryset")
    converters = tuple(
        (index, tuple(funcs), field)
        for index, (funcs, field) in compiler.get_converters(
            [column for column, _, _ in compiler.select]
        ).items()
    )
    if whole and connection.vendor == "postgresql":
        sql = connection.ops.compose_sql(sql, params)
        digest = hashlib.blake2b(sql.encode(), digest_size=12).hexdigest()
        return _Values(sql, None, names, converters, f"{_PREPARED_PREFIX}{digest}")
    return _Values(sql, tuple(params), names, converters)


# A kept statement is prepared (PREPARE) once per database connection and run by name after
# that: PostgreSQL then plans it once, where planning a home panel's scoped statement (the
# gangs' dated subqueries through the intelligence and disruption scopes, a CLGT officer's
# drafts through the disruption scope) took it longer than running it, on every home page. Its
# values are written in, so its one plan is made for them. Connections live for CONN_MAX_AGE
# and a worker's requests reuse them. Behind a pooler that cannot keep a PREPARE for a
# connection (PgBouncer in transaction mode) DASHBOARD_PREPARED_STATEMENTS is false, and the
# statement is sent whole. Not the dashboard's "kentsoc_" prefix nor the search's: each drops
# its own statements when a connection holds too many.
MAX_PREPARED = 256
_PREPARED_PREFIX = "reader_kept_"
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_unsure: weakref.WeakSet[Any] = weakref.WeakSet()


def preparing() -> bool:
    """Whether kept statements are prepared on this connection (PostgreSQL, not behind a pooler
    that cannot keep a PREPARE)."""
    return connection.vendor == "postgresql" and settings.DASHBOARD_PREPARED_STATEMENTS


def _run_prepared(values: _Values) -> list[tuple[Any, ...]]:
    """The statement's rows, run by name on this connection (`run_prepared`)."""
    name = values.prepared_name
    return run_prepared(name, f"PREPARE {name} AS {values.sql}")[1]


# A statement that takes values is planned once for any value (a generic plan), not planned again
# for each of the first five as PostgreSQL's choice between the two would: each takes a subject's
# id (or ids), an indexed condition whichever it is. For this message's transaction only.
_GENERIC = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"


def run_prepared(
    name: str, preparation: str, arguments: tuple[Any, ...] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The names of the columns and the rows of statement `name` run by name on this
    connection with `arguments` (its $1, $2...), prepared first (`preparation`, a PREPARE
    naming it) in the same message if the connection lacks it, dropping this module's
    statements it holds when it would hold too many. With arguments, `preparation` is written
    for the message's own binding (a literal percent sign doubled)."""
    held = _held()
    parts = [_GENERIC] if arguments else []
    if name not in held:
        if len(held) >= MAX_PREPARED:
            parts.extend(f"DEALLOCATE {old}" for old in sorted(held))
            held.clear()
        parts.append(preparation)
    parts.append(
        f"EXECUTE {name}({', '.join(['%s'] * len(arguments))})" if arguments else f"EXECUTE {name}"
    )
    with connection.cursor() as cursor:
        try:
            cursor.execute(";\n".join(parts), arguments or None)
        except Exception:
            # Some of the message may have run (a PREPARE outlives a failed statement and a
            # rolled-back transaction): the connection's list is read afresh before the next.
            _unsure.add(connection.connection)
            raise
        # The EXECUTE's rows are the message's last result.
        while cursor.nextset():
            pass
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    held.add(name)
    return names, rows


def _held() -> set[str]:
    """The statements this psycopg connection holds prepared under this module's prefix (read
    from the server after a message failed part way)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw in _unsure:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_prepared_statements WHERE name LIKE 'reader\\_kept\\_%%'", []
            )
            _prepared[raw] = {name for (name,) in cursor.fetchall()}
        _unsure.discard(raw)
    return _prepared.setdefault(raw, set())


def _converted(
    row: list[Any], converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
) -> list[Any]:
    for index, funcs, field in converters:
        value = row[index]
        for convert in funcs:
            value = convert(value, field, connection)
        row[index] = value
    return row


def _compiled(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    query: Query = queryset.query
    sql, params = query.sql_with_params()
    return sql, tuple(params)


def _built(build: Callable[[], Any]) -> tuple[Any, bool]:
    """`build()`, and whether it ran any query while it was built."""
    ran: list[str] = []

    def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        ran.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        built = build()
    return built, bool(ran)


def forget_reader_queries() -> None:
    """Drop this thread's kept queries (tests that change what a build reads)."""
    _local.kept = {}
    _local.kept_sql = {}
    _local.kept_values = {}
