"""Writes of the matrix: marking scores stale and (in the worker) recomputing them.

Services that change what a score depends on call `subjects_mark_stale` inside their own
transaction; the rescore is enqueued only once that transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone


def subjects_mark_stale(
    *, ocg_ids: Iterable[int] = (), county_line_ids: Iterable[int] = ()
) -> None:
    """Flag the subjects' scores as stale and, after commit, ask the worker to rescore them."""
    from countylines.models import CountyLine
    from kentsoc.matrix.tasks import rescore_subject
    from ocg.models import OCG

    ocg_ids, county_line_ids = sorted(set(ocg_ids)), sorted(set(county_line_ids))
    now = timezone.now()
    if ocg_ids:
        OCG.objects.filter(pk__in=ocg_ids, score_stale_since__isnull=True).update(
            score_stale_since=now
        )
    if county_line_ids:
        CountyLine.objects.filter(pk__in=county_line_ids, score_stale_since__isnull=True).update(
            score_stale_since=now
        )
    for subject_type, ids in (("ocg", ocg_ids), ("county_line", county_line_ids)):
        for subject_id in ids:
            transaction.on_commit(
                partial(rescore_subject.delay, subject_type=subject_type, subject_id=subject_id)
            )
