"""What the intelligence services share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def parse_ids(field: str, values: Iterable[Any] | None, errors: dict[str, list[str]]) -> list[int]:
    """The ids of `values` (ids or records), each once and sorted; what is not an id becomes a
    message on `field`."""
    ids: list[int] = []
    for value in values or ():
        pk = getattr(value, "pk", value)
        if isinstance(pk, bool):
            pk = None
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            errors.setdefault(field, []).append(f"{value!r} is not a valid id.")
    return sorted(set(ids))
