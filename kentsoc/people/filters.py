"""The merge history's filter, shared by its page and API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from kentsoc.people.models import NominalMerge

STATE_CHOICES = [("live", "In force"), ("undone", "Undone")]


class MergeFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label="State", empty_label="Any state"
    )

    class Meta:
        model = NominalMerge
        fields: list[str] = []

    def filter_state(
        self, queryset: QuerySet[NominalMerge], name: str, value: str
    ) -> QuerySet[NominalMerge]:
        if value == "live":
            return queryset.filter(undone_at__isnull=True)
        if value == "undone":
            return queryset.filter(undone_at__isnull=False)
        return queryset
