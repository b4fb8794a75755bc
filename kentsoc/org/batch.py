"""Statements sent to the database together: on PostgreSQL in one round trip.

A round trip costs the most when the machine is busy: the server process has to be scheduled for
every one, and the client waits each time (a worker's rescore made sixteen of them, and on a busy
two-core machine most of its time went waiting on them). Statements here are built by the ORM as
usual; on PostgreSQL their parameters are written into their SQL as psycopg's client-side binding
(Django's) writes them on every execute, and they go as one message whose results are read in
turn. Elsewhere (SQLite: the demo) each runs on its own. Rows come through the ORM's converters,
as the queryset would give them.

They run in order, in the caller's transaction: a statement waiting for a lock holds back the
ones after it, and a failing one fails the message, as any failed statement fails a transaction.

`compiled` keeps statements built once per shape, with only the values of each call bound: the
worker's rescore built and compiled a dozen querysets every time, three quarters of its Python.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql import DeleteQuery, InsertQuery, UpdateQuery

from kentsoc.org.permissions import converted


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Sequence[Any]
    # (column position, (converter functions, expression)) for the rows it reads.
    converters: tuple[Any, ...] = ()


def sql(text: str, params: Sequence[Any] = ()) -> Statement:
    """A statement written by hand (`%s` placeholders, parameters bound)."""
    return Statement(text, tuple(params))


def rows_of(queryset: QuerySet) -> Statement:
    """The rows of a values_list queryset, as tuples."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    text, params = compiler.as_sql()
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return Statement(text, tuple(params), tuple(compiler.get_converters(fields).items()))


def update_of(queryset: QuerySet, **values: Any) -> Statement:
    """`queryset.update(**values)` (no signals, as update() sends none); its result is the count."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    text, params = query.get_compiler(using=queryset.db).as_sql()
    return Statement(text, tuple(params))


def delete_of(queryset: QuerySet) -> Statement:
    """`queryset._raw_delete()`: the rows deleted without collecting related ones (for tables
    nothing refers to with a cascade); its result is the count."""
    query = queryset.query.clone()
    query.__class__ = DeleteQuery
    text, params = query.get_compiler(using=queryset.db).as_sql()
    return Statement(text, tuple(params))


def insert_of(instance: Model, using: str = "default") -> Statement:
    """`instance` inserted (its fields' pre_save applied, as save() does), reading back its
    primary key: its result is one row, (pk,). The INSERT's SQL names nothing but the model's
    columns, so it is compiled once per model; each field's value is prepared as the ORM's
    insert prepares it."""
    meta = instance._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    if instance.pk is None:
        fields = [f for f in fields if f is not meta.auto_field]
    key = ("insert", meta.label, tuple(f.attname for f in fields), using)
    text = _inserts.get(key)
    if text is None:
        query = InsertQuery(type(instance))
        query.insert_values(fields, [instance])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [meta.pk]
        ((text, _),) = compiler.as_sql()
        _inserts[key] = text
    db = connections[using]
    return Statement(
        text, tuple(f.get_db_prep_save(f.pre_save(instance, True), connection=db) for f in fields)
    )


_inserts: dict[Hashable, str] = {}


# --- statements compiled once per shape ---------------------------------------------------------

# What stands for each value while a statement is compiled: a number, a day and a time no
# row or constant of kentsoc holds, and private-use text.
_INT_MARK = -7_364_901
_DAY_MARK = datetime.date(1111, 1, 1)
_TIME_MARK = datetime.datetime(1111, 1, 1, tzinfo=datetime.UTC)
_STANDING = "\ue002"  # a value's parameter, while the constants are written in


@dataclass(frozen=True)
class _Kept:
    """A statement with its constants written in, `%s` left for the values named `names`."""

    sql: str
    names: tuple[str, ...]
    converters: tuple[Any, ...]


_compiled: dict[Hashable, tuple[_Kept, ...]] = {}


def compiled(
    key: Hashable, build: Callable[..., Sequence[Statement]], **values: Any
) -> list[Statement]:
    """`build(**values)`'s statements. On PostgreSQL they are built once per `key` (which must
    name everything else `build` reads) and per which values are None, from stand-ins for the
    values (ints, strings, days and aware times), and each call binds its own values where the
    stand-ins landed among the parameters; a value the ORM wrote into the SQL itself, or dropped,
    is refused before anything is kept. Elsewhere (SQLite, the demo) they are built every time."""
    if connections["default"].vendor != "postgresql":
        return list(build(**values))
    absent = tuple(sorted(name for name, value in values.items() if value is None))
    kept = _compiled.get((key, absent))
    if kept is None:
        marks = {
            name: None if value is None else _mark(value, index)
            for index, (name, value) in enumerate(sorted(values.items()))
        }
        stand_ins = {(type(mark), mark): name for name, mark in marks.items() if mark is not None}
        kept = _kept(build(**marks), stand_ins)
        _compiled[(key, absent)] = kept
    return [Statement(k.sql, tuple(values[name] for name in k.names), k.converters) for k in kept]


def _mark(value: Any, index: int) -> Any:
    if isinstance(value, bool):
        raise TypeError("a flag changes a statement's shape: name it in the key")
    if isinstance(value, int):
        return _INT_MARK - index
    if isinstance(value, datetime.datetime):
        return _TIME_MARK + datetime.timedelta(days=index)
    if isinstance(value, datetime.date):
        return _DAY_MARK + datetime.timedelta(days=index)
    if isinstance(value, str):
        return f"\ue000{index}\ue001"
    raise TypeError(f"no stand-in for a {type(value).__name__}")


def _stand_in(param: Any, names: dict[tuple[type, Any], str]) -> str | None:
    """The name of the value `param` stands in for, if it is a stand-in."""
    if type(param) not in (int, str, datetime.date, datetime.datetime):
        return None
    return names.get((type(param), param))


def _kept(statements: Sequence[Statement], names: dict[tuple[type, Any], str]) -> tuple[_Kept, ...]:
    db = connections["default"]
    numbers = "|".join(str(-mark) for kind, mark in names if kind is int)
    unbound = re.compile(rf"\ue000|'1111-|(?<![\d.])-?({numbers or '$^'})(?!\d)")
    found: set[str] = set()
    kept = []
    for statement in statements:
        slots = [_stand_in(param, names) for param in statement.params]
        standing = [
            _STANDING if name else p for name, p in zip(slots, statement.params, strict=True)
        ]
        # A format string again: each percent sign the constants wrote is doubled.
        text = db.ops.compose_sql(statement.sql, standing).replace("%", "%%")
        bound = [name for name in slots if name]
        if text.count(f"'{_STANDING}'") != len(bound) or unbound.search(text):
            raise ValueError(f"a value was written into the SQL, not bound: {statement.sql!r}")
        found.update(bound)
        kept.append(_Kept(text.replace(f"'{_STANDING}'", "%s"), tuple(bound), statement.converters))
    if missing := set(names.values()) - found:
        raise ValueError(f"values the statements never bind: {sorted(missing)}")
    return tuple(kept)


def run(statements: Sequence[Statement], using: str = "default") -> list[Any]:
    """Run `statements` in order: for each, its rows when it reads any (a SELECT, a RETURNING),
    else the number of rows it changed."""
    db = connections[using]
    results: list[Any] = []
    with db.cursor() as cursor:
        if db.vendor != "postgresql":
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                results.append(_result(cursor, statement, db))
            return results
        # Client-side binding (Django's) writes every statement's parameters in at once.
        cursor.execute(
            ";\n".join(s.sql for s in statements), [p for s in statements for p in s.params]
        )
        for statement in statements:
            results.append(_result(cursor, statement, db))
            cursor.nextset()
    return results


def _result(cursor: Any, statement: Statement, db: Any) -> Any:
    if cursor.description is None:
        return cursor.rowcount
    rows = cursor.fetchall()
    if not statement.converters:
        return rows
    converters = list(statement.converters)
    return [tuple(converted(row, converters, db)) for row in rows]
