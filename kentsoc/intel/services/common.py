"""What the intelligence services share."""

from __future__ import annotations

from collections.abc import Iterable


def distinct_ids(
    field: str, values: Iterable[int] | None, errors: dict[str, list[str]]
) -> list[int]:
    """The ids, each once and sorted. Forms and serializers parse what was posted (the services
    take ids, not records or text); anything else becomes a message on `field`, never a 500."""
    ids: list[int] = []
    for value in values or ():
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            ids.append(value)
        else:
            errors.setdefault(field, []).append(f"{value!r} is not a valid id.")
    return sorted(set(ids))
