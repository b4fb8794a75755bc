"""Finding intelligence records from what an officer typed, for the search box (kentsoc.search).

- a reference exactly: kentsoc's own ("INT-000123", "int 123") or the force records system's
  (an Athena number as it was entered, in any case);
- a deal-line number in any spelling: the records about a line carrying it (the lines the user
  may see), and records whose summary writes it as "07700900123" or "07700 900123";
- otherwise the summary by full text (kentsoc.web.fulltext: English stemming, "quoted phrases"),
  newest first, with a highlighted snippet.

Only the summary is searched and shown: a code-C record's handling conditions are for its owning
team and supervisors (selectors.can_read_conditions), so they are never matched, counted or cut
into a snippet, whoever asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from countylines.models import CountyLine
from countylines.search import NumberTerms, has_deal_line, phone_terms
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.web import fulltext

_REFERENCE = re.compile(r"^INT[\s\-_/]*0*(\d{1,9})$", re.IGNORECASE)
# One word with a digit in it: what an RMS (Athena) number looks like.
_REFERENCE_LIKE = re.compile(r"^(?=\S*\d)\S+$")


@dataclass(frozen=True)
class RecordTerms:
    """What a record must match for a text: the whole of it; kentsoc's reference when typed
    loosely ("INT-000123"); else a deal-line number with the forms a summary writes it in; and
    whether it is one word with a digit (an RMS number perhaps)."""

    typed: str
    reference: str | None
    number: NumberTerms | None
    written: tuple[str, ...]
    rms_like: bool


def record_terms(text: str) -> RecordTerms | None:
    """None when the text asks for nothing."""
    typed = " ".join((text or "").split())
    if not typed:
        return None
    loose = _REFERENCE.match(typed)
    number = phone_terms(typed) if loose is None else None
    written: tuple[str, ...] = ()
    if number is not None:
        digits = number.digits
        written = (digits, *([f"{digits[:5]} {digits[5:]}"] if len(digits) == 11 else []))
    return RecordTerms(
        typed=typed,
        reference=f"INT-{int(loose.group(1)):06d}" if loose is not None else None,
        number=number,
        written=written,
        rms_like=_REFERENCE_LIKE.match(typed) is not None,
    )


def intelligence_ranked(
    source: QuerySet[IntelligenceRecord] | Any, text: str
) -> QuerySet[IntelligenceRecord]:
    """The records of `source` (a queryset, or those the user may see) matching the text, with
    `search_score` and `snippet_raw` (kentsoc.web.fulltext.snippet_html turns it into HTML; on
    SQLite it is the summary, for plain_snippet), best first; none for no words."""
    visible = (
        source if isinstance(source, QuerySet) else IntelligenceRecord.objects.visible_to(source)
    )
    return rank_records(visible, record_terms(text))


def rank_records(
    visible: QuerySet[IntelligenceRecord], terms: RecordTerms | None
) -> QuerySet[IntelligenceRecord]:
    """`intelligence_ranked` of what `terms` read."""
    if visible.query.distinct:
        # A scope that joins (an LRO's records through their OCGs) is DISTINCT: read it as a set
        # of ids, so the snippet is cut only for the rows returned.
        visible = IntelligenceRecord.objects.filter(pk__in=visible.values("pk"))
    queryset = visible.filter(deleted_at__isnull=True)
    if terms is None:
        return queryset.none()
    if terms.reference is not None:
        found = queryset.filter(Q(reference=terms.reference) | Q(rms_reference__iexact=terms.typed))
        return _scored(found, Value(2.0, output_field=FloatField()), terms.typed, snippet=False)
    if terms.number is not None:
        return _by_number(queryset, terms.number, terms.written)
    match = _text_match(terms.typed)
    exact = Value(0.0, output_field=FloatField())
    if terms.rms_like:
        # An RMS number as it was entered (any case); the index on UPPER(rms_reference) serves it.
        match |= Q(rms_reference__iexact=terms.typed)
        exact = Case(
            When(rms_reference__iexact=terms.typed, then=Value(2.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    rank = fulltext.rank(terms.typed) if fulltext.fulltext() else None
    return _scored(queryset.filter(match), exact, terms.typed, rank=rank)


def _text_match(typed: str) -> Q:
    if fulltext.fulltext():
        return fulltext.text_q(typed)
    match = Q()
    for word in typed.split()[:5]:
        match &= Q(summary__icontains=word)
    return match


class _OneOf(Func):
    """`value = ANY(ARRAY(subquery))`: the subquery's few ids are read once, before the scan (an
    InitPlan), and then probe the primary key beside the text index, in the same statement;
    `IN (subquery)` would make the planner read every record instead."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return self.as_sql(compiler, connection, arg_joiner=" IN ", template="%(expressions)s")


def _by_number(queryset: QuerySet, number: NumberTerms, written: tuple[str, ...]) -> QuerySet:
    """Records about a line carrying the number, and records writing it whole or spaced."""
    lines = CountyLine.objects.filter(has_deal_line(number)).values("pk")
    through = IntelligenceRecord.county_lines.through.objects.filter(countyline__in=lines)
    match = Q(_OneOf(F("pk"), Subquery(through.values("intelligencerecord_id"))))
    for form in written:
        if fulltext.fulltext():
            match |= fulltext.text_q(f'"{form}"')
        else:
            match |= Q(summary__contains=form)
    return _scored(queryset.filter(match), Value(1.5, output_field=FloatField()), written[-1])


def _scored(
    queryset: QuerySet,
    score: Any,
    typed: str,
    *,
    rank: Any = None,
    snippet: bool = True,
) -> QuerySet:
    """Newest first after exact references: ranking every record that shares a common word by
    its text would read each of thousands of summaries; the page's own rows get their rank."""
    snippet_raw = (
        fulltext.headline("summary", typed) if snippet and fulltext.fulltext() else F("summary")
    )
    total = score if rank is None else score + rank
    found = queryset.annotate(search_score=total, snippet_raw=snippet_raw)
    if isinstance(score, Value):
        # One score for every row orders nothing (and PostgreSQL refuses a constant in ORDER BY
        # when the search box reads the rows without it).
        return found.order_by("-information_date", "-id")
    return found.annotate(search_order=score).order_by(
        F("search_order").desc(), "-information_date", "-id"
    )
