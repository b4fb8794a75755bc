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
"""

from __future__ import annotations

from collections.abc import Sequence
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
    primary key: its result is one row, (pk,)."""
    meta = instance._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    if instance.pk is None:
        fields = [f for f in fields if f is not meta.auto_field]
    query = InsertQuery(type(instance))
    query.insert_values(fields, [instance])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    ((text, params),) = compiler.as_sql()
    return Statement(text, tuple(params))


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
        cursor.execute(";\n".join(db.ops.compose_sql(s.sql, s.params) for s in statements))
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
