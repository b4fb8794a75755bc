"""Finding disruptions and operations from what an officer typed, for the search box.

A disruption by its reference exactly ("D-000123", "d 123") or its narrative by full text
(kentsoc.web.fulltext), newest first with a highlighted snippet; an operation by every word of
its name (on PostgreSQL a close misspelling of the name too), best first.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, FloatField, Q, QuerySet, Value

from disruptions.models import Disruption, Operation
from kentsoc.web import fulltext
from ocg.search import MIN_SIMILAR_LENGTH, fuzzy, search_words

_REFERENCE = re.compile(r"^D[\s\-_/]*0*(\d{1,9})$", re.IGNORECASE)


def disruption_ranked(source: QuerySet[Disruption] | Any, text: str) -> QuerySet[Disruption]:
    """The disruptions of `source` (a queryset, or those the user may see) matching the text,
    with `search_score` and `snippet_raw` (as kentsoc.intel.search), best first."""
    visible = source if isinstance(source, QuerySet) else Disruption.objects.visible_to(source)
    queryset = Disruption.objects.filter(pk__in=visible.values("pk"))
    typed = " ".join((text or "").split())
    if not typed:
        return queryset.none()
    loose = _REFERENCE.match(typed)
    if loose is not None:
        return queryset.filter(pk=int(loose.group(1))).annotate(
            search_score=Value(2.0, output_field=FloatField()), snippet_raw=F("narrative")
        )
    found = fulltext.filter_matching(queryset, "narrative", typed)
    snippet = fulltext.headline("narrative", typed) if fulltext.fulltext() else F("narrative")
    return found.annotate(
        search_score=Value(1.0, output_field=FloatField()), snippet_raw=snippet
    ).order_by("-date", "-id")


def operation_ranked(source: QuerySet[Operation] | Any, text: str) -> QuerySet[Operation]:
    """The operations of `source` (a queryset, or those the user may see) whose name has every
    word typed, or on PostgreSQL is close to it, with `search_score`, best first."""
    queryset = source if isinstance(source, QuerySet) else Operation.objects.visible_to(source)
    words = search_words(text)
    if not words:
        return queryset.none()
    typed = " ".join(words)
    match = Q()
    for word in words:
        match &= Q(name__icontains=word)
    if fuzzy() and len(typed) >= MIN_SIMILAR_LENGTH:
        match |= Q(name__trigram_word_similar=typed)
        closeness = TrigramWordSimilarity(typed, "name")
    else:
        closeness = Value(0.5, output_field=FloatField())
    return (
        queryset.filter(match)
        .annotate(search_score=closeness)
        .order_by(F("search_score").desc(), "-start_date", "id")
    )
