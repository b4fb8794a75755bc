"""What intelligence tells the gang list (kentsoc.gangs.activity): the newest record on each gang
and how many there are, of the records the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kentsoc.gangs import activity
from kentsoc.intel.models import IntelligenceRecord


def with_intelligence(queryset: QuerySet, user: Any, *, counts: bool = True) -> QuerySet:
    records = (
        IntelligenceRecord.gangs.through.objects.filter(
            gang_id=OuterRef("pk"),
            intelligencerecord__deleted_at__isnull=True,
            intelligencerecord_id__in=IntelligenceRecord.objects.visible_to(user).values("pk"),
        )
        .order_by()
        .values("gang_id")
    )
    queryset = queryset.annotate(
        last_intelligence_on=Subquery(
            records.annotate(on=Max("intelligencerecord__information_date")).values("on")
        )
    )
    if not counts:
        return queryset
    return queryset.annotate(
        intelligence_count=Coalesce(
            Subquery(records.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        )
    )


def provide() -> None:
    activity.with_intelligence.provide(with_intelligence)
