"""The search's SQL compiled once per shape of what was typed, its words bound on every search.

Building the eight kinds' querysets and compiling their UNION was nine tenths of a search's Python,
on every keystroke. The SQL a search compiles to is a function of the officer's access, the kinds
asked, the page and the *shape* of what was typed (how many words, which look like a reference, a
year, a date or a phone number, which are long enough to be misspelt), never of the words
themselves, which are only values in it. Each kind reads the text into its terms (`Kind.terms`: a
frozen dataclass such as ocg.search.NominalTerms or countylines.search.LineTerms, or None) whose
booleans, Nones and tuple lengths are that shape and whose strings, numbers and dates (`Leaf`) are
the values; its finder decides the SQL from the shape alone and hands each value to the ORM as a
value (a lookup's, or written into a pattern: a LIKE, a regex, a quoted phrase), never inspecting,
cutting or changing it.

So `statement` compiles once per key and shape, in this process, from terms of that shape whose
values are markers, keeps where each marker landed among the compiled parameters (a parameter of
its own, or inside a string: Django's LIKE pattern, escaped or not, or the finder's own), and
writes each search's values there. The text is never part of the key: two searches of one shape
share one statement (tests/search/test_compiled.py). The statement still runs on every search, so
nothing it returns is kept. PostgreSQL only: the demo's SQLite builds each search afresh.

The officer's own id is one more such value. The scopes write it into the SQL (an LRO's groups
are those they lead, an author reads the disruptions they logged: `access.user_id`), so a key
naming it kept a statement per officer, and under load nearly every search was a first one. The
statement is built instead for a stand-in reader (`_Reader`): the officer's Access with a marker
for the id, and nothing else of the user, so the real id has no way into the SQL but the marker;
the id is then bound, as the words are, on every search, and officers whose Access differs only
in the id share the statement. Before a statement is kept `_checked` refuses it if the marker
was left unbound anywhere or if any column naming a user or an officer is compared with a number
written into the SQL (only the bound id may stand there): a wrong statement here would show one
officer another's records, so it must fail loudly, never be shared.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import itertools
import re
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import ForeignKey, QuerySet

from kentsoc.org.scoping import Access, reading_as

Leaf = str | int | datetime.date

# Accesses (officers less their ids) x shapes x pages a worker process keeps compiled (a
# statement is 10-13 KB of SQL, so at most ~30 MB); the older half goes when it is full.
MAX_STATEMENTS = 2048

# A marker for each value: text no one types (private-use characters) with an underscore, which
# Django's LIKE escaping turns into "\_" (so an escaped marker is told from a plain one); numbers
# and dates no search is made of (ids are positive; no one was born in year 1).
_MARK = re.compile("\ue000(\\d+)(\\\\?)_\ue001")
_INT_MARK = -1_000_000_000
_DATE_MARK = datetime.date(1, 1, 1)


def _marker(leaf: Leaf, index: int) -> Leaf:
    if isinstance(leaf, str):
        return f"\ue000{index}_\ue001"
    if isinstance(leaf, int):
        return _INT_MARK - index
    return _DATE_MARK + datetime.timedelta(days=index)


def _walk(terms: Any, leaves: list[Leaf], mark: bool) -> tuple[Hashable, Any]:
    """`terms`' shape (its booleans, Nones, tuple lengths, dataclass types and the type of each
    value, never a value) and, when `mark`, the same terms with each value a marker; the values
    are appended to `leaves` in order."""
    if terms is None or isinstance(terms, bool):
        return terms, terms
    if isinstance(terms, str | int) or (
        isinstance(terms, datetime.date) and not isinstance(terms, datetime.datetime)
    ):
        marked = _marker(terms, len(leaves)) if mark else None
        leaves.append(terms)
        return type(terms).__name__, marked
    if isinstance(terms, tuple):
        walked = [_walk(item, leaves, mark) for item in terms]
        return tuple(shape for shape, _ in walked), tuple(item for _, item in walked)
    if dataclasses.is_dataclass(terms) and not isinstance(terms, type):
        fields = [
            (field.name, _walk(getattr(terms, field.name), leaves, mark))
            for field in dataclasses.fields(terms)
        ]
        shape = (type(terms).__qualname__, *(walked[0] for _, walked in fields))
        marked = type(terms)(**{name: walked[1] for name, walked in fields}) if mark else None
        return shape, marked
    raise TypeError(f"Not a search term: {terms!r}")


@dataclasses.dataclass(frozen=True)
class Slot:
    """A parameter written from the values: one value (`index`, given the type Django gave its
    marker: psycopg's Int4 for an integer it compares with a year), or the `pieces` of a string
    the values were written into (constant text, and (index, LIKE-escaped) for each value)."""

    position: int
    index: int = -1
    wrap: type | None = None
    pieces: tuple[str | tuple[int, bool], ...] = ()


@dataclasses.dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[Slot, ...]

    def bind(self, values: list[Leaf]) -> tuple[str, list[Any]]:
        """The SQL and its parameters for `values` (the terms' values, in order)."""
        params = list(self.params)
        for slot in self.slots:
            if slot.pieces:
                params[slot.position] = "".join(_written(piece, values) for piece in slot.pieces)
            elif slot.wrap is not None:
                params[slot.position] = slot.wrap(values[slot.index])
            else:
                params[slot.position] = values[slot.index]
        return self.sql, params


def _written(piece: str | tuple[int, bool], values: list[Leaf]) -> str:
    if isinstance(piece, str):
        return piece
    index, escaped = piece
    return connection.ops.prep_for_like_query(values[index]) if escaped else str(values[index])


def _slot(position: int, param: Any, count: int) -> Slot | None:
    """Which of the `count` marked values `param` was compiled from, if any."""
    wrap = None if type(param) in (str, int, datetime.date) else type(param)
    if isinstance(param, str):
        pieces: list[str | tuple[int, bool]] = []
        last = 0
        for found in _MARK.finditer(param):
            pieces += [param[last : found.start()], (int(found[1]), bool(found[2]))]
            last = found.end()
        pieces.append(param[last:])
        if any(isinstance(piece, str) and "\ue000" in piece for piece in pieces):
            raise ValueError(f"A search term was changed after it was read: {param!r}")
        if len(pieces) == 1:
            return None
        if len(pieces) == 3 and pieces[0] == pieces[2] == "" and not pieces[1][1]:
            return Slot(position, index=pieces[1][0], wrap=wrap)
        return Slot(position, pieces=tuple(piece for piece in pieces if piece != ""))
    if isinstance(param, bool):
        return None
    if isinstance(param, int) and _INT_MARK - count < param <= _INT_MARK:
        return Slot(position, index=_INT_MARK - param, wrap=wrap)
    is_date = isinstance(param, datetime.date) and not isinstance(param, datetime.datetime)
    if is_date and param.year == _DATE_MARK.year:
        return Slot(position, index=(param - _DATE_MARK).days, wrap=wrap)
    return None


def _compiled(queryset: QuerySet, count: int) -> Statement:
    """The queryset's SQL and parameters, and which parameters the `count` marked values became."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    if "\ue000" in sql:
        raise ValueError("A search term was written into the SQL, not passed as a parameter")
    slots = [
        slot
        for position, param in enumerate(params)
        if (slot := _slot(position, param, count)) is not None
    ]
    return _written_in(sql, params, slots)


# What stands for a value's parameter while the constants are written in: private-use text,
# which no constant holds and psycopg quotes plainly.
_VALUE = "\ue002"


def _written_in(sql: str, params: Any, slots: list[Slot]) -> Statement:
    """The statement with its constant parameters (the scope's ids, choices and dates: about a
    hundred) written into the SQL as psycopg's client-side binding (Django's) would write them on
    every execute, so each search adapts only the values it binds; %s is left for those."""
    positions = {slot.position for slot in slots}
    standing = [_VALUE if position in positions else p for position, p in enumerate(params)]
    # The SQL is a format string again: each percent sign the constants wrote is doubled.
    composed = connection.ops.compose_sql(sql, standing).replace("%", "%%")
    if composed.count(f"'{_VALUE}'") != len(slots):
        raise ValueError("A value's parameter was not written where it stood")
    return Statement(
        composed.replace(f"'{_VALUE}'", "%s"),
        tuple(params[slot.position] for slot in slots),
        tuple(dataclasses.replace(slot, position=index) for index, slot in enumerate(slots)),
    )


@functools.cache
def _naming_people() -> re.Pattern[str]:
    """A column naming a user or an officer (a foreign key to either, or their own id) compared
    with a number: in a shared statement only the bound id (%s) may stand there."""
    from kentsoc.org.models import Officer

    people = (get_user_model(), Officer)
    columns = {
        field.column
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey) and field.related_model in people
    }
    tables = [f'"{model._meta.db_table}"."{model._meta.pk.column}"' for model in people]
    named = "|".join([*(re.escape(f'"{c}"') for c in sorted(columns)), *map(re.escape, tables)])
    return re.compile(rf"(?:{named})\s*(?:=|<>|!=|IN\s*\()\s*\(?\s*-?\d")


def _checked(kept: Statement, reader_mark: int) -> Statement:
    """`kept`, refused (ValueError) unless the stand-in's id is bound wherever it landed and no
    column naming a user or an officer is compared with a number the statement holds."""
    unbound = re.compile(rf"(?<![\d.]){reader_mark}(?!\d)")
    written = [piece for slot in kept.slots for piece in slot.pieces if isinstance(piece, str)]
    if any(unbound.search(text) for text in [kept.sql, *written]):
        raise ValueError("The officer's id was written into a shared statement unbound")
    if found := _naming_people().search(kept.sql):
        raise ValueError(f"A shared statement names a user or an officer: {found[0]!r}")
    return kept


class _Reader:
    """Whom a shared statement is built for: an officer with `access` (its id a marker) and
    nothing else, so no part of the real user can reach the SQL."""

    is_authenticated = True
    is_active = True

    def __init__(self, access: Access) -> None:
        self.pk = self.id = access.user_id
        reading_as(self, access)


_statements: dict[Hashable, Statement | None] = {}


def statement(
    key: Hashable, access: Access, terms: Any, build: Callable[[Any, Any], QuerySet | None]
) -> tuple[str, list[Any]] | None:
    """`build(terms, reader)`'s SQL and parameters (None when it builds nothing), compiled once
    per `key` (which must name every input `build` reads besides the terms and the reader, the
    officer's id excepted), `access` less its user id and shape of `terms`, for a reader with
    that access whose id is a marker; the terms' values and the officer's id bound each time."""
    leaves: list[Leaf] = []
    shape, _ = _walk(terms, leaves, mark=False)
    full = (key, dataclasses.replace(access, user_id=0), shape)
    # The officer's id is the last value: bound where the stand-in's marked id landed.
    leaves.append(access.user_id)
    if full in _statements:
        kept = _statements[full]
    else:
        _, marked = _walk(terms, [], mark=True)
        reader_mark = _marker(access.user_id, len(leaves) - 1)
        reader = _Reader(dataclasses.replace(access, user_id=reader_mark))
        queryset = build(marked, reader)
        kept = None if queryset is None else _checked(_compiled(queryset, len(leaves)), reader_mark)
        if len(_statements) >= MAX_STATEMENTS:
            for old in list(_statements)[: MAX_STATEMENTS // 2]:
                _statements.pop(old, None)
        _statements[full] = kept
    return None if kept is None else kept.bind(leaves)


# Each kept statement is prepared (PREPARE) once per database connection and run by name after
# that, its values the EXECUTE's: planning the UNION (eight kinds, each with its scope's
# subqueries) took PostgreSQL longer than running it (27 ms against 14 on the demo), on every
# keystroke. The plan is generic (plan_cache_mode, set for the search's transaction), made once:
# what was typed is a value in it, as in the statement, and each kind's match is an indexed
# operator whichever value it is given. Connections live for CONN_MAX_AGE and a worker's requests
# reuse them. Behind a pooler that cannot keep a PREPARE for a connection (PgBouncer in
# transaction mode) DASHBOARD_PREPARED_STATEMENTS is false, and the statement is sent whole.
MAX_PREPARED = 256
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_unsure: weakref.WeakSet[Any] = weakref.WeakSet()
_PLACEHOLDER = re.compile("%[s%]")


def _type(value: Any) -> str:
    """The PREPARE's type for a value as psycopg's client-side binding writes it: text is an
    untyped literal (its type inferred from where it stands, as before), a number and a date
    typed."""
    if isinstance(value, str):
        return "unknown"
    if isinstance(value, datetime.date):
        return "date"
    if type(value) is int:
        return "int8"
    return type(value).__name__.lower()  # psycopg's wrappers: Int4


@functools.lru_cache(maxsize=MAX_STATEMENTS)
def _preparation(sql: str, types: tuple[str, ...]) -> tuple[str, str]:
    """The name and PREPARE of a kept statement: its placeholders numbered ($1...), its
    literal percent signs left doubled for the message's own binding."""
    number = itertools.count(1)
    body = _PLACEHOLDER.sub(lambda found: "%%" if found[0] == "%%" else f"${next(number)}", sql)
    digest = hashlib.blake2b(f"{types}{sql}".encode(), digest_size=12).hexdigest()
    # Not the dashboard's "kentsoc_" prefix: it reads back and drops the statements so named.
    name = f"search_kept_{digest}"
    return name, f"PREPARE {name}({', '.join(types)}) AS {body}"


def prepared(sql: str, params: list[Any]) -> tuple[str, list[str]]:
    """The message running a kept statement (`bind`'s SQL and parameters) by name on this
    connection, preparing it first if the connection lacks it (and dropping the search's
    statements it holds when it would hold too many), and the names the message prepares
    (`held` records them once it has run)."""
    name, preparation = _preparation(sql, tuple(_type(value) for value in params))
    parts = []
    held = _held()
    if name not in held:
        if len(held) >= MAX_PREPARED:
            parts.extend(f"DEALLOCATE {old}" for old in sorted(held))
            held.clear()
        parts.append(preparation)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    parts.append(f"EXECUTE {name}{arguments}")
    return "; ".join(parts), [] if name in held else [name]


def _held() -> set[str]:
    """The search's statements this connection holds prepared, read from the server after a
    message failed part way (a PREPARE outlives a failed statement and a rolled-back
    transaction)."""
    connection.ensure_connection()  # a request's first query may be the search
    raw = connection.connection
    if raw in _unsure:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_prepared_statements WHERE name LIKE 'search\\_kept\\_%%'",
                [],
            )
            _prepared[raw] = {name for (name,) in cursor.fetchall()}
        _unsure.discard(raw)
    return _prepared.setdefault(raw, set())


def held(names: list[str], ran: bool) -> None:
    """After a message from `prepared`: the statements it prepared are held, or, when it
    failed, which are is read afresh before the next."""
    if ran:
        _held().update(names)
    else:
        _unsure.add(connection.connection)


def preparing() -> bool:
    return connection.vendor == "postgresql" and settings.DASHBOARD_PREPARED_STATEMENTS
