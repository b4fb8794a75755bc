"""The one nominal search: every page, filter and API that finds people by what an officer types.

A person is found by any mix of their names, aliases and reference, in any order, ignoring case,
each word matching part of one of them: "smith jo", "Jo Smith", "Smithy" (an alias) and "000123"
(part of NOM-000123) all find Jo Smith NOM-000123. Every word must match, so more words narrow.

An OCG is found the same way by its name and reference (`ocg_query`), and by a reference typed
loosely ("ocg 12", "OCG0012"); countylines' subject search uses it for the OCG half.
"""

from __future__ import annotations

import re

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from ocg.models import Nominal

# An OCG reference typed loosely: the prefix, any separator, the number with or without its zeros.
_OCG_REFERENCE = re.compile(r"^OCG[\s\-_/]*0*(\d{1,6})$", re.IGNORECASE)
# Enough for a full name with a middle name and an alias; more words only cost query size.
MAX_WORDS = 5
FIELDS = ("first_name", "last_name", "aliases", "reference")


def search_words(text: str | None) -> list[str]:
    return (text or "").split()[:MAX_WORDS]


def nominal_query(text: str | None, *, prefix: str = "") -> Q:
    """The condition a nominal meets when it matches `text`; `prefix` reaches a nominal through a
    relation (`"nominal__"` from a membership). Q() when `text` has no words."""
    query = Q()
    for word in search_words(text):
        match = Q()
        for name in FIELDS:
            match |= Q(**{f"{prefix}{name}__icontains": word})
        query &= match
    return query


def nominal_search(
    source: QuerySet[Nominal] | AbstractBaseUser | AnonymousUser, text: str | None
) -> QuerySet[Nominal]:
    """The nominals of `source` (a queryset, or the people a user may see) matching `text`;
    none when `text` has no words."""
    queryset = source if isinstance(source, QuerySet) else Nominal.objects.visible_to(source)
    if not search_words(text):
        return queryset.none()
    return queryset.filter(nominal_query(text))


def ocg_query(text: str | None) -> Q | None:
    """The condition an OCG meets when it matches `text` (every word in its name or reference, or
    the whole text a loosely typed reference); None when `text` asks for nothing."""
    words = (text or "").split()
    if not words:
        return None
    query = Q()
    for word in words[:MAX_WORDS]:
        query &= Q(name__icontains=word) | Q(reference__icontains=word)
    loose = _OCG_REFERENCE.match(" ".join(words))
    if loose is not None:
        query |= Q(reference__iexact=f"OCG-{int(loose.group(1)):04d}")
    return query
