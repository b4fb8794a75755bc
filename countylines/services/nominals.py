"""Nominals linked to a line in a role (runner, line holder ...)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from countylines.choices import LineRole
from countylines.models import CountyLine, LineNominal
from countylines.services.base import PERM_CHANGE, lock_line, require
from kentsoc import broker
from kentsoc.audit.services import versioned_save
from kentsoc.trh.choices import RankedSubject
from ocg.models import Nominal


@transaction.atomic
def line_add_nominal(
    *,
    actor: Any,
    line: CountyLine,
    nominal: int,
    role: str,
    from_date: datetime.date | None = None,
) -> LineNominal:
    require(actor, PERM_CHANGE, "link nominals to a county line", "CLGT officers and supervisors")
    errors: dict[str, str] = {}
    person = Nominal.objects.visible_to(actor).filter(pk=nominal).first()
    if person is None:
        errors["nominal"] = f"Nominal {nominal} does not exist."
    if role not in LineRole.values:
        errors["role"] = f"Choose a line role: {', '.join(LineRole.values)}."
    if errors:
        raise ValidationError(errors)
    current = lock_line(actor, line)
    if LineNominal.objects.filter(county_line=current, nominal=person, role=role).exists():
        raise ValidationError(
            {"nominal": f"{person.full_name} is already linked as {LineRole(role).label.lower()}."}
        )
    link = LineNominal.objects.create(
        county_line=current, nominal=person, role=role, from_date=from_date
    )
    versioned_save(
        actor=actor, obj=current, values={}, changes={"nominal_added": [person.pk, role]}
    )
    # Runners are a scoring factor; other roles cost nothing to rescore.
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return link


@transaction.atomic
def line_remove_nominal(
    *, actor: Any, line: CountyLine, link_id: int | None, reason: str = ""
) -> None:
    require(
        actor, PERM_CHANGE, "unlink nominals from a county line", "CLGT officers and supervisors"
    )
    current = lock_line(actor, line)
    link = LineNominal.objects.filter(county_line=current, pk=link_id).first()
    if link is None:
        raise ValidationError({"nominal": "That nominal is not linked to this line."})
    changes = {"nominal_removed": [link.nominal_id, link.role]}
    link.delete()
    versioned_save(actor=actor, obj=current, values={}, changes=changes, reason=reason)
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
