"""One FilterSet for gangs, shared by the list page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from countylines.pickers import county_line_filter, ocg_filter
from kentsoc.gangs.choices import GangKind, GangStatus
from kentsoc.gangs.models import Gang
from kentsoc.gangs.search import filter_gangs
from kentsoc.org.models import Division
from kentsoc.web.coerce import as_id
from kentsoc.web.pickers import PickerFilterSet
from ocg.pickers import nominal_filter


class GangFilterSet(PickerFilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label="Name, area or reference",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(choices=GangKind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=GangStatus.choices, empty_label="Any status")
    division = django_filters.CharFilter(
        method="filter_division", label="Division", help_text="Id or code"
    )
    county_line = county_line_filter("county_lines")
    ocg = ocg_filter("ocgs")
    member = nominal_filter("memberships__nominal")

    class Meta:
        model = Gang
        fields = ["q", "kind", "status", "division", "county_line", "ocg", "member"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_gangs(queryset, value)

    def filter_division(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        pk = as_id(value)
        match = Q(pk=pk) if pk is not None else Q(code__iexact=value.strip())
        division = Division.objects.filter(match).first()
        if division is None:
            return queryset.none()
        return queryset.filter(division_id=division.pk)
