"""Reads of lines' own rows that depend on nothing but the lines' ids, compiled once per process.

Building a queryset and compiling it cost a line's page and the lists more Python than
PostgreSQL spent running it (about two thousand calls a query, issue 18). A read whose SQL is the
same for every reader and every line but for the lines' ids (their districts, their deal lines and
the other lines sharing their numbers: no scope applies to a line's own rows once the lines
themselves were read through `visible_to`) is compiled once per process and database with a
marker for the ids, then run with the ids bound. It still runs on every request: only the
compiling is saved, so nothing it returns can be stale.

A builder takes the condition on the rows' `county_line_id` (a Q) and returns a values_list
queryset that reads nothing else: `Q(county_line_id=<id>)` for one line, and for a page of lines
`IN (SELECT unnest(<ids>))`, the ids bound as one array on PostgreSQL (the demo's SQLite builds
that read afresh, with `__in`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from kentsoc.org.permissions import converted
from kentsoc.web.reader_rows import kept_instances, kept_rows

# A line id no line has (ids are positive): where it lands among the compiled parameters, each
# request's id is bound.
_MARK = -7_364_902

Builder = Callable[[Q], QuerySet]


def _any_of(marker: int) -> RawSQL:
    """The ids as one array parameter, so the SQL is the same for any number of lines."""
    # Nothing but the marker's placeholder: no text reaches this SQL.
    return RawSQL("SELECT unnest(%s::bigint[])", (marker,))  # noqa: S611


class LineRows:
    """`build(condition)`'s rows (a values_list queryset), as the queryset gives them: the ORM's
    converters applied to each row."""

    def __init__(self, build: Builder, many: bool, alias: str) -> None:
        condition = Q(county_line_id__in=_any_of(_MARK)) if many else Q(county_line_id=_MARK)
        compiler = build(condition).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        self.params = list(params)
        self.marks = [
            i
            for i, value in enumerate(self.params)
            if isinstance(value, int) and not isinstance(value, bool) and value == _MARK
        ]
        if not self.marks:
            raise RuntimeError(f"{build.__name__} does not take the lines' ids: {self.params!r}")
        self.sql = sql
        self.alias = alias
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())

    def bound(self, ids: int | list[int]) -> list[Any]:
        """The parameters with the lines' id (or ids) where the marker was."""
        params = list(self.params)
        for position in self.marks:
            params[position] = ids
        return params

    def rows(self, bound: int | list[int]) -> list[tuple[Any, ...]]:
        if self.alias == DEFAULT_DB_ALIAS:
            # Prepared once per connection (kept_rows).
            rows = kept_rows(self.sql, self.params, bound, _MARK)[1]
        else:
            with connections[self.alias].cursor() as cursor:
                cursor.execute(self.sql, self.bound(bound))
                rows = cursor.fetchall()
        db = connections[self.alias]
        if not self.converters:
            return rows
        return [tuple(converted(row, self.converters, db)) for row in rows]


# (build, one line or many, database alias, vendor) -> its compiled read. A process serves one
# database; tests may switch vendors, whose SQL differs.
_compiled: dict[tuple[Builder, bool, str, str], LineRows] = {}
_lock = threading.Lock()


def _compiled_read(build: Builder, many: bool, alias: str) -> LineRows:
    key = (build, many, alias, connections[alias].vendor)
    compiled = _compiled.get(key)
    if compiled is None:
        with _lock:
            compiled = _compiled.get(key) or LineRows(build, many, alias)
            _compiled[key] = compiled
    return compiled


def instances_of_line(
    model: type[Model], build: Builder, line_id: int, alias: str = "default"
) -> list[Model]:
    """The rows of one line as `model` instances, `build(Q(county_line_id=line_id))` being a
    queryset of `model`'s own columns (no select_related), the ORM's converters applied."""
    compiled = _compiled_read(build, False, alias)
    if alias == DEFAULT_DB_ALIAS:
        return kept_instances(model, compiled.sql, compiled.params, int(line_id), _MARK)
    return list(model.objects.using(alias).raw(compiled.sql, compiled.bound(int(line_id))))


def rows_of_line(build: Builder, line_id: int, alias: str = "default") -> list[tuple[Any, ...]]:
    """The rows of one line, as `build(Q(county_line_id=line_id))` reads them."""
    return _compiled_read(build, False, alias).rows(int(line_id))


def rows_of_lines(build: Builder, ids: list[int], alias: str = "default") -> list[tuple[Any, ...]]:
    """The rows of these lines, as `build(Q(county_line_id__in=ids))` reads them."""
    if not ids:
        return []
    if connections[alias].vendor != "postgresql":
        return list(build(Q(county_line_id__in=ids)).using(alias))
    return _compiled_read(build, True, alias).rows([int(pk) for pk in ids])
