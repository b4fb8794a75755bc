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

As in ocg.search, the text is read into terms (`line_terms`, `number_terms`,
`person_at_risk_terms`) and the SQL built from their flags and counts, their words only values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class NumberTerms:
    """A deal-line number typed: its digits in stored form, and its E.164 form when the number is
    whole (the SQL differs by which; the digits are values in it)."""

    digits: str
    e164: str | None


def number_terms(digits: str) -> NumberTerms:
    return NumberTerms(digits, to_e164(digits) if whole_number(digits) == digits else None)


def phone_terms(text: str) -> NumberTerms | None:
    """`phone_digits` of the text as NumberTerms, or None if the text is not a phone number."""
    digits = phone_digits(text)
    return None if digits is None else number_terms(digits)


def number_q(number: NumberTerms, prefix: str = "") -> Q:
    """Deal lines whose number is (a whole number, by its E.164 form and index) or contains the
    digits."""
    if number.e164 is not None:
        return Q(**{f"{prefix}e164": number.e164})
    return Q(**{f"{prefix}number__contains": number.digits})


def has_deal_line(number: NumberTerms) -> Exists:
    """A county line with a deal line whose number matches."""
    return Exists(DealLine.objects.filter(number_q(number), county_line=OuterRef("pk")))


@dataclass(frozen=True)
class LineTerms:
    """What a county line must match for a text: its words (up to five), the whole of it, the
    reference it names when typed loosely, and the number when it is a phone number."""

    words: tuple[str, ...]
    typed: str
    reference: str | None
    number: NumberTerms | None


def line_terms(text: str) -> LineTerms | None:
    """None when the text asks for nothing."""
    typed = " ".join((text or "").split())
    if not typed:
        return None
    loose = _REFERENCE.match(typed)
    return LineTerms(
        words=tuple(search_words(typed)),
        typed=typed,
        reference=f"CL-{int(loose.group(1)):04d}" if loose is not None else None,
        number=phone_terms(typed),
    )


def line_q(text: str) -> Q | None:
    """What a county line must match for the text; None when the text asks for nothing."""
    terms = line_terms(text)
    return None if terms is None else match_line(terms)


def match_line(terms: LineTerms) -> Q:
    """`line_q` of what `terms` read."""
    match = Q()
    for word in terms.words:
        match &= Q(name__icontains=word) | Q(reference__icontains=word)
    if terms.reference is not None:
        match |= Q(reference__iexact=terms.reference)
    if terms.number is not None:
        match |= Q(has_deal_line(terms.number))
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
    return rank_lines(queryset, line_terms(text))


def rank_lines(queryset: QuerySet[CountyLine], terms: LineTerms | None) -> QuerySet[CountyLine]:
    """`line_ranked` of what `terms` read."""
    if terms is None:
        return queryset.none()
    reference = terms.reference if terms.reference is not None else terms.typed
    exact = [When(reference__iexact=reference, then=Value(2.0))]
    if terms.number is not None:
        exact.append(When(has_deal_line(terms.number), then=Value(2.0)))
    exact.append(When(name__iexact=terms.typed, then=Value(1.0)))
    bonus = Case(*exact, default=Value(0.0), output_field=FloatField())
    closeness = (
        TrigramWordSimilarity(terms.typed, "name")
        if fuzzy()
        else Value(0.5, output_field=FloatField())
    )
    return (
        queryset.filter(match_line(terms))
        .annotate(search_score=closeness + bonus)
        .order_by(F("search_score").desc(), "name", "id")
    )


def people_on_number(source: QuerySet[Nominal], lines: QuerySet[CountyLine], number: NumberTerms):
    """The people of `source` linked to a line of `lines` (those the user may see) that carries
    the number: who holds, controls or runs it."""
    carrying = lines.filter(has_deal_line(number)).values("pk")
    links = LineNominal.objects.filter(nominal=OuterRef("pk"), county_line__in=carrying)
    return source.filter(Exists(links))


@dataclass(frozen=True)
class PersonAtRiskTerms:
    """The words of a name typed (up to five, normalised, numbers left out) and the whole of it."""

    words: tuple[str, ...]
    typed: str


def person_at_risk_terms(text: str) -> PersonAtRiskTerms | None:
    """None when the text has no word a name could hold."""
    words = [w for w in normalise(text).split() if not w.isdigit()][:5]
    return PersonAtRiskTerms(tuple(words), " ".join(words)) if words else None


def person_at_risk_ranked(source: QuerySet[PersonAtRisk] | Any, text: str):
    """People at risk (children and vulnerable adults) matching the text by name or pseudonym:
    only from `source`, which is what the user may see (a child's record is the most restricted
    data in the system), every word in the name; best first."""
    queryset = source if isinstance(source, QuerySet) else PersonAtRisk.objects.visible_to(source)
    return rank_people_at_risk(queryset, person_at_risk_terms(text))


def rank_people_at_risk(
    queryset: QuerySet[PersonAtRisk], terms: PersonAtRiskTerms | None
) -> QuerySet[PersonAtRisk]:
    """`person_at_risk_ranked` of what `terms` read."""
    if terms is None:
        return queryset.none()
    match = Q()
    for word in terms.words:
        match &= Q(name__unaccent__icontains=word) if fuzzy() else Q(name__icontains=word)
    closeness = (
        TrigramWordSimilarity(terms.typed, "name")
        if fuzzy()
        else Value(0.5, output_field=FloatField())
    )
    return (
        queryset.filter(match)
        .annotate(search_score=closeness)
        .order_by(F("search_score").desc(), "name", "id")
    )
