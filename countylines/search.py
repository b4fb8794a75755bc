"""The one subject search: finding "an OCG or a county line" from what an officer typed.

Every picker, filter and API that looks up an OCG or a line matches the same way, so a name, a
reference or a phone number finds the same subjects on every page:

- each word typed must appear in the name (a line's brand, an OCG's name) or the reference, in any
  case ("blaze crew" finds "Blaze Street Crew");
- a reference may be typed loosely: "cl12", "CL 0012" and "cl-12" all find CL-0012 (and "ocg 3"
  finds OCG-0003);
- a deal-line number finds its line in any spelling: "07700 900123", "+44 7700 900123",
  "0044-7700-900123", or the last digits ("900123").

It lives with county lines because it reads both subjects (lines sit above OCGs in the layers).
Nominals (people) have their own search in ocg; this one names no person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from countylines.models import CountyLine, DealLine
from countylines.phones import digits_for_search
from ocg.models import OCG

MIN_LENGTH = 2
"""Search-as-you-type answers nothing for fewer characters: one letter matches half the force."""

# A loose reference: the prefix, any separator, the number with or without its leading zeros.
_REFERENCE = re.compile(r"^(OCG|CL)[\s\-_/]*0*(\d{1,6})$", re.IGNORECASE)
# Only digits, spaces, dashes, brackets, dots and a leading plus: a phone number being typed.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]+$")
# Fewer digits than this would match most numbers: "07" is in every deal line.
_MIN_PHONE_DIGITS = 4


def _words_q(text: str) -> Q:
    match = Q()
    for word in text.split():
        match &= Q(name__icontains=word) | Q(reference__icontains=word)
    return match


def _reference_q(text: str, prefix: str) -> Q | None:
    found = _REFERENCE.match(text)
    if found is None or found.group(1).upper() != prefix:
        return None
    return Q(reference__iexact=f"{prefix}-{int(found.group(2)):04d}")


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
    match = _words_q(text)
    reference = _reference_q(text, "CL")
    if reference is not None:
        match |= reference
    digits = phone_digits(text)
    if digits is not None:
        match |= Q(has_deal_line(digits))
    return match


def ocg_q(text: str) -> Q | None:
    """What an OCG must match for the text; None when the text asks for nothing. A phone number
    finds no OCG: numbers belong to lines, and the line's page links its OCG."""
    text = (text or "").strip()
    if not text:
        return None
    match = _words_q(text)
    reference = _reference_q(text, "OCG")
    if reference is not None:
        match |= reference
    return match


def filter_lines(queryset: QuerySet[CountyLine], text: str) -> QuerySet[CountyLine]:
    match = line_q(text)
    return queryset if match is None else queryset.filter(match)


def filter_ocgs(queryset: QuerySet[OCG], text: str) -> QuerySet[OCG]:
    match = ocg_q(text)
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
