"""One record's related rows read through the reader's scope, the statement compiled once per
officer and day with the record's id bound on each request (or, for rows no scope applies to,
once per process).

A section of a record's page (a county line's disruptions, its intelligence records) reads the
rows of one subject through the reader's scope: for one officer it is the same statement on
every page they open that day but for the subject's id, and compiling it (the scope, its
subqueries) cost more Python than the rest of the section (issue 18). So the statement is
compiled for a marker id, kept as `reader_sql` keeps it (per officer, day and database), and
each request binds its id where the marker landed among the parameters. Only the compiling is
saved: the statement runs on every request, so nothing it returns can be stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

from kentsoc.web.reader_queries import reader_sql

# No row has this id (ids are positive): where it lands among the compiled parameters, each
# request's id (or array of ids) is bound.
MARK = -7_364_903


def _bound(
    name: str, user: Any, build: Callable[[Any], QuerySet], value: Any
) -> tuple[str, list[Any]] | None:
    """`build(MARK)`'s SQL kept for the reader, with `value` where MARK was; None for a scope
    of none() (no rows)."""
    try:
        sql, params = reader_sql(name, user, lambda: build(MARK))
    except EmptyResultSet:
        return None
    bound = [value if type(param) is int and param == MARK else param for param in params]
    if not any(type(param) is int and param == MARK for param in params):
        # A statement that does not take the id would read every subject's rows.
        raise RuntimeError(f"{name} does not take the subject's id: {params!r}")
    return sql, bound


def reader_instances(
    name: str, user: Any, model: type[Model], build: Callable[[int], QuerySet], pk: int
) -> list[Model]:
    """The rows of `build(pk)` (`model`'s queryset with its own columns only, no
    select_related, its condition on the subject's id `pk`, through the reader's scope) as
    model instances, the ORM's converters applied. `build` must read nothing but the
    reader's access and the day (and its argument)."""
    bound = _bound(name, user, build, int(pk))
    if bound is None:
        return []
    return list(model.objects.raw(*bound))


def any_of(mark: int) -> RawSQL:
    """A condition's right-hand side taking a list of ids as one array parameter, so the SQL
    is the same for any number of ids (PostgreSQL: `reader_ids`)."""
    # Nothing but the marker's placeholder: no text reaches this SQL.
    return RawSQL("SELECT unnest(%s::bigint[])", (mark,))  # noqa: S611


def reader_id_rows(
    name: str, user: Any, build: Callable[[Any], QuerySet], ids: Iterable[int]
) -> list[tuple[Any, ...]]:
    """The rows of `build(ids)`, a values_list queryset through the reader's scope whose
    condition takes the ids, of columns that need no converter (ids, text): on PostgreSQL
    compiled once per officer and day with `any_of(MARK)` (build is given that) and the ids
    bound as one array; elsewhere (the demo's SQLite has no arrays) built with the ids."""
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        return []
    if connection.vendor != "postgresql":
        return list(build(wanted))
    bound = _bound(name, user, lambda mark: build(any_of(mark)), wanted)
    if bound is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*bound)
        return cursor.fetchall()


def reader_ids(
    name: str, user: Any, build: Callable[[Any], QuerySet], ids: Iterable[int]
) -> set[int]:
    """The first column (an id) of `reader_id_rows`."""
    return {row[0] for row in reader_id_rows(name, user, build, ids)}


# --- rows that name no reader: compiled once per process --------------------------------------

# (name, database vendor) -> `build(MARK)`'s SQL and parameters. A process serves one database;
# tests may switch vendors, whose SQL differs. Each compile builds its own queryset, so two
# threads compiling at once compile two.
_compiled: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}
_lock = threading.Lock()


def _compiled_bound(name: str, build: Callable[[int], QuerySet], pk: int) -> tuple[str, list[Any]]:
    key = (name, connection.vendor)
    compiled = _compiled.get(key)
    if compiled is None:
        sql, params = build(MARK).query.sql_with_params()
        if not any(type(param) is int and param == MARK for param in params):
            raise RuntimeError(f"{name} does not take the subject's id: {params!r}")
        with _lock:
            compiled = _compiled.setdefault(key, (sql, tuple(params)))
    sql, params = compiled
    return sql, [pk if type(param) is int and param == MARK else param for param in params]


def subject_instances(
    name: str, model: type[Model], build: Callable[[int], QuerySet], pk: int
) -> list[Model]:
    """As `reader_instances`, for rows no reader's scope applies to (a record's own evidence):
    `build(pk)` compiled once per process. `build` must read nothing but its argument."""
    return list(model.objects.raw(*_compiled_bound(name, build, int(pk))))


def subject_rows(name: str, build: Callable[[int], QuerySet], pk: int) -> list[tuple[Any, ...]]:
    """The rows of `build(pk)`, a values_list queryset naming no reader, of columns that need
    no converter (ids, text), compiled once per process."""
    with connection.cursor() as cursor:
        cursor.execute(*_compiled_bound(name, build, int(pk)))
        return cursor.fetchall()
