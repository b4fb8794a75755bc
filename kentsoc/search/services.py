"""One search across every kind of record: the header box, the results page and the API.

`search_run` asks each kind the user's role may look for (kinds.KINDS) for its best matches and
records one audit event naming the query, the kinds asked and every row returned (DOMAIN.md:
every view of a person, intelligence record or disruption is audited, a search's answer too).

On PostgreSQL every kind's best rows come back in one round trip: a statement setting pg_trgm's
threshold, so the trigram index, not a similarity computed row by row, narrows a whole name, sent
with the UNION ALL of each kind's ranked match (each limited to what the page shows) as one
transaction; then the audit INSERT, committed on its own (a search changes nothing else, so it
holds the audit chain's lock for that one statement, not for a transaction). SQLite allows no
ORDER BY or LIMIT inside a UNION, so the demo asks one query per kind.

On PostgreSQL the UNION is compiled once per shape of what was typed (and officer's access less
their id, kinds and page) in each process, the typed words and the officer's id bound into it on
every search (kentsoc.search.compiled).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import EmptyQuerySet

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read
from kentsoc.dates import today
from kentsoc.org.scoping import access_for
from kentsoc.search import compiled
from kentsoc.search.kinds import BY_TYPE, Kind, kinds_for
from ocg.search import WHOLE_NAME_SIMILARITY

MIN_LENGTH = 2
"""Fewer characters find half the force: nothing is searched (or recorded)."""
MAX_LENGTH = 200
SUGGESTIONS_PER_KIND = 3
PAGE_SIZE = 10
MAX_PAGE = 50


@dataclass
class Group:
    """One kind's rows on a page of the answer, and whether it has more."""

    kind: Kind
    rows: list[dict[str, Any]]
    more: bool
    # The page with the rest of this kind (the results page fills it in).
    more_url: str = ""


@dataclass
class Answer:
    text: str
    types: list[str]
    page: int
    groups: list[Group] = field(default_factory=list)
    # Every kind's rows in one list, best score first (the API's order).
    rows: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False

    @property
    def searched(self) -> bool:
        return len(self.text) >= MIN_LENGTH


def search_types(user: Any, requested: list[str] | None = None) -> list[str]:
    """The types this user may search, limited to `requested` when given (unknown ones are the
    caller's to refuse: see `unknown_types`)."""
    allowed = [kind.type for kind in kinds_for(user)]
    if not requested:
        return allowed
    return [t for t in allowed if t in requested]


def unknown_types(requested: list[str]) -> list[str]:
    return [t for t in requested if t not in BY_TYPE]


# A whole name typed badly is matched with `%` (ocg.search): at this threshold the trigram index
# returns only names that close. With no parallel workers the UNION's parts come back one after
# the other, each in its own order. A kept statement run by name uses its one generic plan
# (compiled.prepared). All for this transaction only.
_SETTINGS = (
    "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
    "set_config('max_parallel_workers_per_gather', '0', true); "
)
_PREPARED_SETTINGS = (
    "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
    "set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('plan_cache_mode', 'force_generic_plan', true); "
)


def _read_at_threshold(
    sql: str, params: list[Any], *, kept: bool = False
) -> list[tuple[int, int, float, dict[str, Any]]]:
    """The rows of `sql` (kind index, id, score, row JSON) read with the settings above, in one
    round trip: the statements in one message, which PostgreSQL runs as one transaction (or
    within the caller's). Django binds parameters client-side (psycopg's ClientCursor, unless
    OPTIONS server_side_binding is set, which kentsoc does not), so several statements may
    share one execute(); the last one's rows follow nextset(). A `kept` statement (compiled's)
    is run by name, prepared on this connection the first time."""
    similarity = str(WHOLE_NAME_SIMILARITY)
    prepares: list[str] = []
    by_name = kept and compiled.preparing()
    if by_name:
        message, prepares = compiled.prepared(sql, params)
        sql, params = _PREPARED_SETTINGS + message, [similarity, *params]
    else:
        sql, params = _SETTINGS + sql, [similarity, *params]
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, params)
        except Exception:
            if by_name:
                compiled.held(prepares, ran=False)
            raise
        while cursor.nextset():
            pass
        rows = cursor.fetchall()
    if by_name:
        compiled.held(prepares, ran=True)
    return [
        (index, pk, score, json.loads(read) if isinstance(read, str) else read)
        for index, pk, score, read in rows
    ]


def _parts(
    actor: Any, kinds: list[Kind], terms: tuple[Any, ...], offset: int, limit: int
) -> list[QuerySet]:
    """Each kind's best `limit` rows after `offset` for its terms, those that may match."""
    parts = [
        kind.found(actor, kind_terms, index)[offset : offset + limit]
        for index, (kind, kind_terms) in enumerate(zip(kinds, terms, strict=True))
    ]
    return [part for part in parts if not isinstance(part, EmptyQuerySet)]


def _union(
    actor: Any, kinds: list[Kind], terms: tuple[Any, ...], offset: int, limit: int
) -> QuerySet | None:
    parts = _parts(actor, kinds, terms, offset, limit)
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _found(
    actor: Any, text: str, kinds: list[Kind], offset: int, limit: int
) -> dict[int, list[tuple[int, float, dict[str, Any]]]]:
    """Each kind's (by its index in `kinds`) best `limit` rows after `offset`, best first, as
    (id, score, what its row shows)."""
    found: dict[int, list[tuple[int, float, dict[str, Any]]]] = defaultdict(list)
    if not kinds:
        return found
    terms = tuple(kind.terms(text) for kind in kinds)
    rows: Iterable[tuple[int, int, float, dict[str, Any]]]
    if connection.vendor == "postgresql":
        # Besides the terms, the SQL is built from the officer's Access (force, role, team,
        # division, whether the force is party to shares, and the user id an LRO's own groups
        # and an author's own disruptions are found by), the day (a share is lent between two
        # dates), the kinds asked and the page; the shares, assignments and memberships
        # themselves are read by its subqueries as it runs. Never the text, nor the officer's
        # id: they are values bound into the statement kept for the shape and the rest of the
        # Access, which is built for a stand-in reader (compiled._Reader), never the actor.
        key = (today(), tuple(kind.type for kind in kinds), offset, limit)
        access = access_for(actor)
        # No access (an administrator-set password not yet changed): every scope is empty.
        bound = None
        if access is not None:
            bound = compiled.statement(
                key,
                access,
                terms,
                lambda marked, reader: _union(reader, kinds, marked, offset, limit),
            )
        rows = _read_at_threshold(*bound, kept=True) if bound is not None else ()
    else:
        rows = (row for part in _parts(actor, kinds, terms, offset, limit) for row in part)
    for index, pk, score, read in rows:
        found[index].append((pk, score, read))
    return found


def search_run(
    *,
    actor: Any,
    text: str,
    types: list[str] | None = None,
    page: int = 1,
    per_kind: int = PAGE_SIZE,
    merged: bool = False,
) -> Answer:
    """The `page` of what `actor` may see matching `text` among `types` (default: every kind
    their role may look for). Grouped by kind (`per_kind` rows of each on the page), or `merged`
    into one list best score first (the API: `per_kind` rows per page in all). Audited."""
    text = " ".join((text or "").split())[:MAX_LENGTH]
    page = min(max(page, 1), MAX_PAGE)
    chosen = search_types(actor, types)
    answer = Answer(text=text, types=chosen, page=page)
    if not answer.searched:
        return answer
    depth = page * per_kind if merged else per_kind
    offset = 0 if merged else (page - 1) * per_kind
    everything: list[dict[str, Any]] = []
    kinds = [BY_TYPE[kind_type] for kind_type in chosen]
    found = _found(actor, text, kinds, offset, depth + 1)
    for index, kind in enumerate(kinds):
        hits = found.get(index, [])
        rows = [
            kind.row({**read, "id": pk, "score": score}, text) for pk, score, read in hits[:depth]
        ]
        answer.groups.append(Group(kind=kind, rows=rows, more=len(hits) > depth))
        everything.extend(rows)
    if merged:
        # Best first; a stable sort keeps each kind's own order among equal scores.
        everything.sort(key=lambda row: -row["score"])
        start = (page - 1) * per_kind
        answer.rows = everything[start : start + per_kind]
        answer.more = len(everything) > start + per_kind or any(g.more for g in answer.groups)
    else:
        answer.rows = everything
        answer.more = any(g.more for g in answer.groups)
    audit_read(
        actor=actor,
        model="search",
        ids=[f"{row['type']}:{row['id']}" for row in answer.rows],
        query={"q": text, "types": chosen, "page": page},
        action=AuditAction.SEARCH,
    )
    return answer
