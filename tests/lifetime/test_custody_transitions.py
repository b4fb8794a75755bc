"""The custody timeline's transition table, cell by cell: every status a person can be in (no
open period, or a period remanded, in prison or on licence) against every custody event, through
custody_event_record, with the period and the person's custody status after each allowed change
and the exact message of each refused one. Then the checks the allowed cells carry."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kentsoc.lifetime.choices import CustodyEventKind as Event
from kentsoc.lifetime.choices import PeriodStatus
from kentsoc.lifetime.models import CustodyEvent, CustodyPeriod
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.lifetime.transitions import TRANSITIONS
from ocg.choices import CustodyStatus
from tests.lifetime.conftest import days

pytestmark = pytest.mark.django_db

# How to bring a person into each starting state: events as (kind, days ago).
SETUPS = {
    "no period": [],
    "ended": [(Event.SENTENCED, 100), (Event.RELEASED, 50)],
    "remanded": [(Event.REMANDED, 100)],
    "in prison": [(Event.SENTENCED, 100)],
    "on licence": [(Event.SENTENCED, 100), (Event.RELEASED_ON_LICENCE, 50)],
}
FROM_STATUS = {
    "no period": None,
    "ended": None,
    "remanded": PeriodStatus.REMANDED,
    "in prison": PeriodStatus.IN_PRISON,
    "on licence": PeriodStatus.ON_LICENCE,
}
# The whole table as a reader would draw it: (from, event) -> (to, dates the event sets).
ALLOWED = {
    (None, Event.REMANDED): (PeriodStatus.REMANDED, {"started_on"}),
    (None, Event.SENTENCED): (PeriodStatus.IN_PRISON, {"started_on", "sentence_date"}),
    (PeriodStatus.REMANDED, Event.SENTENCED): (PeriodStatus.IN_PRISON, {"sentence_date"}),
    (PeriodStatus.REMANDED, Event.RELEASED): (PeriodStatus.ENDED, {"released_on", "ended_on"}),
    (PeriodStatus.IN_PRISON, Event.RELEASED_ON_LICENCE): (
        PeriodStatus.ON_LICENCE,
        {"released_on"},
    ),
    (PeriodStatus.IN_PRISON, Event.RELEASED): (PeriodStatus.ENDED, {"released_on", "ended_on"}),
    (PeriodStatus.ON_LICENCE, Event.LICENCE_ENDED): (
        PeriodStatus.ENDED,
        {"licence_end_date", "ended_on"},
    ),
    # A recall to prison while on licence.
    (PeriodStatus.ON_LICENCE, Event.SENTENCED): (PeriodStatus.IN_PRISON, {"sentence_date"}),
}
# The dates a change empties.
CLEARED = {(PeriodStatus.ON_LICENCE, Event.SENTENCED): {"released_on", "expected_release_date"}}
CUSTODY_STATUS = {
    PeriodStatus.REMANDED: CustodyStatus.REMANDED,
    PeriodStatus.IN_PRISON: CustodyStatus.IN_PRISON,
    PeriodStatus.ON_LICENCE: CustodyStatus.ON_LICENCE,
    PeriodStatus.ENDED: CustodyStatus.AT_LIBERTY,
}
CELLS = [(start, event) for start in SETUPS for event in Event]


def _record(actor, nominal, kind, on_date):
    return custody_event_record(actor=actor, nominal=nominal, kind=kind, on_date=on_date)


def _bring_to(actor, nominal, start, today):
    for kind, ago in SETUPS[start]:
        _record(actor, nominal, kind, today - days(ago))


def _open_period(nominal):
    return CustodyPeriod.objects.filter(nominal=nominal, ended_on__isnull=True).first()


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_the_table_is_the_one_drawn_here():
    assert {
        cell: (transition.to, set(transition.sets)) for cell, transition in TRANSITIONS.items()
    } == ALLOWED
    assert {
        cell: set(transition.clears)
        for cell, transition in TRANSITIONS.items()
        if transition.clears
    } == CLEARED


@pytest.mark.parametrize(("start", "event"), CELLS, ids=[f"{s}-{e.value}" for s, e in CELLS])
def test_each_cell_of_the_custody_table(coordinator, member, today, start, event):
    _bring_to(coordinator, member, start, today)
    before = _open_period(member)
    events_before = CustodyEvent.objects.filter(period__nominal=member).count()
    on_date = today - days(10)
    allowed = ALLOWED.get((FROM_STATUS[start], event))

    if allowed is None:
        with pytest.raises(ValidationError) as exc:
            _record(coordinator, member, event, on_date)
        if before is None:
            expected = f"{member.full_name} is not in custody: record a remand or sentence."
        else:
            status = before.get_status_display()
            expected = (
                f"“{event.label}” cannot follow “{status}”: {member.full_name} has been "
                f"{status.lower()} since the last change."
            )
        assert exc.value.message_dict == {"kind": [expected]}
        assert CustodyEvent.objects.filter(period__nominal=member).count() == events_before
        return

    to, sets = allowed
    recorded = _record(coordinator, member, event, on_date)
    period = recorded.period
    period.refresh_from_db()
    member.refresh_from_db()
    assert period.status == to
    for field in sets:
        assert getattr(period, field) == on_date, field
    for field in CLEARED.get((FROM_STATUS[start], event), ()):
        assert getattr(period, field) is None, field
    if before is None:
        assert period.version == 1
        assert period.started_on == on_date
    else:
        assert period.pk == before.pk
        assert period.version == before.version + 1
    assert member.custody_status == CUSTODY_STATUS[to]
    assert recorded.kind == event and recorded.on_date == on_date


def test_a_new_period_cannot_overlap_an_earlier_one(coordinator, member, today):
    _bring_to(coordinator, member, "ended", today)
    with pytest.raises(ValidationError) as exc:
        _record(coordinator, member, Event.REMANDED, today - days(60))
    start, end = today - days(100), today - days(50)
    assert exc.value.message_dict == {
        "on_date": [
            f"This overlaps the custody period from {_d(start)} to {_d(end)}: a new period "
            f"must start after {_d(end)}."
        ]
    }
    assert _open_period(member) is None


def test_a_change_cannot_be_dated_before_the_last_one(coordinator, member, today):
    _bring_to(coordinator, member, "on licence", today)
    with pytest.raises(ValidationError) as exc:
        _record(coordinator, member, Event.LICENCE_ENDED, today - days(51))
    assert exc.value.message_dict == {
        "on_date": [f"The date must be on or after the last change ({_d(today - days(50))})."]
    }
    assert _open_period(member).status == PeriodStatus.ON_LICENCE


@pytest.mark.parametrize(
    ("start", "event"),
    [
        ("remanded", Event.RELEASED),
        ("in prison", Event.RELEASED),
        ("in prison", Event.RELEASED_ON_LICENCE),
    ],
)
def test_a_release_cannot_be_dated_before_the_sentence(coordinator, member, today, start, event):
    """The sentence date can be entered on the period's dates form after the last change; a
    release must still not come before it."""
    _bring_to(coordinator, member, start, today)
    period = _open_period(member)
    custody_dates_update(
        actor=coordinator,
        period=period,
        version=period.version,
        sentence_date=today - days(40),
        expected_release_date=None,
        licence_end_date=None,
    )
    with pytest.raises(ValidationError) as exc:
        _record(coordinator, member, event, today - days(60))
    assert exc.value.message_dict == {
        "on_date": [
            f"The release date cannot be before the sentence date ({_d(today - days(40))})."
        ]
    }
    assert _open_period(member).status == FROM_STATUS[start]
