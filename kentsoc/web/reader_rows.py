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

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

from kentsoc.org.permissions import converted
from kentsoc.web.reader_queries import (
    MAX_KEPT,
    preparing,
    reader_kept,
    reader_sql,
    run_prepared,
)

# No row has this id (ids are positive): where it lands among the compiled parameters, each
# request's id (or array of ids) is bound.
MARK = -7_364_903


def _marked(param: Any, mark: int) -> bool:
    return type(param) is int and param == mark


def _must_take_mark(name: str, params: Sequence[Any]) -> None:
    if not any(_marked(param, MARK) for param in params):
        # A statement that does not take the id would read every subject's rows.
        raise RuntimeError(f"{name} does not take the subject's id: {params!r}")


def _reader_statement(
    name: str, user: Any, build: Callable[[Any], QuerySet]
) -> tuple[str, tuple[Any, ...]] | None:
    """`build(MARK)`'s SQL and parameters kept for the reader; None for a scope of none() (no
    rows)."""
    try:
        sql, params = reader_sql(name, user, lambda: build(MARK))
    except EmptyResultSet:
        return None
    _must_take_mark(name, params)
    return sql, params


# A kept statement is prepared (PREPARE) once per database connection and run by name after
# that, the subject's id (or ids) its one value: planning a section's scoped statement took
# PostgreSQL five times longer than running it (1.2-1.4 ms against 0.2-0.3 on the demo), on
# every page. Its other values (the reader's force, team, the day) are written in, as psycopg's
# client-side binding writes them on every execute, so each reader's statement is planned for
# them. The statements share reader_values' prefix and bookkeeping (reader_queries.run_prepared).
_PLACEHOLDER = re.compile("%[s%]")


@functools.lru_cache(maxsize=MAX_KEPT)
def _preparation(sql: str, params: tuple[Any, ...], mark: int, many: bool) -> tuple[str, str]:
    """The name and PREPARE of `sql`: its values written in but `mark`, which becomes $1 (a
    bigint, or an array of them), literal percent signs left doubled for the message's own
    binding."""
    values = iter(params)

    def written(found: re.Match[str]) -> str:
        if found[0] == "%%":
            return "%%"
        value = next(values)
        if _marked(value, mark):
            return "$1"
        return connection.ops.compose_sql("%s", [value]).replace("%", "%%")

    body = _PLACEHOLDER.sub(written, sql)
    digest = hashlib.blake2b(body.encode(), digest_size=12).hexdigest()
    name = f"reader_kept_{digest}"
    return name, f"PREPARE {name}({'int8[]' if many else 'int8'}) AS {body}"


def kept_rows(
    sql: str, params: Sequence[Any], value: int | list[int], mark: int = MARK
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The names of the columns and the rows of `sql`, compiled with `mark` among its
    `params`, with `value` (an id, or a list of ids) where the mark was: on PostgreSQL run by
    name, prepared once per connection."""
    if preparing():
        try:
            name, preparation = _preparation(sql, tuple(params), mark, isinstance(value, list))
        except TypeError:
            # A value that cannot be a key (a list) among the compiled ones: sent whole.
            pass
        else:
            return run_prepared(name, preparation, (value,))
    bound = [value if _marked(param, mark) else param for param in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return [column[0] for column in cursor.description], cursor.fetchall()


@functools.lru_cache(maxsize=MAX_KEPT)
def _reading(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[Any, ...]:
    """How RawQuerySet reads `model`'s rows of these columns: the model's fields in its order
    and where each is, the other columns (annotations) and where, the ORM's converters."""
    convert = connection.introspection.identifier_converter
    by_column = {convert(field.column): field for field in model._meta.fields}
    fields = [field for field in model._meta.fields if convert(field.column) in names]
    init_names = [field.attname for field in fields]
    if model._meta.pk.attname not in init_names:
        raise FieldDoesNotExist("Raw query must include the primary key")
    positions = [names.index(convert(field.column)) for field in fields]
    annotations = [(name, pos) for pos, name in enumerate(names) if name not in by_column]
    columns = [
        by_column[name].get_col(model._meta.db_table) if name in by_column else None
        for name in names
    ]
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    converters = list(compiler.get_converters(columns).items())
    return init_names, positions, annotations, converters


def kept_instances(
    model: type[Model], sql: str, params: Sequence[Any], value: int, mark: int = MARK
) -> list[Model]:
    """`kept_rows` as `model` instances (the statement reads `model`'s own columns, its primary
    key among them, and any others as annotations), as `model.objects.raw()` gives them."""
    return _instances(model, *kept_rows(sql, params, value, mark))


def _instances(model: type[Model], names: list[str], rows: list[tuple[Any, ...]]) -> list[Model]:
    """The rows as `model` instances, as `model.objects.raw()` gives them."""
    init_names, positions, annotations, converters = _reading(
        model, tuple(names), connection.vendor
    )
    db = connection.alias
    found = []
    for row in rows:
        values = converted(row, converters, connection) if converters else row
        instance = model.from_db(db, init_names, [values[pos] for pos in positions])
        for name, pos in annotations:
            setattr(instance, name, values[pos])
        found.append(instance)
    return found


def reader_instances(
    name: str, user: Any, model: type[Model], build: Callable[[int], QuerySet], pk: int
) -> list[Model]:
    """The rows of `build(pk)` (`model`'s queryset with its own columns only, no
    select_related, its condition on the subject's id `pk`, through the reader's scope) as
    model instances, the ORM's converters applied. `build` must read nothing but the
    reader's access and the day (and its argument)."""
    statement = _reader_statement(name, user, build)
    if statement is None:
        return []
    return _instances(model, *kept_rows(*statement, int(pk)))


class _Objects:
    """A queryset compiled with MARK for its subject's id, and how its ModelIterable makes its
    rows into instances (the model's columns, select_related's rows, annotations, the ORM's
    converters), kept so that neither is done again on each request."""

    def __init__(self, name: str, queryset: QuerySet) -> None:
        compiler: SQLCompiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        _must_take_mark(name, params)
        self.sql, self.params = sql, tuple(params)
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model = klass_info["model"]
        self.columns = slice(first, last)
        self.init_list = [column[0].target.attname for column in select[first:last]]
        self.populators = get_related_populators(klass_info, select, connection.alias)
        self.annotations = tuple(compiler.annotation_col_map.items())
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )

    def read(self, pk: int) -> list[Model]:
        rows = kept_rows(self.sql, self.params, pk)[1]
        db = connection.alias
        found = []
        for row in rows:
            if self.converters:
                row = converted(row, self.converters, connection)
            instance = self.model.from_db(db, self.init_list, row[self.columns])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found


def reader_objects(name: str, user: Any, build: Callable[[int], QuerySet], pk: int) -> list[Model]:
    """The rows of `build(pk)`, a queryset through the reader's scope whose condition takes the
    subject's id `pk` (select_related and annotations as it likes), as iterating it gives
    them: compiled once per officer and day (`build` must read nothing but the reader's
    access and the day, and its argument), run by name (`kept_rows`)."""
    try:
        objects = reader_kept(name, user, lambda: _Objects(name, build(MARK)))
    except EmptyResultSet:
        return []
    return objects.read(int(pk))


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
    statement = _reader_statement(name, user, lambda mark: build(any_of(mark)))
    if statement is None:
        return []
    return kept_rows(*statement, wanted)[1]


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
_objects: dict[tuple[str, str], _Objects] = {}
_lock = threading.Lock()


def _compiled_statement(name: str, build: Callable[[int], QuerySet]) -> tuple[str, tuple[Any, ...]]:
    key = (name, connection.vendor)
    compiled = _compiled.get(key)
    if compiled is None:
        sql, params = build(MARK).query.sql_with_params()
        _must_take_mark(name, params)
        with _lock:
            compiled = _compiled.setdefault(key, (sql, tuple(params)))
    return compiled


def subject_instances(
    name: str, model: type[Model], build: Callable[[int], QuerySet], pk: int
) -> list[Model]:
    """As `reader_instances`, for rows no reader's scope applies to (a record's own evidence):
    `build(pk)` compiled once per process. `build` must read nothing but its argument."""
    return _instances(model, *kept_rows(*_compiled_statement(name, build), int(pk)))


def subject_rows(name: str, build: Callable[[int], QuerySet], pk: int) -> list[tuple[Any, ...]]:
    """The rows of `build(pk)`, a values_list queryset naming no reader, of columns that need
    no converter (ids, text), compiled once per process."""
    return kept_rows(*_compiled_statement(name, build), int(pk))[1]


def subject_id_rows(
    name: str, build: Callable[[Any], QuerySet], ids: Iterable[int]
) -> list[tuple[Any, ...]]:
    """As `reader_id_rows`, for rows no reader's scope applies to (the claims of records
    already read through the reader's scope): `build(any_of(MARK))` compiled once per process
    on PostgreSQL, the ids bound as one array. `build` must read nothing but its argument."""
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        return []
    if connection.vendor != "postgresql":
        return list(build(wanted))
    statement = _compiled_statement(name, lambda mark: build(any_of(mark)))
    return kept_rows(*statement, wanted)[1]


def subject_objects(name: str, build: Callable[[int], QuerySet], pk: int) -> list[Model]:
    """As `reader_objects`, for rows no reader's scope applies to (a record's own rows once
    the record was read through the reader's scope): `build(pk)` compiled once per process.
    `build` must read nothing but its argument."""
    key = (name, connection.vendor)
    objects = _objects.get(key)
    if objects is None:
        built = _Objects(name, build(MARK))
        with _lock:
            objects = _objects.setdefault(key, built)
    return objects.read(int(pk))
