"""One FilterSet for intelligence records, used by the HTML list and /api/intelligence/."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from countylines.pickers import county_line_filter, ocg_filter
from kentsoc.intel.choices import (
    HandlingCode,
    IntelligenceAssessment,
    SourceEvaluation,
)
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.trh.choices import UNSCORABLE_ASSESSMENTS, UNSCORABLE_SOURCES
from kentsoc.trh.factors import claimable_factors
from kentsoc.web.pickers import PickerFilterSet
from kentsoc.web.widgets import DatePairWidget
from ocg.pickers import nominal_filter

_YES_NO = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])


def _factor_choices() -> list[tuple[str, str]]:
    labels: dict[str, str] = {}
    for subject_type in ("county_line", "ocg"):
        for code, factor in claimable_factors(subject_type).items():
            labels.setdefault(code, factor.label)
    return sorted(labels.items(), key=lambda item: item[1])


class IntelligenceRecordFilterSet(PickerFilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Text")
    source_evaluation = django_filters.ChoiceFilter(choices=SourceEvaluation.choices)
    intelligence_assessment = django_filters.ChoiceFilter(choices=IntelligenceAssessment.choices)
    handling_code = django_filters.ChoiceFilter(choices=HandlingCode.choices)
    scorable = django_filters.BooleanFilter(
        method="filter_scorable", widget=_YES_NO, label="Counts towards the score"
    )
    deleted = django_filters.BooleanFilter(method="filter_deleted", widget=_YES_NO, label="Deleted")
    information_date = django_filters.DateFromToRangeFilter(
        label="Information date (from – to)",
        widget=DatePairWidget("Information date"),
    )
    ocg = ocg_filter("ocgs")
    county_line = county_line_filter("county_lines")
    nominal = nominal_filter("nominals")
    factor = django_filters.ChoiceFilter(
        choices=_factor_choices, method="filter_factor", label="Claims factor"
    )

    class Meta:
        model = IntelligenceRecord
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(summary__icontains=value)
            | Q(reference__icontains=value)
            | Q(rms_reference__icontains=value)
        )

    def filter_scorable(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        unscorable = (
            Q(deleted_at__isnull=False)
            | Q(source_evaluation__in=UNSCORABLE_SOURCES)
            | Q(intelligence_assessment__in=UNSCORABLE_ASSESSMENTS)
        )
        return queryset.exclude(unscorable) if value else queryset.filter(unscorable)

    def filter_deleted(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(deleted_at__isnull=not value)

    def filter_factor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # (record, factor) is unique, so the join cannot repeat a record.
        return queryset.filter(factor_claims__factor=value) if value else queryset
