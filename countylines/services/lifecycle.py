"""A line's lifecycle: on the matrix, dismantled or rejected, and flexed to another division."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from countylines.choices import LineStatus
from countylines.definition import line_definition
from countylines.models import CountyLine, FlexPeriod
from countylines.services.base import (
    OPEN_STATUSES,
    PERM_APPROVE,
    PERM_CHANGE,
    as_date,
    as_id,
    clean_text,
    lock_line,
    record_status_change,
    require,
    today,
)
from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.org.models import Division
from kentsoc.trh.choices import RankedSubject


def resolve_division(value: Any) -> Division | None:
    """A division by instance, id or code; None for empty (which ends a flex)."""
    if value in (None, ""):
        return None
    if isinstance(value, Division):
        return value
    pk = as_id(value)
    division = (
        Division.objects.filter(pk=pk).first()
        if pk is not None
        else Division.objects.filter(code__iexact=str(value)).first()
    )
    if division is None:
        raise ValidationError({"division": f"There is no division {value!r}."})
    return division


@transaction.atomic
def line_activate(
    *, actor: Any, line: CountyLine, effective_on: datetime.date | None = None
) -> CountyLine:
    """Put a nominated line on the matrix: a supervisor's decision, only once all four
    definition criteria are evidenced."""
    require(actor, PERM_APPROVE, "put a county line on the matrix", "a supervisor")
    current = lock_line(actor, line)
    if current.status != LineStatus.NOMINATED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Only a nominated line can be put on the matrix; "
                f"{current.reference} is {current.get_status_display().lower()}."
            }
        )
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
    current.status = LineStatus.ACTIVE
    current.activated_on = on
    current.version += 1
    current.save(update_fields=["status", "activated_on", "version", "updated_at"])
    record_status_change(
        actor=actor, line=current, from_status=LineStatus.NOMINATED, effective_on=on, reason=""
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [LineStatus.NOMINATED, LineStatus.ACTIVE], "activated_on": on},
    )
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current


@transaction.atomic
def line_dismantle(*, actor: Any, line: CountyLine, date: Any, reason: str) -> CountyLine:
    require(actor, PERM_CHANGE, "dismantle a county line", "CLGT officers and supervisors")
    current = lock_line(actor, line)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{current.reference} is already "
                f"{current.get_status_display().lower()}."
            }
        )
    errors: dict[str, str] = {}
    try:
        on = as_date(date, "date")
    except ValidationError as exc:
        errors.update({"date": exc.message_dict["date"][0]})
        on = None
    if on is None and "date" not in errors:
        errors["date"] = "Enter the date the line was dismantled."
    elif on is not None and on < current.nominated_on:
        errors["date"] = (
            "The dismantling date cannot be before the nomination on "
            f"{current.nominated_on:%d %B %Y}."
        )
    elif on is not None and on > today():
        errors["date"] = "The dismantling date cannot be in the future."
    if not (reason or "").strip():
        errors["reason"] = "Give the reason the line was dismantled."
    if errors:
        raise ValidationError(errors)
    from_status = current.status
    current.status = LineStatus.DISMANTLED
    current.closed_on = on
    current.closure_reason = reason.strip()
    current.version += 1
    current.save(update_fields=["status", "closed_on", "closure_reason", "version", "updated_at"])
    # The line's phones stop with it, unless a number only started after that date.
    current.deal_lines.filter(active_to__isnull=True).exclude(active_from__gt=on).update(
        active_to=on
    )
    record_status_change(
        actor=actor, line=current, from_status=from_status, effective_on=on, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [from_status, LineStatus.DISMANTLED], "closed_on": on},
        reason=reason.strip(),
    )
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current


@transaction.atomic
def line_reject(*, actor: Any, line: CountyLine, reason: str) -> CountyLine:
    require(actor, PERM_APPROVE, "reject a county line nomination", "a supervisor")
    current = lock_line(actor, line)
    if current.status != LineStatus.NOMINATED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Only a nomination can be rejected; {current.reference} is "
                f"{current.get_status_display().lower()}."
            }
        )
    text = clean_text(reason, "reason", "Give the reason the nomination is rejected.")
    on = today()
    current.status = LineStatus.REJECTED
    current.closed_on = on
    current.closure_reason = text
    current.version += 1
    current.save(update_fields=["status", "closed_on", "closure_reason", "version", "updated_at"])
    record_status_change(
        actor=actor, line=current, from_status=LineStatus.NOMINATED, effective_on=on, reason=text
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [LineStatus.NOMINATED, LineStatus.REJECTED]},
        reason=text,
    )
    return current


@transaction.atomic
def line_flex(*, actor: Any, line: CountyLine, division: Any, reason: str = "") -> CountyLine:
    """Move where a line is worked and ranked: to another division's CLGT or the Central CLGT.
    An empty division ends the flex and the line ranks in its home division again."""
    require(actor, PERM_APPROVE, "flex a county line", "a supervisor")
    target = resolve_division(division)
    current = lock_line(actor, line)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{current.reference} is "
                f"{current.get_status_display().lower()}; only an open line can be flexed."
            }
        )
    on = today()
    text = (reason or "").strip()
    old_division_id = current.flexed_division_id
    if target is None:
        if old_division_id is None:
            raise ValidationError({"division": "The line is not flexed: choose a division."})
        FlexPeriod.objects.filter(county_line=current, ended_on__isnull=True).update(ended_on=on)
        current.flexed_division = None
        current.flex_reason = ""
        current.flexed_on = None
    else:
        if target.pk == current.division_id:
            raise ValidationError(
                {
                    "division": f"{target.name} is the line's home division; choose another "
                    "division, or leave it empty to end a flex."
                }
            )
        if target.pk == old_division_id:
            raise ValidationError({"division": f"The line is already flexed to {target.name}."})
        if not text:
            raise ValidationError({"reason": "Give the reason for the flex."})
        FlexPeriod.objects.filter(county_line=current, ended_on__isnull=True).update(ended_on=on)
        FlexPeriod.objects.create(
            county_line=current, division=target, reason=text, started_on=on, started_by=actor
        )
        current.flexed_division = target
        current.flex_reason = text
        current.flexed_on = on
    current.version += 1
    current.save(
        update_fields=["flexed_division", "flex_reason", "flexed_on", "version", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"flexed_division": [old_division_id, target.pk if target else None]},
        reason=text,
    )
    # The line leaves one division's ranking and joins another's.
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current
