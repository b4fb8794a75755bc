"""Nominating a county line and editing its details and OCG link."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineDistrict, DealLine, LineNominal
from countylines.services.base import (
    PERM_ADD,
    PERM_CHANGE,
    UNSET,
    clean_text,
    lock_line,
    record_status_change,
    require,
)
from countylines.services.deal_lines import as_typed, clean_deal_numbers
from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, versioned_save
from kentsoc.dates import today
from kentsoc.org.models import District
from kentsoc.trh.choices import RankedSubject
from ocg.models import OCG, Nominal


class NominalInRole(TypedDict):
    """A nominal to link to a new line: their id and their line role."""

    nominal: int
    role: str


def clean_districts(ids: Sequence[int] | None) -> list[District]:
    """Importing districts in order (the first is primary); each a district of the force."""
    if not ids:
        raise ValidationError(
            {
                "importing_districts": "Choose at least one importing district "
                "(the first is primary)."
            }
        )
    unique: list[int] = []
    errors: list[str] = []
    for pk in ids:
        if pk in unique:
            errors.append(f"District {pk} is listed more than once.")
        else:
            unique.append(pk)
    # Central has no districts; a district of a central division would not be "in the force".
    found = {
        d.pk: d
        for d in District.objects.select_related("division").filter(
            pk__in=unique, division__is_central=False
        )
    }
    errors += [
        f"District {pk} is not a district of this force." for pk in unique if pk not in found
    ]
    if errors:
        raise ValidationError({"importing_districts": errors})
    return [found[pk] for pk in unique]


def _clean_nominals(actor: Any, entries: Iterable[NominalInRole]) -> list[tuple[Nominal, str]]:
    wanted: list[tuple[int, str]] = []
    errors: list[str] = []
    for entry in entries:
        pk, role = entry["nominal"], entry["role"]
        if role not in LineRole.values:
            errors.append(f"{role!r} is not a line role. Roles: {', '.join(LineRole.values)}.")
        elif (pk, role) in wanted:
            errors.append(f"Nominal {pk} is listed twice as {role}.")
        else:
            wanted.append((pk, role))
    visible = {
        n.pk: n for n in Nominal.objects.visible_to(actor).filter(pk__in=[p for p, _ in wanted])
    }
    errors += [f"Nominal {pk} does not exist." for pk, _ in wanted if pk not in visible]
    if errors:
        raise ValidationError({"nominals": errors})
    return [(visible[pk], role) for pk, role in wanted]


def _clean_ocg(actor: Any, pk: int | None, *, keep_id: int | None = None) -> OCG | None:
    if pk is None:
        return None
    # Only an OCG the actor may see can be linked (the line's current one may stay). A hidden one
    # gets the unknown-id message, so a refusal does not tell whether that id exists.
    ocgs = OCG.objects.all() if pk == keep_id else OCG.objects.visible_to(actor)
    ocg = ocgs.filter(pk=pk).first()
    if ocg is None:
        raise ValidationError({"ocg": f"OCG {pk} does not exist."})
    return ocg


def _add_districts(line: CountyLine, districts: Sequence[District]) -> None:
    """The line's importing districts in order; the first is primary."""
    CountyLineDistrict.objects.bulk_create(
        CountyLineDistrict(county_line=line, district=d, is_primary=i == 0, position=i)
        for i, d in enumerate(districts)
    )


def _clean_nominated_on(day: datetime.date | None) -> datetime.date:
    day = day or today()
    if day > today():
        raise ValidationError({"nominated_on": "The nomination date cannot be in the future."})
    return day


def _clean_all(checks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run every field's check, so one refusal names every field that is wrong, not only the
    first."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, clean in checks.items():
        try:
            cleaned[field] = clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def line_nominate(
    *,
    actor: Any,
    name: str,
    exporting_area: str,
    importing_districts: Sequence[int],
    deal_lines: Iterable[str],
    nominals: Iterable[NominalInRole] = (),
    ocg: int | None = None,
    nominated_on: datetime.date | None = None,
) -> CountyLine:
    require(actor, PERM_ADD, "nominate a county line", "CLGT officers and supervisors")
    deal_lines = list(deal_lines or ())  # read twice: cleaned, and kept as typed
    cleaned = _clean_all(
        {
            "name": lambda: clean_text(name, "name", "Enter the line's name (its brand)."),
            "exporting_area": lambda: clean_text(
                exporting_area, "exporting_area", "Enter the exporting area."
            ),
            "importing_districts": lambda: clean_districts(importing_districts),
            "deal_lines": lambda: clean_deal_numbers(deal_lines),
            "nominals": lambda: _clean_nominals(actor, nominals),
            "ocg": lambda: _clean_ocg(actor, ocg),
            "nominated_on": lambda: _clean_nominated_on(nominated_on),
        }
    )
    districts = cleaned["importing_districts"]
    line = CountyLine.objects.create(
        name=cleaned["name"],
        exporting_area=cleaned["exporting_area"],
        division=districts[0].division,
        ocg=cleaned["ocg"],
        nominated_on=cleaned["nominated_on"],
        status=LineStatus.NOMINATED,
        created_by=actor,
    )
    # The reference comes from the primary key, so two nominations at once cannot collide.
    line.reference = f"CL-{line.pk:04d}"
    line.save(update_fields=["reference"])
    _add_districts(line, districts)
    typed = as_typed(deal_lines)
    DealLine.objects.bulk_create(
        DealLine(
            county_line=line, number=n, as_typed=typed.get(n, ""), active_from=line.nominated_on
        )
        for n in cleaned["deal_lines"]
    )
    LineNominal.objects.bulk_create(
        LineNominal(county_line=line, nominal=n, role=role) for n, role in cleaned["nominals"]
    )
    record_status_change(
        actor=actor, line=line, from_status="", effective_on=line.nominated_on, reason=""
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=line,
        changes={
            "name": line.name,
            "exporting_area": line.exporting_area,
            "importing_districts": [d.pk for d in districts],
            "deal_lines": cleaned["deal_lines"],
            "nominals": [[n.pk, role] for n, role in cleaned["nominals"]],
            "ocg": line.ocg_id,
        },
    )
    return line


@transaction.atomic
def line_update(
    *,
    actor: Any,
    line: CountyLine,
    version: int | None,
    name: str = UNSET,
    exporting_area: str = UNSET,
    importing_districts: Sequence[int] = UNSET,
    handsets_seized: int = UNSET,
    review_date: datetime.date | None = UNSET,
    ocg: int | None = UNSET,
) -> CountyLine:
    """Edit a line's details. `version` is the one the editor loaded: a stale edit is refused
    rather than silently overwriting a colleague's change."""
    require(actor, PERM_CHANGE, "change a county line", "CLGT officers and supervisors")
    current = lock_line(actor, line, version=version, required=True)
    values: dict[str, Any] = {}
    if name is not UNSET:
        values["name"] = clean_text(name, "name", "Enter the line's name (its brand).")
    if exporting_area is not UNSET:
        values["exporting_area"] = clean_text(
            exporting_area, "exporting_area", "Enter the exporting area."
        )
    if handsets_seized is not UNSET:
        if handsets_seized is None or handsets_seized < 0:
            raise ValidationError({"handsets_seized": "Enter a whole number, 0 or more."})
        values["handsets_seized"] = handsets_seized
    if review_date is not UNSET:
        values["review_date"] = review_date
    if ocg is not UNSET:
        values["ocg"] = _clean_ocg(actor, ocg, keep_id=current.ocg_id)
    changes: dict[str, Any] = {}
    if importing_districts is not UNSET:
        districts = clean_districts(importing_districts)
        values["division"] = districts[0].division
        old_districts = list(current.line_districts.values_list("district_id", flat=True))
        if [d.pk for d in districts] != old_districts:
            changes["importing_districts"] = [old_districts, [d.pk for d in districts]]
            current.line_districts.all().delete()
            _add_districts(current, districts)
    changes = versioned_save(actor=actor, obj=current, values=values, changes=changes)
    # The division decides where the line ranks; the OCG link is a scoring factor.
    if {"division", "ocg"} & set(changes):
        broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current


@transaction.atomic
def line_set_ocg(*, actor: Any, line: CountyLine, ocg: int | None) -> CountyLine:
    require(actor, PERM_CHANGE, "link a county line to an OCG", "CLGT officers and supervisors")
    current = lock_line(actor, line)
    new_ocg = _clean_ocg(actor, ocg, keep_id=current.ocg_id)
    if versioned_save(actor=actor, obj=current, values={"ocg": new_ocg}):
        broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current
