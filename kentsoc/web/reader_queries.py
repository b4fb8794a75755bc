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

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql.query import Query

from kentsoc.dates import today
from kentsoc.org.scoping import access_for

_local = threading.local()
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
    access = access_for(user)
    if access is None:
        return _compiled(build())
    kept: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] | None = getattr(
        _local, "kept_sql", None
    )
    if kept is None:
        kept = _local.kept_sql = {}
    key = (name, access, today(), connection.vendor)
    compiled = kept.get(key)
    if compiled is None:
        compiled, read = _built(lambda: _compiled(build()))
        if read:
            return compiled
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = compiled
    return compiled


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
