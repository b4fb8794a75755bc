"""The one subject search: finding "an OCG or a county line" from what an officer typed.

Every picker, filter and API that looks up an OCG or a line matches the same way, so a name, a
reference or a phone number finds the same subjects on every page:

- each word typed (up to five) must appear in the name (a line's brand, an OCG's name) or the
  reference, in any case ("blaze crew" finds "Blaze Street Crew");
- a reference may be typed loosely: "cl12", "CL 0012" and "cl-12" all find CL-0012 (and "ocg 3"
  finds OCG-0003);
- a deal-line number finds its line in any spelling: "07700 900123", "+44 7700 900123",
  "0044-7700-900123", or the last digits ("900123").

It lives with county lines because it reads both subjects (lines sit above OCGs in the layers);
the OCG half is ocg's own rule (ocg.search.ocg_query), which the OCG list uses too. Nominals
(people) have their own search in ocg; this one names no person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from countylines.models import CountyLine, DealLine
from countylines.phones import digits_for_search
from ocg.models import OCG
from ocg.search import ocg_query, search_words

MIN_LENGTH = 2
"""Search-as-you-type answers nothing for fewer characters: one letter matches half the force."""

# A loose reference: the prefix, any separator, the number with or without its leading zeros.
_REFERENCE = re.compile(r"^CL[\s\-_/]*0*(\d{1,6})$", re.IGNORECASE)
# Only digits, spaces, dashes, brackets, dots and a leading plus: a phone number being typed.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]+$")
# Fewer digits than this would match most numbers: "07" is in every deal line.
_MIN_PHONE_DIGITS = 4


def phone_digits(text: str) -> str | None:
    """The digits to look for in deal-line numbers, or None if the text is not a phone number."""
    if not _PHONE_LIKE.match(text):
        return None
    digits = digits_for_search(text)
    return digits if len(digits) >= _MIN_PHONE_DIGITS else None


def has_deal_line(digits: str) -> Exists:
    """A county line with a deal line whose number contains the digits (stored form)."""
    return Exists(DealLine.objects.filter(county_line=OuterRef("pk"), number__contains=digits))


def line_q(text: str) -> Q | None:
    """What a county line must match for the text; None when the text asks for nothing."""
    text = (text or "").strip()
    if not text:
        return None
    match = Q()
    for word in search_words(text):
        match &= Q(name__icontains=word) | Q(reference__icontains=word)
    loose = _REFERENCE.match(text)
    if loose is not None:
        match |= Q(reference__iexact=f"CL-{int(loose.group(1)):04d}")
    digits = phone_digits(text)
    if digits is not None:
        match |= Q(has_deal_line(digits))
    return match


def filter_lines(queryset: QuerySet[CountyLine], text: str) -> QuerySet[CountyLine]:
    match = line_q(text)
    return queryset if match is None else queryset.filter(match)


def filter_ocgs(queryset: QuerySet[OCG], text: str) -> QuerySet[OCG]:
    match = ocg_query(text)
    return queryset if match is None else queryset.filter(match)


def subject_search(
    *,
    user: Any,
    text: str,
    limit: int = 8,
    exclude: Mapping[str, Iterable[int]] | None = None,
) -> dict[str, list[Any]]:
    """OCGs and county lines the user may see matching the text, at most `limit` of each, by
    name. Keys are "ocgs" and "county_lines"; `exclude` takes ids under the same keys (subjects
    already picked)."""
    text = (text or "").strip()
    if len(text) < MIN_LENGTH:
        return {"ocgs": [], "county_lines": []}
    exclude = exclude or {}
    ocgs = filter_ocgs(OCG.objects.visible_to(user), text).exclude(pk__in=exclude.get("ocgs", ()))
    lines = filter_lines(CountyLine.objects.visible_to(user), text).exclude(
        pk__in=exclude.get("county_lines", ())
    )
    return {
        "ocgs": list(ocgs.order_by("name", "reference", "pk")[:limit]),
        "county_lines": list(lines.order_by("name", "reference", "pk")[:limit]),
    }
