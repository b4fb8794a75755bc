"""FilterSets of the matrix, shared by the dashboard and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from kentsoc.matrix.models import ForceSnapshot, Ranking
from kentsoc.org.models import Division


class RankingFilterSet(django_filters.FilterSet):
    division = django_filters.ModelChoiceFilter(
        queryset=Division.objects.all(),
        to_field_name="code",
        method="filter_division",
        label="Division code",
    )
    top30 = django_filters.BooleanFilter(label="In the top 30")

    class Meta:
        model = Ranking
        fields = ["division", "top30"]

    def __init__(self, data=None, *args, **kwargs):
        # Division codes are upper case; "north" means NORTH to anyone typing a URL.
        if data is not None and data.get("division"):
            data = data.copy()
            data["division"] = data["division"].upper()
        super().__init__(data, *args, **kwargs)

    def filter_division(self, queryset: QuerySet, name: str, value: Division) -> QuerySet:
        return queryset.filter(partition=value.code)


# "from" is a Python keyword, so the filters are declared through type().
ForceSnapshotFilterSet = type(
    "ForceSnapshotFilterSet",
    (django_filters.FilterSet,),
    {
        "from": django_filters.DateFilter(field_name="on", lookup_expr="gte", label="From"),
        "to": django_filters.DateFilter(field_name="on", lookup_expr="lte", label="To"),
        "Meta": type("Meta", (), {"model": ForceSnapshot, "fields": []}),
        "__doc__": "Daily force totals between two dates (inclusive).",
    },
)
