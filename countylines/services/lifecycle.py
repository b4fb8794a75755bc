"""A line's lifecycle: on the matrix, dismantled or rejected, and flexed to another division.

Which move may happen from which status, and who may make it, is one table (`MOVES`): the
services refuse by it and the line page offers only what it allows (`may`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from countylines import definition as line_definition
from countylines.choices import LineStatus
from countylines.models import CountyLine, FlexPeriod
from countylines.services.base import (
    OPEN_STATUSES,
    PERM_APPROVE,
    PERM_CHANGE,
    clean_text,
    lock_line,
    record_status_change,
    require,
)
from kentsoc import broker
from kentsoc.audit.services import versioned_save
from kentsoc.dates import today
from kentsoc.org.models import Division
from kentsoc.trh.choices import RankedSubject


@dataclass(frozen=True)
class Move:
    """One thing that can happen to a line: from which statuses, to which (None: the status
    stays), with which permission, and the refusal when the line's status does not allow it."""

    sources: frozenset[str]
    target: str | None
    perm: str
    doing: str
    who: str
    refusal: str  # formatted with the line's {reference} and {status}


MOVES: dict[str, Move] = {
    "activate": Move(
        sources=frozenset({LineStatus.NOMINATED}),
        target=LineStatus.ACTIVE,
        perm=PERM_APPROVE,
        doing="put a county line on the matrix",
        who="a supervisor",
        refusal="Only a nominated line can be put on the matrix; {reference} is {status}.",
    ),
    "reject": Move(
        sources=frozenset({LineStatus.NOMINATED}),
        target=LineStatus.REJECTED,
        perm=PERM_APPROVE,
        doing="reject a county line nomination",
        who="a supervisor",
        refusal="Only a nomination can be rejected; {reference} is {status}.",
    ),
    "dismantle": Move(
        sources=OPEN_STATUSES,
        target=LineStatus.DISMANTLED,
        perm=PERM_CHANGE,
        doing="dismantle a county line",
        who="CLGT officers and supervisors",
        refusal="{reference} is already {status}.",
    ),
    "flex": Move(
        sources=OPEN_STATUSES,
        target=None,
        perm=PERM_APPROVE,
        doing="flex a county line",
        who="a supervisor",
        refusal="{reference} is {status}; only an open line can be flexed.",
    ),
}


def may(user: Any, line: CountyLine, move: str) -> bool:
    """Whether the page should offer the move: the user's permission and the line's status."""
    rule = MOVES[move]
    return user.has_perm(rule.perm) and line.status in rule.sources


def require_move(actor: Any, move: str) -> None:
    """Refuse (PermissionDenied) an actor whose role may not make the move: a page checks this
    before reading its form, so a refusal is a 403 whatever was typed."""
    rule = MOVES[move]
    require(actor, rule.perm, rule.doing, rule.who)


def _begin(actor: Any, line: CountyLine, move: str) -> CountyLine:
    """Check the permission, lock the line and check its current status allows the move."""
    rule = MOVES[move]
    require_move(actor, move)
    current = lock_line(actor, line)
    if current.status not in rule.sources:
        status = current.get_status_display().lower()
        raise ValidationError(
            {NON_FIELD_ERRORS: rule.refusal.format(reference=current.reference, status=status)}
        )
    return current


def _finish(
    actor: Any,
    current: CountyLine,
    move: str,
    *,
    on: datetime.date,
    values: dict[str, Any],
    reason: str = "",
) -> None:
    """Save the move's new status and values (version bumped, audited) and its history row."""
    from_status = current.status
    versioned_save(
        actor=actor, obj=current, values={"status": MOVES[move].target, **values}, reason=reason
    )
    record_status_change(
        actor=actor, line=current, from_status=from_status, effective_on=on, reason=reason
    )


@transaction.atomic
def line_activate(
    *, actor: Any, line: CountyLine, effective_on: datetime.date | None = None
) -> CountyLine:
    """Put a nominated line on the matrix: a supervisor's decision, only once all four
    definition criteria are evidenced."""
    current = _begin(actor, line, "activate")
    gaps = line_definition.gaps(current)
    if gaps:
        labels = ", ".join(gap.label for gap in gaps)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{current.reference} cannot go on the matrix yet: definition "
                f"evidence is missing for {labels}."
            }
        )
    on = effective_on or today()
    _finish(actor, current, "activate", on=on, values={"activated_on": on})
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current


@transaction.atomic
def line_dismantle(
    *, actor: Any, line: CountyLine, date: datetime.date | None, reason: str
) -> CountyLine:
    current = _begin(actor, line, "dismantle")
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = "Enter the date the line was dismantled."
    elif date < current.nominated_on:
        errors["date"] = (
            "The dismantling date cannot be before the nomination on "
            f"{current.nominated_on:%-d %B %Y}."
        )
    elif date > today():
        errors["date"] = "The dismantling date cannot be in the future."
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "Give the reason the line was dismantled."
    if errors:
        raise ValidationError(errors)
    _finish(
        actor,
        current,
        "dismantle",
        on=date,
        values={"closed_on": date, "closure_reason": text},
        reason=text,
    )
    # The line's phones stop with it, unless a number only started after that date.
    current.deal_lines.filter(active_to__isnull=True).exclude(active_from__gt=date).update(
        active_to=date
    )
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current


@transaction.atomic
def line_reject(*, actor: Any, line: CountyLine, reason: str) -> CountyLine:
    current = _begin(actor, line, "reject")
    text = clean_text(reason, "reason", "Give the reason the nomination is rejected.")
    on = today()
    _finish(
        actor,
        current,
        "reject",
        on=on,
        values={"closed_on": on, "closure_reason": text},
        reason=text,
    )
    return current


def _flex_values(
    current: CountyLine, target: Division | None, reason: str, on: datetime.date
) -> dict[str, Any]:
    """The line's flex fields after the flex: to `target`, or back home when it is None."""
    if target is None:
        if current.flexed_division_id is None:
            raise ValidationError({"division": "The line is not flexed: choose a division."})
        return {"flexed_division": None, "flex_reason": "", "flexed_on": None}
    errors: dict[str, str] = {}
    if target.pk == current.division_id:
        errors["division"] = (
            f"{target.name} is the line's home division; choose another division, or leave it "
            "empty to end a flex."
        )
    elif target.pk == current.flexed_division_id:
        errors["division"] = f"The line is already flexed to {target.name}."
    if not reason:
        errors["reason"] = "Give the reason for the flex."
    if errors:
        raise ValidationError(errors)
    return {"flexed_division": target, "flex_reason": reason, "flexed_on": on}


@transaction.atomic
def line_flex(
    *, actor: Any, line: CountyLine, division: Division | None, reason: str = ""
) -> CountyLine:
    """Move where a line is worked and ranked: to another division's CLGT or the Central CLGT.
    No division ends the flex and the line ranks in its home division again."""
    current = _begin(actor, line, "flex")
    on = today()
    text = (reason or "").strip()
    values = _flex_values(current, division, text, on)
    FlexPeriod.objects.filter(county_line=current, ended_on__isnull=True).update(ended_on=on)
    if division is not None:
        FlexPeriod.objects.create(
            county_line=current, division=division, reason=text, started_on=on, started_by=actor
        )
    versioned_save(actor=actor, obj=current, values=values, reason=text)
    # The line leaves one division's ranking and joins another's.
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current
