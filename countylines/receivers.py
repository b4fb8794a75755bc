"""What countylines does when a lower app announces a change (see ocg/signals.py)."""

from __future__ import annotations

from typing import Any

from countylines.models import CountyLine
from kentsoc import broker
from kentsoc.trh.choices import RankedSubject


def ocg_matrix_status_changed(*, ocg: Any, **kwargs: Any) -> None:
    """A line scores `ocg_link` from its OCG's status: rescore the lines linked to it."""
    broker.mark_stale(
        CountyLine,
        CountyLine.objects.filter(ocg=ocg.pk).values_list("pk", flat=True),
        subject_type=RankedSubject.COUNTY_LINE,
    )
