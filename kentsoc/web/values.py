"""Related rows read as plain values for a page of a list.

A prefetch builds a model instance of every related row (and of the through row's join), which
is most of the Python time of a list that shows only ids and a few columns of them: the lists
read such rows as values, one query per relation, and group them by their parent here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def grouped(rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """Value rows whose first column is their parent's id, grouped by it (order kept)."""
    found: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row[1:])
    return found
