"""Nominating a county line and editing its details and OCG link."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineDistrict, DealLine, LineNominal
from countylines.services.base import (
    PERM_ADD,
    PERM_CHANGE,
    UNSET,
    as_date,
    as_id,
    clean_text,
    lock_line,
    record_status_change,
    require,
    today,
)
from countylines.services.deal_lines import clean_deal_numbers
from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, diff_fields
from kentsoc.org.models import District
from kentsoc.trh.choices import RankedSubject
from ocg.models import OCG, Nominal


def clean_districts(raw_ids: Sequence[Any] | None) -> list[District]:
    """Importing districts in order (the first is primary); each a district of the force."""
    if not raw_ids:
        raise ValidationError(
            {
                "importing_districts": "Choose at least one importing district "
                "(the first is primary)."
            }
        )
    ids: list[int] = []
    errors: list[str] = []
    for raw in raw_ids:
        pk = as_id(raw)
        if pk is None:
            errors.append(f"{raw!r} is not a district id.")
        elif pk in ids:
            errors.append(f"District {pk} is listed more than once.")
        else:
            ids.append(pk)
    # Central has no districts; a district of a central division would not be "in the force".
    found = {
        d.pk: d
        for d in District.objects.select_related("division").filter(
            pk__in=ids, division__is_central=False
        )
    }
    errors += [f"District {pk} is not a district of this force." for pk in ids if pk not in found]
    if errors:
        raise ValidationError({"importing_districts": errors})
    return [found[pk] for pk in ids]


def _clean_nominals(actor: Any, entries: Iterable[Mapping[str, Any]] | None) -> list[tuple]:
    wanted: list[tuple[int, str]] = []
    errors: list[str] = []
    for entry in entries or ():
        pk, role = as_id(entry.get("nominal")), entry.get("role")
        if pk is None:
            errors.append(f"{entry.get('nominal')!r} is not a nominal id.")
        elif role not in LineRole.values:
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


def _clean_ocg(actor: Any, value: Any, *, keep_id: int | None = None) -> Any:
    if value in (None, ""):
        return None
    pk = as_id(value)
    # Only an OCG the actor may see can be linked (the line's current one may stay). A hidden one
    # gets the unknown-id message, so a refusal does not tell whether that id exists.
    ocgs = OCG.objects.all() if pk is not None and pk == keep_id else OCG.objects.visible_to(actor)
    ocg = ocgs.filter(pk=pk).first() if pk is not None else None
    if ocg is None:
        raise ValidationError({"ocg": f"OCG {value} does not exist."})
    return ocg


@transaction.atomic
def line_nominate(
    *,
    actor: Any,
    name: str,
    exporting_area: str,
    importing_districts: Sequence[Any],
    deal_lines: Iterable[str],
    nominals: Iterable[Mapping[str, Any]] = (),
    ocg: Any = None,
    nominated_on: datetime.date | str | None = None,
) -> CountyLine:
    require(actor, PERM_ADD, "nominate a county line", "CLGT officers and supervisors")
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for field, clean in (
        ("name", lambda: clean_text(name, "name", "Enter the line's name (its brand).")),
        (
            "exporting_area",
            lambda: clean_text(exporting_area, "exporting_area", "Enter the exporting area."),
        ),
        ("importing_districts", lambda: clean_districts(importing_districts)),
        ("deal_lines", lambda: clean_deal_numbers(deal_lines)),
        ("nominals", lambda: _clean_nominals(actor, nominals)),
        ("ocg", lambda: _clean_ocg(actor, ocg)),
        ("nominated_on", lambda: as_date(nominated_on, "nominated_on") or today()),
    ):
        try:
            cleaned[field] = clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "nominated_on" in cleaned and cleaned["nominated_on"] > today():
        errors["nominated_on"] = ["The nomination date cannot be in the future."]
    if errors:
        raise ValidationError(errors)

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
    CountyLineDistrict.objects.bulk_create(
        CountyLineDistrict(county_line=line, district=d, is_primary=i == 0, position=i)
        for i, d in enumerate(districts)
    )
    DealLine.objects.bulk_create(
        DealLine(county_line=line, number=n, active_from=line.nominated_on)
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
    version: Any,
    name: Any = UNSET,
    exporting_area: Any = UNSET,
    importing_districts: Any = UNSET,
    handsets_seized: Any = UNSET,
    review_date: Any = UNSET,
    ocg: Any = UNSET,
) -> CountyLine:
    """Edit a line's details. `version` is the one the editor loaded: a stale edit is refused
    rather than silently overwriting a colleague's change."""
    require(actor, PERM_CHANGE, "change a county line", "CLGT officers and supervisors")
    current = lock_line(actor, line)
    if as_id(version) is None:
        raise ValidationError({"version": "The version you edited is required."})
    if int(version) != current.version:
        raise ValidationError(
            {
                "version": "Someone else changed this line since you opened it "
                f"(you edited version {version}, it is now version {current.version}). "
                "Reload the line and make your change again."
            }
        )
    values: dict[str, Any] = {}
    if name is not UNSET:
        values["name"] = clean_text(name, "name", "Enter the line's name (its brand).")
    if exporting_area is not UNSET:
        values["exporting_area"] = clean_text(
            exporting_area, "exporting_area", "Enter the exporting area."
        )
    if handsets_seized is not UNSET:
        count = as_id(handsets_seized)
        if count is None or count < 0:
            raise ValidationError({"handsets_seized": "Enter a whole number, 0 or more."})
        values["handsets_seized"] = count
    if review_date is not UNSET:
        values["review_date"] = as_date(review_date, "review_date")
    if ocg is not UNSET:
        values["ocg"] = _clean_ocg(actor, ocg, keep_id=current.ocg_id)
    districts = None
    if importing_districts is not UNSET:
        districts = clean_districts(importing_districts)
        values["division"] = districts[0].division
    changes = diff_fields(current, values)
    old_districts = list(current.line_districts.values_list("district_id", flat=True))
    if districts is not None and [d.pk for d in districts] != old_districts:
        changes["importing_districts"] = [old_districts, [d.pk for d in districts]]
        current.line_districts.all().delete()
        CountyLineDistrict.objects.bulk_create(
            CountyLineDistrict(county_line=current, district=d, is_primary=i == 0, position=i)
            for i, d in enumerate(districts)
        )
    if not changes:
        return current
    for field, value in values.items():
        setattr(current, field, value)
    current.version += 1
    current.save(update_fields=[*values, "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=current, changes=changes)
    # The division decides where the line ranks; the OCG link is a scoring factor.
    if {"division", "ocg"} & set(changes):
        broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current


@transaction.atomic
def line_set_ocg(*, actor: Any, line: CountyLine, ocg: Any) -> CountyLine:
    require(actor, PERM_CHANGE, "link a county line to an OCG", "CLGT officers and supervisors")
    current = lock_line(actor, line)
    new_ocg = _clean_ocg(actor, ocg, keep_id=current.ocg_id)
    if current.ocg_id == (new_ocg.pk if new_ocg else None):
        return current
    changes = {"ocg": [current.ocg_id, new_ocg.pk if new_ocg else None]}
    current.ocg = new_ocg
    current.version += 1
    current.save(update_fields=["ocg", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=current, changes=changes)
    broker.mark_stale(CountyLine, [current.pk], subject_type=RankedSubject.COUNTY_LINE)
    return current
