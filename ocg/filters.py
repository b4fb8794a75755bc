"""One FilterSet per model, shared by the HTML lists and the API viewsets."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from kentsoc.org.models import Division, Team
from kentsoc.web.filtersets import ListFilterSet
from kentsoc.web.pickers import PickerFilterSet, picker_filter
from ocg.choices import Criminality, CustodyStatus, OcgStatus
from ocg.models import OCG, Membership, Nominal
from ocg.search import nominal_query, ocg_query

_TEXT = forms.TextInput(attrs={"type": "search"})
TIER_CHOICES = [("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")]


class _NullsLastOrdering(django_filters.OrderingFilter):
    """Unscored OCGs sort after scored ones in either direction."""

    def get_ordering_value(self, param: str):
        value = super().get_ordering_value(param)
        descending = value.startswith("-")
        expr = F(value.lstrip("-"))
        return expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True)


class OcgFilterSet(PickerFilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label="Search",
        help_text="Name, reference, summary or member name",
        widget=_TEXT,
    )
    status = django_filters.MultipleChoiceFilter(
        choices=OcgStatus.choices, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    division = django_filters.ModelChoiceFilter(
        queryset=Division.objects.filter(is_central=False), empty_label="Any division"
    )
    managing_team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.all(), label="Managing team", empty_label="Any team"
    )
    tier = django_filters.ChoiceFilter(
        choices=TIER_CHOICES, method="filter_tier", empty_label="Any tier", label="Tier"
    )
    criminality = django_filters.ChoiceFilter(
        choices=Criminality.choices, method="filter_criminality", empty_label="Any criminality"
    )
    # Found by typing (the officer picker), not a list of every LRO read on each page load.
    lro = picker_filter(
        "officer",
        "lead_responsible_officer",
        label="Lead Responsible Officer",
        help_text="Name or collar number",
    )
    ordering = _NullsLastOrdering(
        fields=(
            ("reference", "reference"),
            ("name", "name"),
            ("status", "status"),
            ("score_total", "score"),
            ("nominated_on", "nominated_on"),
        ),
        label="Order by",
    )

    class Meta:
        model = OCG
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[OCG], name: str, value: str) -> QuerySet[OCG]:
        value = value.strip()
        match = ocg_query(value)
        if match is None:
            return queryset
        members = Membership.objects.filter(ocg=OuterRef("pk")).filter(
            nominal_query(value, prefix="nominal__")
        )
        return queryset.filter(match | Q(summary__icontains=value) | Exists(members))

    def filter_tier(self, queryset: QuerySet[OCG], name: str, value: str) -> QuerySet[OCG]:
        # `score_tier` is annotated by ocg.scores.with_scores (the matrix's current score).
        return queryset.filter(score_tier=int(value)) if value else queryset

    def filter_criminality(self, queryset: QuerySet[OCG], name: str, value: str) -> QuerySet[OCG]:
        if not value:
            return queryset
        return queryset.filter(
            Exists(
                OCG.criminality.through.objects.filter(
                    ocg=OuterRef("pk"), criminalitytype__code=value
                )
            )
        )


class NominalFilterSet(ListFilterSet):
    q = django_filters.CharFilter(
        method="filter_text", label="Search", help_text="Name, alias or reference", widget=_TEXT
    )
    date_of_birth = django_filters.DateFilter(
        widget=forms.DateInput(attrs={"type": "date"}), label="Date of birth"
    )
    custody_status = django_filters.ChoiceFilter(
        choices=CustodyStatus.choices, empty_label="Any custody status"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("reference", "reference"), ("last_name", "name"), ("date_of_birth", "dob")),
        label="Order by",
    )

    class Meta:
        model = Nominal
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Nominal], name: str, value: str) -> QuerySet[Nominal]:
        return queryset.filter(nominal_query(value))
