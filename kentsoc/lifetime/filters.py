"""One FilterSet per list, shared by the HTML lists and the API.

The lists are date windows (releases in the next 90 days, breaches in a period): the window
applies even when no filter is given, so these FilterSets are always bound (an unbound FilterSet
is "not valid" and its list would show nothing), with defaults for the window's parameters.
Windows include both ends.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from kentsoc import dates
from kentsoc.lifetime.choices import Audience
from kentsoc.lifetime.models import CustodyPeriod, Scpo, ScpoBreach, TrainingInput
from kentsoc.org.models import Division
from kentsoc.web.pickers import PickerFilterSet, PickerWidget
from ocg.models import OCG, Membership

MAX_WINDOW_DAYS = 365
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class BoundFilterSet(PickerFilterSet):
    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        bound = data.copy() if data is not None else QueryDict(mutable=True)
        for name, value in self.defaults().items():
            if not bound.get(name):
                bound[name] = value
        super().__init__(bound, *args, **kwargs)

    def defaults(self) -> dict[str, str]:
        return {}


class WithinFilterSet(BoundFilterSet):
    """`within`: days from today, inclusive at both ends (today and today + within)."""

    date_field: ClassVar[str]
    within = IntegerFilter(
        label="Within (days)",
        method="filter_within",
        min_value=0,
        max_value=MAX_WINDOW_DAYS,
    )

    def defaults(self) -> dict[str, str]:
        return {"within": "90"}

    def filter_within(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        today = dates.today()
        return queryset.filter(
            **{f"{self.date_field}__range": (today, today + datetime.timedelta(days=value))}
        )


def _division_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label="Division",
        field_name=field_name,
        queryset=Division.objects.all(),
        distinct=True,
    )


def _ocg_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    # Found by typing (the OCGs' picker, kentsoc.web.pickers) rather than chosen from a list: a
    # select of every OCG the user may see, each option drawn by the template engine, was most
    # of a list page's Python calls. The id chosen is still one of those OCGs, or refused.
    return django_filters.ModelChoiceFilter(
        label="OCG",
        field_name=field_name,
        queryset=_visible_ocgs,
        distinct=True,
        widget=PickerWidget("ocg"),
        help_text="Name or reference",
    )


def _visible_ocgs(request: Any) -> QuerySet:
    # The choices themselves are police data: offer only the OCGs the user may see.
    return OCG.objects.visible_to(getattr(request, "user", None))


class ReleaseFilterSet(WithinFilterSet):
    date_field = "expected_release_date"
    division = _division_filter("nominal__memberships__ocg__division")
    ocg = _ocg_filter("nominal__memberships__ocg")

    class Meta:
        model = CustodyPeriod
        fields = ["within", "division", "ocg"]


class ScpoExpiringFilterSet(WithinFilterSet):
    date_field = "expires_on"
    division = _division_filter("nominal__memberships__ocg__division")

    class Meta:
        model = Scpo
        fields = ["within", "division"]


class ScpoBreachFilterSet(BoundFilterSet):
    # `from` and `to` in the query string (set below: `from` is a Python keyword).
    division = _division_filter("scpo__nominal__memberships__ocg__division")

    class Meta:
        model = ScpoBreach
        fields = ["division"]

    def defaults(self) -> dict[str, str]:
        today = dates.today()
        return {
            "from": (today - datetime.timedelta(days=90)).isoformat(),
            "to": today.isoformat(),
        }


ScpoBreachFilterSet.base_filters = {
    "from": django_filters.DateFilter(
        label="From",
        field_name="breached_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    ),
    "to": django_filters.DateFilter(
        label="To",
        field_name="breached_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    ),
    **ScpoBreachFilterSet.base_filters,
}


class InPrisonFilterSet(BoundFilterSet):
    division = _division_filter("ocg__division")
    ocg = _ocg_filter("ocg")

    class Meta:
        model = Membership
        fields = ["division", "ocg"]


class UntrainedLroFilterSet(BoundFilterSet):
    division = _division_filter("division")

    class Meta:
        model = OCG
        fields = ["division"]


class TrainingFilterSet(BoundFilterSet):
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    held_from = django_filters.DateFilter(
        label="From", field_name="held_on", lookup_expr="gte", widget=_DATE
    )
    held_to = django_filters.DateFilter(
        label="To", field_name="held_on", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = TrainingInput
        fields = ["audience", "held_from", "held_to"]
