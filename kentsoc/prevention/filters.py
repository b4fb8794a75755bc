"""One FilterSet per model, shared by the HTML lists and the API viewsets."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.choices import CallableChoiceIterator

from kentsoc.gangs.models import Gang
from kentsoc.gangs.search import filter_gangs
from kentsoc.org.models import Division
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from kentsoc.web.coerce import as_id

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = forms.TextInput(attrs={"type": "search"})


def _division_choices() -> list[tuple[str, str]]:
    divisions = Division.objects.filter(is_central=False).order_by("name")
    return [("", "Any"), *((d.code, d.name) for d in divisions)]


class _ChoicesReadOnce(CallableChoiceIterator):
    """Reads its choices when the form is first drawn and keeps them: a template that walks the
    options twice (the select, then its label) must not query the divisions twice."""

    def __iter__(self):
        if not hasattr(self, "_read"):
            self._read = list(super().__iter__())
        return iter(self._read)


class _PreventionFilterSet(django_filters.FilterSet):
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label="From", widget=_DATE
    )
    held_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label="To", widget=_DATE
    )
    # The page offers the divisions by name; the API also takes an id or a code (NORTH).
    division = django_filters.CharFilter(method="filter_division", label="Division")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Lazy, so the divisions are read when the form is drawn, not when it is made.
        self.filters["division"].extra["widget"] = forms.Select(
            choices=_ChoicesReadOnce(_division_choices)
        )

    def filter_division(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        pk = as_id(value)
        match = Q(pk=pk) if pk is not None else Q(code__iexact=value.strip())
        division = Division.objects.filter(match).first()
        return queryset.none() if division is None else queryset.filter(division=division)


class SchoolSessionFilterSet(_PreventionFilterSet):
    q = django_filters.CharFilter(method="filter_text", label="School or topic", widget=_TEXT)

    class Meta:
        model = SchoolSession
        fields = ["q", "held_from", "held_to", "division"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return queryset.filter(Q(school__icontains=text) | Q(topic__icontains=text))


class InterventionFilterSet(_PreventionFilterSet):
    gang = django_filters.CharFilter(
        method="filter_gang",
        label="Street group or gang",
        help_text="Name, area or reference; the API also takes its id",
        widget=_TEXT,
    )

    class Meta:
        model = StreetGroupIntervention
        fields = ["gang", "held_from", "held_to", "division"]

    def filter_gang(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        pk = as_id(value)
        if pk is not None:
            return queryset.filter(gang_id=pk)
        return queryset.filter(gang__in=filter_gangs(Gang.objects.all(), value).values("pk"))
