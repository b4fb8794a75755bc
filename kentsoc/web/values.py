"""Related rows read as plain values for a page of an API list.

A prefetch builds a model instance of every related row (and of the through row's join), which
is most of the Python time of a list that shows only ids and a few columns of them. These read
the same rows in one query per relation, in the order the prefetch would list them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet


def _related_ordering(prefix: str, ordering: Iterable[str]) -> list[str]:
    return [f"-{prefix}__{o[1:]}" if o.startswith("-") else f"{prefix}__{o}" for o in ordering]


def m2m_ids(
    model: type[Model], field_name: str, ids: Iterable[int], among: QuerySet | None = None
) -> dict[int, list[int]]:
    """Each row's related ids through the many-to-many `field_name`, in the related model's
    default ordering (as `row.<field_name>.all()` after a prefetch lists them); only those of
    `among` when given (as a prefetch with that queryset: the related rows the user may see)."""
    field = model._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    ids = list(ids)
    found: dict[int, list[int]] = {pk: [] for pk in ids}
    lookups: dict[str, Any] = {f"{source}_id__in": ids}
    if among is not None:
        lookups[f"{target}_id__in"] = among.values("pk")
    rows = (
        field.remote_field.through.objects.filter(**lookups)
        .order_by(*_related_ordering(target, field.related_model._meta.ordering))
        .values_list(f"{source}_id", f"{target}_id")
    )
    for row_id, related_id in rows:
        found[row_id].append(related_id)
    return found


def grouped(rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """Value rows whose first column is their parent's id, grouped by it (order kept)."""
    found: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row[1:])
    return found
