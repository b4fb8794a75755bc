"""Finding a gang or street group from what an officer typed, the way subjects are found
(countylines.search): every word (up to five) in the name, the area or the reference, in any
case, and a reference typed loosely ("gng 3", "GNG0003" find GNG-0003)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kentsoc.gangs.models import Gang
from ocg.search import search_words

MIN_LENGTH = 2
"""Search-as-you-type answers nothing for fewer characters, as the subject search."""

_REFERENCE = re.compile(r"^GNG[\s\-_/]*0*(\d{1,6})$", re.IGNORECASE)


def gang_reference(pk: int) -> str:
    return f"GNG-{pk:04d}"


@dataclass(frozen=True)
class GangTerms:
    """A gang's words typed (up to five), the whole text, and the reference it names when typed
    loosely."""

    words: tuple[str, ...]
    typed: str
    reference: str | None


def gang_terms(text: str | None) -> GangTerms | None:
    """None when the text has no words."""
    words = search_words(text)
    if not words:
        return None
    loose = _REFERENCE.match(" ".join(words))
    return GangTerms(
        words=tuple(words),
        typed=" ".join((text or "").split()),
        reference=gang_reference(int(loose.group(1))) if loose is not None else None,
    )


def gang_q(text: str | None) -> Q | None:
    """What a gang must match for the text; None when the text asks for nothing."""
    terms = gang_terms(text)
    return None if terms is None else match_gang(terms)


def match_gang(terms: GangTerms) -> Q:
    """`gang_q` of what `terms` read."""
    match = Q()
    for word in terms.words:
        match &= Q(name__icontains=word) | Q(area__icontains=word) | Q(reference__icontains=word)
    if terms.reference is not None:
        match |= Q(reference__iexact=terms.reference)
    return match


def filter_gangs(queryset: QuerySet[Gang], text: str | None) -> QuerySet[Gang]:
    match = gang_q(text)
    return queryset if match is None else queryset.filter(match)


def gang_search(*, user: Any, text: str, limit: int = 8, exclude: Iterable[int] = ()) -> list[Gang]:
    """Gangs the user may see matching the text, less those already picked (`exclude`), at most
    `limit`, by name."""
    text = (text or "").strip()
    if len(text) < MIN_LENGTH:
        return []
    gangs = (
        filter_gangs(Gang.objects.visible_to(user), text)
        .exclude(pk__in=exclude)
        .select_related("division")
    )
    return list(gangs.order_by("name", "reference", "pk")[:limit])
