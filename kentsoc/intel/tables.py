"""How intelligence records read in lists and partials: status tags, grading and claims in words.

Worked out here, once, so templates only display values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kentsoc.intel.choices import HandlingCode, IntelligenceAssessment, SourceEvaluation
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.trh.factors import COUNTY_LINE_FACTORS, OCG_FACTORS

SOURCE_MEANINGS = {
    SourceEvaluation.RELIABLE: "Reliable: the source is trusted, with a history of accuracy.",
    SourceEvaluation.UNTESTED: "Untested: the source is new or has no track record yet.",
    SourceEvaluation.NOT_RELIABLE: (
        "Not reliable: there are doubts about the source. The record is kept but not scored."
    ),
}
ASSESSMENT_MEANINGS = {
    IntelligenceAssessment.KNOWN_DIRECTLY: "Known directly to the source (saw or heard it).",
    IntelligenceAssessment.CORROBORATED: "Known indirectly to the source but corroborated.",
    IntelligenceAssessment.KNOWN_INDIRECTLY: "Known indirectly to the source (hearsay).",
    IntelligenceAssessment.NOT_KNOWN: "Not known: the source cannot say how it is known.",
    IntelligenceAssessment.SUSPECTED_FALSE: (
        "Suspected to be false. The record is kept but not scored."
    ),
}
HANDLING_MEANINGS = {
    HandlingCode.PERMITTED: "Lawful sharing permitted.",
    HandlingCode.CONDITIONS: (
        "Lawful sharing permitted with conditions: write the conditions; only the owning team "
        "and supervisors can read them."
    ),
}


@dataclass(frozen=True)
class StatusTag:
    label: str
    css: str


def record_status(record: IntelligenceRecord) -> StatusTag:
    if record.deleted_at is not None:
        return StatusTag("deleted", "tag--grey")
    if not record.is_scorable:
        return StatusTag("unscorable", "tag--yellow")
    return StatusTag("scorable", "tag--green")


def unscorable_reason(record: IntelligenceRecord) -> str:
    if record.deleted_at is not None:
        return "Deleted: kept for the record, counts in no score."
    reasons = []
    if record.source_evaluation == SourceEvaluation.NOT_RELIABLE:
        reasons.append("source graded 3 (not reliable)")
    if record.intelligence_assessment == IntelligenceAssessment.SUSPECTED_FALSE:
        reasons.append("assessment E (suspected to be false)")
    if reasons:
        return f"Unscorable: {' and '.join(reasons)}. Kept and shown, but adds nothing to a score."
    return ""


def grading_in_words(record: IntelligenceRecord) -> list[tuple[str, str, str]]:
    """(part, grade, meaning) for the three parts of the 3x5x2 grading."""
    return [
        (
            "Source evaluation",
            record.source_evaluation,
            SOURCE_MEANINGS.get(record.source_evaluation, ""),
        ),
        (
            "Intelligence assessment",
            record.intelligence_assessment,
            ASSESSMENT_MEANINGS.get(record.intelligence_assessment, ""),
        ),
        ("Handling code", record.handling_code, HANDLING_MEANINGS.get(record.handling_code, "")),
    ]


def subject_types_of(record: IntelligenceRecord) -> list[str]:
    """Subject types of a record whose subjects were prefetched."""
    types = []
    if record.county_lines.all():
        types.append("county_line")
    if record.ocgs.all():
        types.append("ocg")
    return types


def describe_claim(factor: str, level: int, subject_types: list[str] | tuple[str, ...]) -> str:
    """ "Violence: 2 — assault": the level's description from the subject type's factor table."""
    tables = {"county_line": COUNTY_LINE_FACTORS, "ocg": OCG_FACTORS}
    for subject_type in [*subject_types, "county_line", "ocg"]:
        found = tables.get(subject_type, {}).get(factor)
        if found is not None:
            if 0 <= level <= found.max_level:
                description = found.levels[level]
                # OCG level names already start with the number ("2 medium").
                if description.startswith(str(level)):
                    description = description[len(str(level)) :].strip()
                return f"{found.label}: {level} — {description}"
            return f"{found.label}: {level}"
    return f"{factor}: {level}"


def claims_in_words(record: IntelligenceRecord, subject_types: Any = None) -> list[str]:
    types = subject_types if subject_types is not None else subject_types_of(record)
    return [describe_claim(c.factor, c.level, types) for c in record.factor_claims.all()]


def subject_url(subject: Any) -> str:
    """The page of an OCG, county line or nominal, or "" while that app has no page for it."""
    if subject is None:
        return ""
    if hasattr(subject, "get_absolute_url"):
        return subject.get_absolute_url()
    from django.urls import NoReverseMatch, reverse

    names = {
        "ocg.ocg": "ocg:detail",
        "countylines.countyline": "countylines:detail",
        "ocg.nominal": "ocg:nominal-detail",
        "gangs.gang": "gangs:detail",
    }
    name = names.get(subject._meta.label_lower)
    try:
        return reverse(name, args=[subject.pk]) if name else ""
    except NoReverseMatch:
        return ""
