"""Full-text search of a record's free text (an intelligence summary, a disruption narrative).

On PostgreSQL: English stemming ("supplying" finds "supplied"), the words as a search engine
takes them (websearch_to_tsquery: "quoted phrases", -excluded, or), matched against the table's
stored `search_vector` (a generated column with a GIN index, kentsoc.search's migration 0002),
and a snippet around the matches (ts_headline). On SQLite (the demo): every word contained,
case-insensitively, and a snippet cut around the first word in Python.

Snippets come back as HTML: the record's text escaped, the matched words in <mark>.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Expression, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
VECTOR_COLUMN = "search_vector"
# Control characters no record holds (the strict text fields refuse them): ts_headline marks the
# matches with them, and they become <mark> only after the text around them is escaped.
_START, _STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
_WORD = re.compile(r"[\w'-]+")


def fulltext() -> bool:
    return connection.vendor == "postgresql"


def index_sql(table: str, column: str, name: str) -> str:
    """An expression GIN index on the English vector of `column` (kentsoc.search's migration
    0001; 0002 replaced it with the stored column)."""
    return (
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin "
        f"(to_tsvector('{CONFIG}'::regconfig, COALESCE(({column})::text, '')))"
    )


def text_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


class StoredVector(Expression):
    """The queried table's stored `search_vector` column, which no model declares."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        quote = connection.ops.quote_name
        return f"{quote(alias)}.{quote(VECTOR_COLUMN)}", []


def filter_matching(queryset: QuerySet, column: str, text: str) -> QuerySet:
    """The rows of `queryset` whose `column` matches what was typed."""
    if fulltext():
        return queryset.filter(text_q(text))
    match = Q()
    for word in _WORD.findall(text)[:5]:
        match &= Q(**{f"{column}__icontains": word})
    return queryset.filter(match)


def text_q(text: str) -> Q:
    """PostgreSQL: the stored vector matches the query (to OR with other conditions)."""
    return Q(SearchVectorExact(StoredVector(), text_query(text)))


def rank(text: str) -> SearchRank:
    return SearchRank(StoredVector(), text_query(text))


def headline(column: str, text: str) -> SearchHeadline:
    """ts_headline of `column` for the query, the matches between the marker characters."""
    return SearchHeadline(
        column,
        text_query(text),
        config=CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=SNIPPET_WORDS,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def snippet_html(raw: str) -> SafeString:
    """A ts_headline answer as safe HTML: escaped, the marked matches in <mark>."""
    return mark_safe(  # noqa: S308  (escaped first; only our own tags are added)
        escape(raw).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


def plain_snippet(text: str, typed: str) -> SafeString:
    """The demo's snippet: about SNIPPET_WORDS words around the first typed word, marked."""
    words = [w.lower() for w in _WORD.findall(typed)]
    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if any(w in token.lower() for w in words)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    shown = tokens[start : start + SNIPPET_WORDS]
    marked = [
        f"{_START}{token}{_STOP}" if any(w in token.lower() for w in words) else token
        for token in shown
    ]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return snippet_html(prefix + " ".join(marked) + suffix)
