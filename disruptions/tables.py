"""How disruptions read in the list page's rows (disruptions/partials/disruption_table.html),
written out here once per row rather than drawn by the template engine cell by cell (issue 18:
fifty rows of nine cells were most of the page's Python calls)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString

from disruptions.choices import ImpactGrade, Tactic
from disruptions.models import CourtResult, Disruption, reference_of
from disruptions.selectors import person_name
from disruptions.templatetags.disruption_words import status_tag
from kentsoc.web.cells import format_row, record_url, shown
from kentsoc.web.people import day, day_writer

_TACTICS = dict(Tactic.choices)
_GRADES = dict(ImpactGrade.choices)

_ROW = (
    "<tr>\n"
    '      <td data-label="Ref"><a href="{url}">{reference}</a></td>\n'
    '      <td data-label="Date">{date}</td>\n'
    '      <td data-label="Status">{status}</td>\n'
    '      <td data-label="Team">{team}</td>\n'
    '      <td data-label="Subjects">{subjects}</td>\n'
    '      <td data-label="Tactic">{tactic}</td>\n'
    '      <td data-label="Impact">{impact}</td>\n'
    '      <td data-label="Arrests" class="num">{arrests}</td>\n'
    '      <td data-label="Charges" class="num">{charges}</td>\n'
    "    </tr>"
)


def subjects_in_words(ocgs: list[str], lines: list[str], people: list[str]) -> str:
    """ "OCG-0003 Medway Boys; CL-0007 Ali; Jo Bloggs (N-0012)": OCGs, then lines, then people,
    each kind's names by commas."""
    return "; ".join(", ".join(named) for named in (ocgs, lines, people) if named)


def disruption_rows_html(
    disruptions: list[Disruption], subjects: dict[int, tuple[list[str], list[str], list[str]]]
) -> list[SafeString]:
    """Each disruption's row, naming what `disruption_row_subjects` read for it."""
    return [
        format_row(
            _ROW,
            url=record_url("disruptions:detail", d.pk),
            reference=d.reference,
            date=day(d.date),
            status=status_tag(d),
            team=d.team.name,
            subjects=subjects_in_words(*subjects[d.pk]),
            tactic=_TACTICS.get(d.tactic, d.tactic),
            impact=_GRADES.get(d.impact_grade, d.impact_grade),
            arrests=shown(d.arrests),
            charges=shown(d.charges),
        )
        for d in disruptions
    ]


_COURT_ROW = (
    '<tr><td data-label="Date">{date}</td><td data-label="Nominal">{nominal}</td>'
    '<td data-label="Disruption"><a href="{url}">{reference}</a></td>'
    '<td data-label="Team">{team}</td><td data-label="Court">{court}</td>'
    '<td data-label="Offences">{offences}</td><td data-label="Outcome">{outcome}</td></tr>'
)


def court_result_rows_html(results: list[CourtResult]) -> list[SafeString]:
    """Each row of the court results page (disruptions/partials/court_result_table.html), from
    `court_result_rows`."""
    write_day = day_writer()
    return [
        format_row(
            _COURT_ROW,
            date=write_day(r.result_date),
            nominal=person_name(r.person_reference, r.person_first_name, r.person_last_name),
            url=record_url("disruptions:detail", r.disruption_id),
            reference=reference_of(r.disruption_id),
            team=r.team_name,
            court=r.court or "—",
            offences=r.offences,
            outcome=r.sentence_display,
        )
        for r in results
    ]


_OPERATION_ROW = (
    '<tr><td><a href="{url}">{reference}</a></td><td>{date}</td><td>{status}</td>'
    '<td>{team}</td><td>{tactic}</td><td class="num">{arrests}</td>'
    '<td class="num">{charges}</td><td class="num">{handsets}</td></tr>'
)


def operation_disruption_rows_html(disruptions: Iterable[Disruption]) -> list[SafeString]:
    """Each row of an operation's page (disruptions/operation_detail.html), from
    `operation_disruptions`."""
    write_day = day_writer()
    return [
        format_row(
            _OPERATION_ROW,
            url=record_url("disruptions:detail", d.pk),
            reference=d.reference,
            date=write_day(d.date),
            status=status_tag(d),
            team=d.team.name,
            tactic=_TACTICS.get(d.tactic, d.tactic),
            arrests=shown(d.arrests),
            charges=shown(d.charges),
            handsets=shown(d.handsets),
        )
        for d in disruptions
    ]


# A row of a subject's Disruptions section (disruptions/sections/subject_disruptions.html), as
# the template wrote it cell by cell.
_SUBJECT_ROW = (
    '<tr><td>{date}</td><td><a href="{url}">{reference}</a></td><td>{status}</td>'
    '<td>{tactic}</td><td>{impact}</td><td class="num">{arrests}</td>'
    '<td class="num">{charges}</td></tr>'
)


def subject_disruption_rows_html(disruptions: Iterable[Disruption]) -> SafeString:
    """The rows of a subject's Disruptions section (an OCG, a line, a person, a gang), from
    `subject_disruptions`: fifty rows of seven cells drawn by the engine were a twentieth of a
    line page's Python calls (issue 18)."""
    write_day = day_writer()
    return SafeString(
        "".join(
            format_row(
                _SUBJECT_ROW,
                date=write_day(d.date),
                url=record_url("disruptions:detail", d.pk),
                reference=d.reference,
                status=status_tag(d),
                tactic=_TACTICS.get(d.tactic, d.tactic),
                impact=_GRADES.get(d.impact_grade, d.impact_grade),
                arrests=shown(d.arrests),
                charges=shown(d.charges),
            )
            for d in disruptions
        )
    )
