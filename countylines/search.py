"""The one subject search: finding "an OCG or a county line" from what an officer typed.

Every picker, filter and API that looks up an OCG or a line matches the same way, so a name, a
reference or a phone number finds the same subjects on every page:

- each word typed (up to five) must appear in the name (a line's brand, an OCG's name) or the
  reference, in any case ("blaze crew" finds "Blaze Street Crew");
- a reference may be typed loosely: "cl12", "CL 0012" and "cl-12" all find CL-0012 (and "ocg 3"
  finds OCG-0003);
- a deal-line number finds its line in any spelling: "07700 900123", "+44 7700 900123",
  "447700900123", "7700-900-123", "0044-7700-900123", or the last digits ("900123").

It lives with county lines because it reads both subjects (lines sit above OCGs in the layers);
the OCG half is ocg's own rule (ocg.search.ocg_query), which the OCG list uses too. Nominals
(people) have their own search in ocg; this one names no person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When

from countylines.models import CountyLine, DealLine, LineNominal, PersonAtRisk
from countylines.phones import digits_for_search, to_e164, whole_number
from kentsoc.org.scoping import CONTRIBUTE
from ocg.models import OCG, Nominal
from ocg.search import fuzzy, normalise, ocg_query, search_words

MIN_LENGTH = 2
"""Search-as-you-type answers nothing for fewer characters: one letter matches half the force."""

# A loose reference: the prefix, any separator, the number with or without its leading zeros.
_REFERENCE = re.compile(r"^CL[\s\-_/]*0*(\d{1,6})$", re.IGNORECASE)
# Only digits, spaces, dashes, brackets, dots and a leading plus: a phone number being typed.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]+$")
# Fewer digits than this would match most numbers: "07" is in every deal line.
_MIN_PHONE_DIGITS = 4


def phone_digits(text: str) -> str | None:
    """The digits to look for in deal-line numbers (stored form: a whole number in any spelling
    becomes 07700900123), or None if the text is not a phone number."""
    text = (text or "").strip()
    if not _PHONE_LIKE.match(text):
        return None
    whole = whole_number(text)
    if whole is not None:
        return whole
    digits = digits_for_search(text)
    return digits if len(digits) >= _MIN_PHONE_DIGITS else None


def number_q(digits: str, prefix: str = "") -> Q:
    """Deal lines whose number is (a whole number, by its E.164 form and index) or contains the
    digits."""
    if whole_number(digits) == digits:
        return Q(**{f"{prefix}e164": to_e164(digits)})
    return Q(**{f"{prefix}number__contains": digits})


def has_deal_line(digits: str) -> Exists:
    """A county line with a deal line whose number matches the digits (stored form)."""
    return Exists(DealLine.objects.filter(number_q(digits), county_line=OuterRef("pk")))


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


def _contributable(model: type[OCG] | type[CountyLine], user: Any) -> QuerySet:
    return model.objects.visible_to(user, lent=CONTRIBUTE).with_lent_marks(user)


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
    # The pickers of forms that add to a subject (intelligence, disruptions): also the lines and
    # OCGs another force lends with the right to add to them, marked "Shared by" (lent_by).
    ocgs = filter_ocgs(_contributable(OCG, user), text).exclude(pk__in=exclude.get("ocgs", ()))
    lines = filter_lines(_contributable(CountyLine, user), text).exclude(
        pk__in=exclude.get("county_lines", ())
    )
    if phone_digits(text) is not None:
        # A lent line's deal lines are not lent: a number finds the force's own lines only.
        lines = lines.filter(lent_mark__isnull=True)
    return {
        "ocgs": list(ocgs.order_by("name", "reference", "pk")[:limit]),
        "county_lines": list(lines.order_by("name", "reference", "pk")[:limit]),
    }


def line_ranked(source: QuerySet[CountyLine] | Any, text: str) -> QuerySet[CountyLine]:
    """The lines of `source` (a queryset, or those a user may see) matching the text, with
    `search_score` (2 for the reference or a whole deal-line number, then how close the brand is)
    and best first; none for no words."""
    queryset = source if isinstance(source, QuerySet) else CountyLine.objects.visible_to(source)
    match = line_q(text)
    if match is None:
        return queryset.none()
    typed = " ".join(text.split())
    loose = _REFERENCE.match(typed)
    reference = f"CL-{int(loose.group(1)):04d}" if loose else typed
    digits = phone_digits(typed)
    exact = [When(reference__iexact=reference, then=Value(2.0))]
    if digits is not None:
        exact.append(When(has_deal_line(digits), then=Value(2.0)))
    exact.append(When(name__iexact=typed, then=Value(1.0)))
    bonus = Case(*exact, default=Value(0.0), output_field=FloatField())
    closeness = (
        TrigramWordSimilarity(typed, "name") if fuzzy() else Value(0.5, output_field=FloatField())
    )
    return (
        queryset.filter(match)
        .annotate(search_score=closeness + bonus)
        .order_by(F("search_score").desc(), "name", "id")
    )


def people_on_number(source: QuerySet[Nominal], lines: QuerySet[CountyLine], digits: str):
    """The people of `source` linked to a line of `lines` (those the user may see) that carries
    the number: who holds, controls or runs it."""
    carrying = lines.filter(has_deal_line(digits)).values("pk")
    links = LineNominal.objects.filter(nominal=OuterRef("pk"), county_line__in=carrying)
    return source.filter(Exists(links))


def person_at_risk_ranked(source: QuerySet[PersonAtRisk] | Any, text: str):
    """People at risk (children and vulnerable adults) matching the text by name or pseudonym:
    only from `source`, which is what the user may see (a child's record is the most restricted
    data in the system), every word in the name; best first."""
    queryset = source if isinstance(source, QuerySet) else PersonAtRisk.objects.visible_to(source)
    words = [w for w in normalise(text).split() if not w.isdigit()][:5]
    if not words:
        return queryset.none()
    match = Q()
    for word in words:
        match &= Q(name__unaccent__icontains=word) if fuzzy() else Q(name__icontains=word)
    closeness = (
        TrigramWordSimilarity(" ".join(words), "name")
        if fuzzy()
        else Value(0.5, output_field=FloatField())
    )
    return (
        queryset.filter(match)
        .annotate(search_score=closeness)
        .order_by(F("search_score").desc(), "name", "id")
    )
