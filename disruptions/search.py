"""Finding disruptions and operations from what an officer typed, for the search box.

A disruption by its reference exactly ("D-000123", "d 123") or its narrative by full text
(kentsoc.web.fulltext), newest first with a highlighted snippet; an operation by every word of
its name (on PostgreSQL a close misspelling of the name too), best first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, FloatField, Q, QuerySet, Value

from disruptions.models import Disruption, Operation
from kentsoc.web import fulltext
from ocg.search import MIN_SIMILAR_LENGTH, fuzzy, search_words

_REFERENCE = re.compile(r"^D[\s\-_/]*0*(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class DisruptionTerms:
    """The text typed, and the disruption's id when it is a reference ("D-000123")."""

    typed: str
    pk: int | None


def disruption_terms(text: str) -> DisruptionTerms | None:
    """None when the text asks for nothing."""
    typed = " ".join((text or "").split())
    if not typed:
        return None
    loose = _REFERENCE.match(typed)
    return DisruptionTerms(typed, int(loose.group(1)) if loose is not None else None)


def disruption_ranked(source: QuerySet[Disruption] | Any, text: str) -> QuerySet[Disruption]:
    """The disruptions of `source` (a queryset, or those the user may see) matching the text,
    with `search_score` and `snippet_raw` (as kentsoc.intel.search), best first."""
    visible = source if isinstance(source, QuerySet) else Disruption.objects.visible_to(source)
    return rank_disruptions(visible, disruption_terms(text))


def rank_disruptions(
    visible: QuerySet[Disruption], terms: DisruptionTerms | None
) -> QuerySet[Disruption]:
    """`disruption_ranked` of what `terms` read."""
    queryset = Disruption.objects.filter(pk__in=visible.values("pk"))
    if terms is None:
        return queryset.none()
    if terms.pk is not None:
        return queryset.filter(pk=terms.pk).annotate(
            search_score=Value(2.0, output_field=FloatField()), snippet_raw=F("narrative")
        )
    found = fulltext.filter_matching(queryset, "narrative", terms.typed)
    snippet = fulltext.headline("narrative", terms.typed) if fulltext.fulltext() else F("narrative")
    return found.annotate(
        search_score=Value(1.0, output_field=FloatField()), snippet_raw=snippet
    ).order_by("-date", "-id")


@dataclass(frozen=True)
class OperationTerms:
    """An operation's name words typed (up to five), the whole of them, and whether that is long
    enough to be misspelt."""

    words: tuple[str, ...]
    typed: str
    similar: bool


def operation_terms(text: str) -> OperationTerms | None:
    """None when the text has no words."""
    words = search_words(text)
    if not words:
        return None
    typed = " ".join(words)
    return OperationTerms(tuple(words), typed, len(typed) >= MIN_SIMILAR_LENGTH)


def operation_ranked(source: QuerySet[Operation] | Any, text: str) -> QuerySet[Operation]:
    """The operations of `source` (a queryset, or those the user may see) whose name has every
    word typed, or on PostgreSQL is close to it, with `search_score`, best first."""
    queryset = source if isinstance(source, QuerySet) else Operation.objects.visible_to(source)
    return rank_operations(queryset, operation_terms(text))


def rank_operations(
    queryset: QuerySet[Operation], terms: OperationTerms | None
) -> QuerySet[Operation]:
    """`operation_ranked` of what `terms` read."""
    if terms is None:
        return queryset.none()
    match = Q()
    for word in terms.words:
        match &= Q(name__icontains=word)
    if fuzzy() and terms.similar:
        match |= Q(name__trigram_word_similar=terms.typed)
        closeness = TrigramWordSimilarity(terms.typed, "name")
    else:
        closeness = Value(0.5, output_field=FloatField())
    return (
        queryset.filter(match)
        .annotate(search_score=closeness)
        .order_by(F("search_score").desc(), "-start_date", "id")
    )
