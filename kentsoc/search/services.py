"""One search across every kind of record: the header box, the results page and the API.

`search_run` asks each kind the user's role may look for (kinds.KINDS) for its best matches and
records one audit event naming the query, the kinds asked and every row returned (DOMAIN.md:
every view of a person, intelligence record or disruption is audited, a search's answer too).
One query per kind whatever the number of rows, plus the audit INSERT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read
from kentsoc.search.kinds import BY_TYPE, Kind, kinds_for

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


@transaction.atomic
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
    for kind_type in chosen:
        kind = BY_TYPE[kind_type]
        queryset = kind.find(actor, text)
        if kind.related:
            queryset = queryset.select_related(*kind.related)
        found = list(queryset[offset : offset + depth + 1])
        rows = [kind.row(obj, text) for obj in found[:depth]]
        answer.groups.append(Group(kind=kind, rows=rows, more=len(found) > depth))
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
