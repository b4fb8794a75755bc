"""The custody timeline as a transition table.

A person has at most one open custody period. Each cell says, for the open period's status
(None: no open period) and what happened, the status the period moves to, which of its dates the
event's date sets (and any it clears), and the checks the change must pass. A remand or a
sentence opens a period; release without licence and the end of the licence close it; a recall
while on licence is a new sentence within the same period. An event with no cell for the current
status is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from kentsoc.lifetime.choices import CustodyEventKind, PeriodStatus
from kentsoc.lifetime.dates import day_text
from kentsoc.lifetime.models import CustodyPeriod
from ocg.models import Nominal


@dataclass(frozen=True)
class CustodyChange:
    """What a check sees: the person, all their periods, the open one (if any), the event."""

    nominal: Nominal
    periods: list[CustodyPeriod]
    period: CustodyPeriod | None
    kind: CustodyEventKind
    on_date: datetime.date


# A check returns {field: message} when the change must be refused, else {}.
Check = Callable[[CustodyChange], dict[str, str]]


def no_overlap(change: CustodyChange) -> dict[str, str]:
    """A new period starts after every earlier one ended: a person's periods never overlap."""
    clash = max(
        (p for p in change.periods if p.ended_on >= change.on_date),
        key=lambda p: p.ended_on,
        default=None,
    )
    if clash is None:
        return {}
    return {
        "on_date": f"This overlaps the custody period from {day_text(clash.started_on)} "
        f"to {day_text(clash.ended_on)}: a new period must start after {day_text(clash.ended_on)}."
    }


def after_last_change(change: CustodyChange) -> dict[str, str]:
    """The timeline runs forwards: no change dated before the period's latest one."""
    period = change.period
    last = period.events.order_by("-on_date").values_list("on_date", flat=True).first()
    last = max(filter(None, (last, period.started_on)))
    if change.on_date < last:
        return {"on_date": f"The date must be on or after the last change ({day_text(last)})."}
    return {}


def not_before_sentence(change: CustodyChange) -> dict[str, str]:
    sentence_date = change.period.sentence_date
    if sentence_date and change.on_date < sentence_date:
        return {
            "on_date": "The release date cannot be before the sentence date "
            f"({day_text(sentence_date)})."
        }
    return {}


@dataclass(frozen=True)
class Transition:
    to: PeriodStatus
    # The period's date fields the event's date is written to.
    sets: tuple[str, ...]
    # Run in order after the cell is found; the first refusal stops the change.
    checks: tuple[Check, ...]
    # Date fields the change empties: dates that no longer hold.
    clears: tuple[str, ...] = ()


Event = CustodyEventKind
OPENING = (no_overlap,)
MOVING = (after_last_change,)
RELEASING = (after_last_change, not_before_sentence)

TRANSITIONS: dict[tuple[PeriodStatus | None, CustodyEventKind], Transition] = {
    (None, Event.REMANDED): Transition(PeriodStatus.REMANDED, ("started_on",), OPENING),
    (None, Event.SENTENCED): Transition(
        PeriodStatus.IN_PRISON, ("started_on", "sentence_date"), OPENING
    ),
    (PeriodStatus.REMANDED, Event.SENTENCED): Transition(
        PeriodStatus.IN_PRISON, ("sentence_date",), MOVING
    ),
    (PeriodStatus.REMANDED, Event.RELEASED): Transition(
        PeriodStatus.ENDED, ("released_on", "ended_on"), RELEASING
    ),
    (PeriodStatus.IN_PRISON, Event.RELEASED_ON_LICENCE): Transition(
        PeriodStatus.ON_LICENCE, ("released_on",), RELEASING
    ),
    (PeriodStatus.IN_PRISON, Event.RELEASED): Transition(
        PeriodStatus.ENDED, ("released_on", "ended_on"), RELEASING
    ),
    (PeriodStatus.ON_LICENCE, Event.LICENCE_ENDED): Transition(
        PeriodStatus.ENDED, ("licence_end_date", "ended_on"), MOVING
    ),
    # Back in prison: the release on licence and the release date expected then are over (and
    # would otherwise come before the new sentence, which the period's constraints forbid).
    (PeriodStatus.ON_LICENCE, Event.SENTENCED): Transition(
        PeriodStatus.IN_PRISON,
        ("sentence_date",),
        MOVING,
        clears=("released_on", "expected_release_date"),
    ),
}


def refusal(change: CustodyChange) -> dict[str, str]:
    """Why an event with no cell for the period's status cannot be recorded."""
    if change.period is None:
        return {
            "kind": f"{change.nominal.full_name} is not in custody: record a remand or sentence."
        }
    status = change.period.get_status_display()
    return {
        "kind": f"“{change.kind.label}” cannot follow “{status}”: "
        f"{change.nominal.full_name} has been {status.lower()} since the last change."
    }


def transition_for(change: CustodyChange) -> tuple[Transition | None, dict[str, str]]:
    """The cell for this change and the first refusal of its checks (or of the table)."""
    status = PeriodStatus(change.period.status) if change.period is not None else None
    transition = TRANSITIONS.get((status, change.kind))
    if transition is None:
        return None, refusal(change)
    for check in transition.checks:
        if errors := check(change):
            return transition, errors
    return transition, {}
