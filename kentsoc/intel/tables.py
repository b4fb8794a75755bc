"""How intelligence records read in lists and partials: status tags, grading and claims in words.

Worked out here, once, so templates only display values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kentsoc.intel.choices import HandlingCode, IntelligenceAssessment, SourceEvaluation
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import RowSubjects
from kentsoc.trh.factors import COUNTY_LINE_FACTORS, OCG_FACTORS
from kentsoc.web.cells import escaped, format_row, record_url, truncated
from kentsoc.web.people import day

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


_SUBJECT_PAGES = {
    "ocg.ocg": "ocg:detail",
    "countylines.countyline": "countylines:detail",
    "ocg.nominal": "ocg:nominal-detail",
    "gangs.gang": "gangs:detail",
}


def subject_url(subject: Any) -> str:
    """The page of an OCG, county line or nominal, or "" while that app has no page for it."""
    if subject is None:
        return ""
    if hasattr(subject, "get_absolute_url"):
        return subject.get_absolute_url()
    from django.urls import NoReverseMatch

    name = _SUBJECT_PAGES.get(subject._meta.label_lower)
    try:
        # Each page's route reversed once per process (record_url), not once per subject.
        return record_url(name, subject.pk) if name else ""
    except NoReverseMatch:
        return ""


# One row of the list (intel/partials/record_table.html), written out here rather than drawn by
# the template engine cell by cell: fifty rows of seven cells were most of the page's Python calls.
_ROW = (
    '<tr data-testid="record-row">\n'
    '        <td><a href="{url}">{reference}</a>{rms}</td>\n'
    "        <td>{date}</td>\n"
    "        <td><strong>{grading}</strong></td>\n"
    '        <td><span class="tag {status_css}">{status}</span></td>\n'
    "        \n"
    "        <td>{subjects}</td>\n"
    "        <td>{claims}</td>\n"
    "        <td>{summary}</td>\n"
    "      </tr>"
)
_NO_CLAIMS = mark_safe('<span class="muted">—</span>')  # noqa: S308 (fixed markup)


def subjects_in_words(ocgs: list[str], lines: list[str], nominals: int) -> str:
    """ "OCG-0003, CL-0007, 2 nominals": the subjects a record names, each by reference (or
    name), the people only counted."""
    named = [*ocgs, *lines]
    if nominals:
        named.append(f"{nominals} nominal{'' if nominals == 1 else 's'}")
    return ", ".join(named)


def record_rows(records: list[IntelligenceRecord], subjects: dict[int, RowSubjects]) -> SafeString:
    """Every record's row, naming what `intelligence_row_subjects` read for it, as one piece of
    HTML laid out as the table's loop over the rows would lay them (the loop drew each row
    through the template engine: a dozen Python calls a row)."""
    rows = []
    for record in records:
        named = subjects[record.pk]
        types = [
            kind
            for kind, found in (("county_line", named.county_lines), ("ocg", named.ocgs))
            if found
        ]
        claims = [describe_claim(factor, level, types) for factor, level in named.claims]
        status = record_status(record)
        rows.append(
            format_row(
                _ROW,
                url=record_url("intel:detail", record.pk),
                reference=record.reference,
                rms=format_html('<br><span class="muted">{}</span>', record.rms_reference)
                if record.rms_reference
                else "",
                date=day(record.information_date),
                grading=record.grading,
                status_css=status.css,
                status=status.label,
                subjects=subjects_in_words(named.ocgs, named.county_lines, named.nominals),
                claims=mark_safe("<br>".join(escaped(c) for c in claims))  # noqa: S308 (each escaped)
                if claims
                else _NO_CLAIMS,
                summary=truncated(record.summary, 90),
            )
        )
    return SafeString("".join(f"\n      {row}\n    " for row in rows))


# A row of a subject's intelligence records (intel/sections/records.html), as the template wrote
# it cell by cell, with the whitespace of its loop.
_SUBJECT_ROW = (
    '\n        <tr data-testid="record-row" data-reference="{reference}">'
    "\n          <td>{link}{rms}</td>"
    "\n          <td>{date}</td>"
    "\n          <td><strong>{grading}</strong></td>"
    '\n          <td><span class="tag {css}">{label}</span></td>'
    "\n          <td>{claims}</td>"
    "\n        </tr>\n      "
)
_NO_CLAIMS = SafeString('<span class="muted">none</span>')


def subject_record_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The rows of a subject's intelligence records, from `subject_records_context`'s rows
    ({"record", "url", "status", "claims"}): a few records drawn by the engine cell by cell were
    a twentieth of a line page's Python calls (issue 18)."""
    written = []
    for row in rows:
        record = row["record"]
        reference = escaped(record.reference)
        written.append(
            format_row(
                _SUBJECT_ROW,
                reference=record.reference,
                link=SafeString(f'<a href="{escaped(row["url"])}">{reference}</a>')
                if row["url"]
                else record.reference,
                rms=SafeString(f'<br><span class="muted">{escaped(record.rms_reference)}</span>')
                if record.rms_reference
                else "",
                date=day(record.information_date),
                grading=record.grading,
                css=row["status"].css,
                label=row["status"].label,
                claims=SafeString("<br>".join(escaped(claim) for claim in row["claims"]))
                if row["claims"]
                else _NO_CLAIMS,
            )
        )
    return SafeString("".join(written))
