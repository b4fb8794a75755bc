"""Each county line keeps the date of its latest approved disruption
(CountyLine.last_approved_disruption_on, shown on the dashboard): every service write leaves it
equal to what the approved disruptions against the line say."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus
from disruptions.services import approvals
from disruptions.services import disruptions as disruption_services
from tests.factories import disruption_values, make_line

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2022, 6, 15)


@pytest.fixture
def other_line(force):
    return make_line(
        force["divisions"]["north"],
        status=LineStatus.ACTIVE,
        nominated_on=datetime.date(2021, 1, 1),
    )


def _kept(line) -> datetime.date | None:
    return CountyLine.objects.get(pk=line.pk).last_approved_disruption_on


def _counted(line) -> datetime.date | None:
    """What the approved disruptions say, read through the links."""
    return line.disruptions.filter(status=DisruptionStatus.APPROVED).aggregate(last=Max("date"))[
        "last"
    ]


def _submitted(author, lines, on):
    d = disruption_services.disruption_create(
        actor=author, values=disruption_values(None, date=on), county_lines=lines
    )
    return disruption_services.disruption_submit(actor=author, disruption=d)


def test_approving_sets_each_of_its_lines_latest_date(clgt_officer, supervisor, line, other_line):
    d = _submitted(clgt_officer, [line, other_line], JUNE)
    assert _kept(line) is None and _kept(other_line) is None  # submitted counts for nothing
    approvals.disruption_approve(actor=supervisor, disruption=d)
    assert _kept(line) == JUNE == _counted(line)
    assert _kept(other_line) == JUNE == _counted(other_line)


def test_an_older_approval_keeps_the_later_date(clgt_officer, supervisor, line, other_line):
    later = _submitted(clgt_officer, [line], JUNE)
    approvals.disruption_approve(actor=supervisor, disruption=later)
    older = _submitted(clgt_officer, [line, other_line], JUNE - datetime.timedelta(days=30))
    approvals.disruption_approve(actor=supervisor, disruption=older)
    assert _kept(line) == JUNE == _counted(line)
    assert _kept(other_line) == JUNE - datetime.timedelta(days=30) == _counted(other_line)
    newer = _submitted(clgt_officer, [line], JUNE + datetime.timedelta(days=1))
    approvals.disruption_approve(actor=supervisor, disruption=newer)
    assert _kept(line) == JUNE + datetime.timedelta(days=1) == _counted(line)


def test_drafts_edits_and_returns_change_nothing(clgt_officer, supervisor, line, other_line):
    approvals.disruption_approve(
        actor=supervisor, disruption=_submitted(clgt_officer, [line], JUNE)
    )
    d = disruption_services.disruption_create(
        actor=clgt_officer,
        values=disruption_values(None, date=JUNE + datetime.timedelta(days=5)),
        county_lines=[line],
    )
    d = disruption_services.disruption_update(
        actor=clgt_officer,
        disruption=d,
        version=d.version,
        values={"date": JUNE + datetime.timedelta(days=9)},
        county_lines=[line, other_line],
    )
    d = disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    approvals.disruption_return(actor=supervisor, disruption=d, reason="Add the custody numbers.")
    assert _kept(line) == JUNE == _counted(line)
    assert _kept(other_line) is None is _counted(other_line)


def test_an_approved_disruption_cannot_move_its_date_or_lines(
    clgt_officer, supervisor, line, other_line
):
    d = approvals.disruption_approve(
        actor=supervisor, disruption=_submitted(clgt_officer, [line], JUNE)
    )
    with pytest.raises(ValidationError):
        disruption_services.disruption_update(
            actor=clgt_officer,
            disruption=d,
            version=d.version,
            values={"date": JUNE - datetime.timedelta(days=1)},
            county_lines=[other_line],
        )
    assert _kept(line) == JUNE and _kept(other_line) is None


def test_the_refresh_recounts_from_the_links(clgt_officer, supervisor, line, other_line):
    """Written past the services (a bulk load, the benchmark's data): the refresh puts right
    whatever the line says, a date too late, too early or missing."""
    approvals.disruption_approve(
        actor=supervisor, disruption=_submitted(clgt_officer, [line], JUNE)
    )
    CountyLine.objects.filter(pk=line.pk).update(last_approved_disruption_on=None)
    CountyLine.objects.filter(pk=other_line.pk).update(last_approved_disruption_on=JUNE)
    approvals.lines_last_disruption_refresh(line_ids=[line.pk, other_line.pk])
    assert _kept(line) == JUNE and _kept(other_line) is None
