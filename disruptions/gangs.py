"""What disruptions tell the gang list (kentsoc.gangs.activity): the newest disruption against
each gang and how many there are, of those the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from disruptions.models import Disruption
from kentsoc.gangs import activity


def with_disruptions(queryset: QuerySet, user: Any, *, counts: bool = True) -> QuerySet:
    rows = (
        Disruption.gangs.through.objects.filter(
            gang_id=OuterRef("pk"),
            # The gangs are ones the user may see (kentsoc.gangs.selectors).
            disruption_id__in=Disruption.objects.visible_on_visible_gangs(user).values("pk"),
        )
        .order_by()
        .values("gang_id")
    )
    queryset = queryset.annotate(
        last_disruption_on=Subquery(rows.annotate(on=Max("disruption__date")).values("on"))
    )
    if not counts:
        return queryset
    return queryset.annotate(
        disruption_count=Coalesce(
            Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        )
    )


def provide() -> None:
    activity.with_disruptions.provide(with_disruptions)
