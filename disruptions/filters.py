"""One FilterSet per model, shared by the HTML lists and the API viewsets."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from countylines.pickers import county_line_filter, ocg_filter
from disruptions.choices import CourtOutcome, DisruptionStatus, ImpactGrade, Strand, Tactic
from disruptions.models import CourtResult, Disruption, Operation
from disruptions.search import operation_ranked
from disruptions.selectors import in_division
from kentsoc.org.models import Division, Team
from kentsoc.web.pickers import PickerFilterSet, PickerWidget
from ocg.pickers import nominal_filter


class DisruptionFilterSet(PickerFilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search narrative")
    status = django_filters.ChoiceFilter(choices=DisruptionStatus.choices)
    strand = django_filters.ChoiceFilter(choices=Strand.choices, label="4P strand")
    tactic = django_filters.ChoiceFilter(choices=Tactic.choices)
    impact_grade = django_filters.ChoiceFilter(choices=ImpactGrade.choices, label="Impact")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    division = django_filters.ModelChoiceFilter(
        queryset=Division.objects.all(), method="filter_division", label="Division"
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To")
    # The operations the officer may see (their force's), asked per request.
    operation = django_filters.ModelChoiceFilter(
        queryset=lambda request: Operation.objects.visible_to(getattr(request, "user", None))
    )
    ocg = ocg_filter("ocgs")
    county_line = county_line_filter("county_lines")
    nominal = nominal_filter("nominals")
    officer = django_filters.NumberFilter(
        field_name="officer",
        label="Officer",
        widget=PickerWidget("officer"),
        help_text="Name or collar number",
    )

    class Meta:
        model = Disruption
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(narrative__icontains=value) | Q(impact_rationale__icontains=value))

    def filter_division(self, queryset: QuerySet, name: str, value: Division | None) -> QuerySet:
        return queryset.filter(in_division(value)) if value else queryset


class CourtResultFilterSet(PickerFilterSet):
    outcome = django_filters.ChoiceFilter(choices=CourtOutcome.choices)
    date_from = django_filters.DateFilter(field_name="result_date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="result_date", lookup_expr="lte", label="To")
    team = django_filters.ModelChoiceFilter(
        field_name="disruption__team", queryset=Team.objects.all()
    )
    disruption = django_filters.NumberFilter(
        field_name="disruption",
        widget=PickerWidget("disruption"),
        help_text="Reference, or the OCG or county line it was against",
    )
    nominal = nominal_filter("nominal")

    class Meta:
        model = CourtResult
        fields: list[str] = []


class OperationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Name")
    team = django_filters.ModelChoiceFilter(field_name="teams", queryset=Team.objects.all())
    active_on = django_filters.DateFilter(method="filter_active_on", label="Running on")

    class Meta:
        model = Operation
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The header search box's matcher (a misspelt name too), not one of the list's own.
        return queryset.filter(pk__in=operation_ranked(queryset, value).values("pk"))

    def filter_active_on(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(start_date__lte=value, end_date__gte=value)
