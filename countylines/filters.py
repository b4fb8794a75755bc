"""One FilterSet per model, shared by the HTML lists and the API viewsets."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from countylines import scores
from countylines.choices import AgeBand, EngagementStatus, LineStatus, MetThrough, PersonKind
from countylines.models import CountyLine, CountyLineDistrict, PersonAtRisk
from countylines.phones import digits_for_search
from countylines.search import filter_lines, has_deal_line, number_terms
from kentsoc.org.models import Division
from kentsoc.web.coerce import as_id
from kentsoc.web.pickers import PickerFilterSet, PickerWidget

_TEXT = forms.TextInput(attrs={"type": "search"})


def _id_or_code(value: str, prefix: str = "") -> Q:
    pk = as_id(value)
    if pk is not None:
        return Q(**{f"{prefix}pk": pk})
    return Q(**{f"{prefix}code__iexact": value.strip()})


class _NullsLastOrdering(django_filters.OrderingFilter):
    """Unscored lines sort after scored ones in either direction."""

    def get_ordering_value(self, param: str):
        value = super().get_ordering_value(param)
        descending = value.startswith("-")
        field = F(value.lstrip("-"))
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


class CountyLineFilterSet(PickerFilterSet):
    q = django_filters.CharFilter(
        method="filter_text", label="Name, reference or deal line", widget=_TEXT
    )
    status = django_filters.ChoiceFilter(choices=LineStatus.choices, empty_label="Any status")
    division = django_filters.CharFilter(
        method="filter_division",
        label="Division (where worked)",
        help_text="Id or code; a flexed line counts in its flex division",
    )
    district = django_filters.CharFilter(method="filter_district", label="Importing district")
    top30 = django_filters.BooleanFilter(
        method="filter_top30",
        label="In its division's top 30",
        widget=forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")]),
    )
    exporting_area = django_filters.CharFilter(lookup_expr="icontains", label="Exporting area")
    deal_line = django_filters.CharFilter(method="filter_deal_line", label="Deal-line number")
    # The API also takes the OCG's reference (`?ocg=OCG-0003`); the page's picker sends the id.
    ocg = django_filters.CharFilter(
        method="filter_ocg", label="OCG", widget=PickerWidget("ocg"), help_text="Name or reference"
    )
    ordering = _NullsLastOrdering(
        fields=(
            ("reference", "reference"),
            ("name", "name"),
            ("nominated_on", "nominated_on"),
            ("status", "status"),
            ("score_total", "score"),
        ),
        label="Order by",
    )

    class Meta:
        model = CountyLine
        fields = ["q", "status", "division", "district", "top30", "exporting_area", "ocg"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_lines(queryset, value)

    def filter_division(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        division = Division.objects.filter(_id_or_code(value)).first()
        if division is None:
            return queryset.none()
        return queryset.filter(
            Q(flexed_division_id=division.pk)
            | Q(flexed_division__isnull=True, division_id=division.pk)
        )

    def filter_district(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        match = _id_or_code(value, "district__") | Q(district__name__iexact=value.strip())
        return queryset.filter(
            Exists(CountyLineDistrict.objects.filter(match, county_line=OuterRef("pk")))
        )

    def filter_top30(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        in_top = scores.in_top30()
        return queryset.filter(in_top) if value else queryset.exclude(in_top)

    def filter_deal_line(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        digits = digits_for_search(value)
        if not digits:
            return queryset.none()
        return queryset.filter(has_deal_line(number_terms(digits)))

    def filter_ocg(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        pk = as_id(value)
        if pk is not None:
            return queryset.filter(ocg_id=pk)
        return queryset.filter(ocg__reference__iexact=value.strip())


class PersonAtRiskFilterSet(django_filters.FilterSet):
    county_line = django_filters.NumberFilter(field_name="county_line_id")
    kind = django_filters.ChoiceFilter(choices=PersonKind.choices, empty_label="Any")
    age_band = django_filters.ChoiceFilter(choices=AgeBand.choices, empty_label="Any")
    engagement_status = django_filters.ChoiceFilter(
        choices=EngagementStatus.choices, empty_label="Any"
    )
    met_through = django_filters.ChoiceFilter(
        choices=MetThrough.choices, empty_label="Any", label="Met through"
    )
    no_line = django_filters.BooleanFilter(
        field_name="county_line",
        lookup_expr="isnull",
        label="County line known",
        widget=forms.Select(choices=[("", "Any"), ("false", "Yes"), ("true", "Not yet")]),
    )

    class Meta:
        model = PersonAtRisk
        fields = ["county_line", "kind", "age_band", "engagement_status", "met_through", "no_line"]
