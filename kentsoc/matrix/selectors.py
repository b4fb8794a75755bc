"""Reads of the matrix: rankings, score explanations and force snapshots, scoped to the user.

Pages and the API read stored rankings and scores only; nothing is scored on request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import definition_gap_labels
from kentsoc.matrix.models import ForceSnapshot, Ranking, Score
from kentsoc.trh.choices import RankedSubject
from ocg.choices import SCORED_OCG_STATUSES
from ocg.models import OCG


def ranking_list(*, user: Any, subject_type: str) -> QuerySet[Ranking]:
    subject = "county_line" if subject_type == RankedSubject.COUNTY_LINE else "ocg"
    return (
        Ranking.objects.visible_to(user)
        .filter(subject_type=subject_type)
        .select_related("score", subject)
        .order_by("partition", "rank")
    )


def snapshot_list(*, user: Any) -> QuerySet[ForceSnapshot]:
    return ForceSnapshot.objects.visible_to(user).order_by("on")


def _definition_gaps(subject: CountyLine | OCG, is_line: bool) -> list[str]:
    """Labels of the definition criteria not yet evidenced."""
    if is_line:
        return definition_gap_labels(county_line=subject)
    return definition_gap_labels(ocg=subject)


def _not_scored_reason(subject: CountyLine | OCG, is_line: bool, has_score: bool) -> str:
    gaps = _definition_gaps(subject, is_line)
    if gaps:
        return f"not scored: definition evidence missing for {', '.join(gaps).lower()}"
    if is_line and subject.status != LineStatus.ACTIVE:
        return f"not scored: the line is {subject.get_status_display().lower()}, not active"
    if not is_line and subject.status not in SCORED_OCG_STATUSES:
        return f"not scored: the OCG is {subject.get_status_display().lower()}, not mapped"
    if not has_score:
        return "not scored yet: the score is being computed"
    return ""


def score_explain(*, user: Any, subject_type: str, pk: Any) -> dict:
    """The current score of a subject the user may see, factor by factor with the records behind
    each level. Raises Http404 for a subject the user may not see."""
    is_line = subject_type == RankedSubject.COUNTY_LINE
    model = CountyLine if is_line else OCG
    subject = model.objects.get_visible_or_404(user, pk=pk)
    field = "county_line" if is_line else "ocg"
    score = Score.objects.filter(**{field: subject.pk}, is_current=True).first()
    on_matrix = (
        subject.status == LineStatus.ACTIVE if is_line else subject.status in SCORED_OCG_STATUSES
    )
    scored = on_matrix and score is not None
    reason = "" if scored else _not_scored_reason(subject, is_line, score is not None)
    explained: dict[str, Any] = {
        "subject": subject.pk,
        "subject_type": subject_type,
        "reference": subject.reference,
        "name": subject.name,
        "scored": scored,
        "not_scored_reason": reason,
        "stale": subject.score_stale_since is not None,
        "total": None,
        "threat": None,
        "risk": None,
        "harm": None,
        "confidence": None,
        "tier": None,
        "matrix_version": None,
        "scored_at": None,
        "factors": [],
    }
    if not scored:
        return explained
    ids = {i for e in score.breakdown for i in e["records"] + e["unscorable_records"]}
    # Only records the user may read are named; the points still count.
    records = {
        r.pk: r
        for r in IntelligenceRecord.objects.visible_to(user)
        .filter(pk__in=ids)
        .only(
            "id",
            "reference",
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
            "information_date",
            "deleted_at",
        )
    }

    def described(record_ids: list[int]) -> list[dict]:
        return [
            {
                "id": r.pk,
                "reference": r.reference,
                "grading": r.grading,
                "information_date": r.information_date,
                "scorable": r.is_scorable,
            }
            for r in (records[i] for i in record_ids if i in records)
        ]

    explained.update(
        total=score.total,
        threat=score.threat,
        risk=score.risk,
        harm=score.harm,
        confidence=score.confidence,
        tier=score.tier,
        matrix_version=score.matrix_version,
        scored_at=score.computed_at,
        factors=[
            {
                "factor": e["factor"],
                "label": e["label"],
                "part": e["part"],
                "level": e["level"],
                "level_label": e["level_label"],
                "points": e["points"],
                "from_data": e["from_data"],
                "records": described(e["records"]),
                "unscorable_records": described(e["unscorable_records"]),
            }
            for e in score.breakdown
        ],
    )
    return explained
