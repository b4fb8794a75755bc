"""Every write to a county line and its safeguarding records.

Each service checks the actor's permission, validates (raising ValidationError keyed by field, so
a page shows the message at the field and the API returns 400), writes in one transaction with its
audit row, and marks the line's score stale when what the matrix reads has changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from countylines.choices import (
    CHILD_AGE_BANDS,
    AgeBand,
    EngagementStatus,
    LineRole,
    LineStatus,
    PersonKind,
    ReferralAgency,
)
from countylines.models import (
    CountyLine,
    CountyLineDistrict,
    CountyLineStatusChange,
    DealLine,
    FlexPeriod,
    LineNominal,
    PersonAtRisk,
    SafeguardingReferral,
    child_lines_q,
    safeguarding_lines_q,
)
from countylines.phones import display_mobile, normalise_mobile
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, audit_update, diff_fields
from kentsoc.matrix.services import subjects_mark_stale
from kentsoc.org.models import District, Division
from kentsoc.org.scoping import access_for

PERM_ADD = "countylines.add_countyline"
PERM_CHANGE = "countylines.change_countyline"
PERM_APPROVE = "countylines.approve_countyline"
PERM_ADD_PERSON = "countylines.add_personatrisk"
PERM_CHANGE_PERSON = "countylines.change_personatrisk"
PERM_ADD_REFERRAL = "countylines.add_safeguardingreferral"
PERM_CHANGE_REFERRAL = "countylines.change_safeguardingreferral"

OPEN_STATUSES = frozenset({LineStatus.NOMINATED, LineStatus.ACTIVE})


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _require(actor: Any, perm: str, doing: str, who: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(f"Only {who} may {doing} (permission {perm} is missing).")


def _lock(actor: Any, line: CountyLine) -> CountyLine:
    """Re-read the line under a row lock: transitions decide on the current state, not the copy
    a page loaded minutes ago. A line the actor may not see is refused whatever their role."""
    if not CountyLine.objects.visible_to(actor).filter(pk=line.pk).exists():
        raise PermissionDenied("You may not see this county line.")
    return CountyLine.objects.select_for_update().get(pk=line.pk)


def _today() -> datetime.date:
    return timezone.localdate()


def _as_date(value: Any, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: f"{value!r} is not a date: use YYYY-MM-DD."})


def _as_id(value: Any) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _status_change(
    *, actor: Any, line: CountyLine, from_status: str, effective_on: datetime.date, reason: str
) -> None:
    CountyLineStatusChange.objects.create(
        county_line=line,
        from_status=from_status,
        to_status=line.status,
        effective_on=effective_on,
        reason=reason,
        changed_by=actor,
    )


# --- validation helpers -------------------------------------------------------------------------


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
        pk = _as_id(raw)
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


def clean_deal_numbers(raw_numbers: Iterable[Any] | None, *, required: bool = True) -> list[str]:
    numbers: list[str] = []
    errors: list[str] = []
    for raw in raw_numbers or ():
        text = str(raw).strip()
        if not text:
            continue
        number = normalise_mobile(text)
        if number is None:
            errors.append(
                f'"{text}" is not a UK mobile number: enter 11 digits starting 07, '
                "e.g. 07700 900123."
            )
        elif number in numbers:
            errors.append(f"{display_mobile(number)} is entered more than once.")
        else:
            numbers.append(number)
    if errors:
        raise ValidationError({"deal_lines": errors})
    if required and not numbers:
        raise ValidationError({"deal_lines": "Enter at least one deal-line number."})
    return numbers


def _clean_nominals(actor: Any, entries: Iterable[Mapping[str, Any]] | None) -> list[tuple]:
    from ocg.models import Nominal

    wanted: list[tuple[int, str]] = []
    errors: list[str] = []
    for entry in entries or ():
        pk, role = _as_id(entry.get("nominal")), entry.get("role")
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
    from ocg.models import OCG

    if value in (None, ""):
        return None
    pk = _as_id(value)
    # Only an OCG the actor may see can be linked (the line's current one may stay). A hidden one
    # gets the unknown-id message, so a refusal does not tell whether that id exists.
    ocgs = OCG.objects.all() if pk is not None and pk == keep_id else OCG.objects.visible_to(actor)
    ocg = ocgs.filter(pk=pk).first() if pk is not None else None
    if ocg is None:
        raise ValidationError({"ocg": f"OCG {value} does not exist."})
    return ocg


def _clean_text(value: Any, field: str, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def resolve_division(value: Any) -> Division | None:
    """A division by instance, id or code; None for empty (which ends a flex)."""
    if value in (None, ""):
        return None
    if isinstance(value, Division):
        return value
    pk = _as_id(value)
    division = (
        Division.objects.filter(pk=pk).first()
        if pk is not None
        else Division.objects.filter(code__iexact=str(value)).first()
    )
    if division is None:
        raise ValidationError({"division": f"There is no division {value!r}."})
    return division


def missing_criteria(line: CountyLine) -> list[str]:
    """Codes of the definition criteria not yet evidenced (INTEL decides what counts)."""
    from kentsoc.intel.selectors import definition_gaps

    return list(definition_gaps(county_line=line))


# --- county lines -------------------------------------------------------------------------------


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
    _require(actor, PERM_ADD, "nominate a county line", "CLGT officers and supervisors")
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for field, clean in (
        ("name", lambda: _clean_text(name, "name", "Enter the line's name (its brand).")),
        (
            "exporting_area",
            lambda: _clean_text(exporting_area, "exporting_area", "Enter the exporting area."),
        ),
        ("importing_districts", lambda: clean_districts(importing_districts)),
        ("deal_lines", lambda: clean_deal_numbers(deal_lines)),
        ("nominals", lambda: _clean_nominals(actor, nominals)),
        ("ocg", lambda: _clean_ocg(actor, ocg)),
        ("nominated_on", lambda: _as_date(nominated_on, "nominated_on") or _today()),
    ):
        try:
            cleaned[field] = clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "nominated_on" in cleaned and cleaned["nominated_on"] > _today():
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
    _status_change(
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
    _require(actor, PERM_CHANGE, "change a county line", "CLGT officers and supervisors")
    current = _lock(actor, line)
    if _as_id(version) is None:
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
        values["name"] = _clean_text(name, "name", "Enter the line's name (its brand).")
    if exporting_area is not UNSET:
        values["exporting_area"] = _clean_text(
            exporting_area, "exporting_area", "Enter the exporting area."
        )
    if handsets_seized is not UNSET:
        count = _as_id(handsets_seized)
        if count is None or count < 0:
            raise ValidationError({"handsets_seized": "Enter a whole number, 0 or more."})
        values["handsets_seized"] = count
    if review_date is not UNSET:
        values["review_date"] = _as_date(review_date, "review_date")
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
        subjects_mark_stale(county_line_ids=[current.pk])
    return current


@transaction.atomic
def line_set_ocg(*, actor: Any, line: CountyLine, ocg: Any) -> CountyLine:
    _require(actor, PERM_CHANGE, "link a county line to an OCG", "CLGT officers and supervisors")
    current = _lock(actor, line)
    new_ocg = _clean_ocg(actor, ocg, keep_id=current.ocg_id)
    if current.ocg_id == (new_ocg.pk if new_ocg else None):
        return current
    changes = {"ocg": [current.ocg_id, new_ocg.pk if new_ocg else None]}
    current.ocg = new_ocg
    current.version += 1
    current.save(update_fields=["ocg", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=current, changes=changes)
    subjects_mark_stale(county_line_ids=[current.pk])
    return current


@transaction.atomic
def line_add_nominal(
    *,
    actor: Any,
    line: CountyLine,
    nominal: Any,
    role: str,
    from_date: datetime.date | str | None = None,
) -> LineNominal:
    _require(actor, PERM_CHANGE, "link nominals to a county line", "CLGT officers and supervisors")
    errors: dict[str, str] = {}
    from ocg.models import Nominal

    pk = _as_id(nominal)
    person = Nominal.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if person is None:
        errors["nominal"] = f"Nominal {nominal} does not exist."
    if role not in LineRole.values:
        errors["role"] = f"Choose a line role: {', '.join(LineRole.values)}."
    if errors:
        raise ValidationError(errors)
    current = _lock(actor, line)
    if LineNominal.objects.filter(county_line=current, nominal=person, role=role).exists():
        raise ValidationError(
            {"nominal": f"{person.full_name} is already linked as {LineRole(role).label.lower()}."}
        )
    link = LineNominal.objects.create(
        county_line=current,
        nominal=person,
        role=role,
        from_date=_as_date(from_date, "from_date"),
    )
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"nominal_added": [person.pk, role]},
    )
    # Runners are a scoring factor; other roles cost nothing to rescore.
    subjects_mark_stale(county_line_ids=[current.pk])
    return link


@transaction.atomic
def line_remove_nominal(*, actor: Any, line: CountyLine, link_id: Any, reason: str = "") -> None:
    _require(
        actor, PERM_CHANGE, "unlink nominals from a county line", "CLGT officers and supervisors"
    )
    current = _lock(actor, line)
    link = LineNominal.objects.filter(county_line=current, pk=_as_id(link_id)).first()
    if link is None:
        raise ValidationError({"nominal": "That nominal is not linked to this line."})
    changes = {"nominal_removed": [link.nominal_id, link.role]}
    link.delete()
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=current, changes=changes, reason=reason
    )
    subjects_mark_stale(county_line_ids=[current.pk])


@transaction.atomic
def line_add_deal_line(
    *,
    actor: Any,
    line: CountyLine,
    number: str,
    active_from: datetime.date | str | None = None,
) -> DealLine:
    """Add a deal line. A number already on another line is allowed (lines share and pass on
    handsets) and shown as a warning by `selectors.deal_line_warnings`."""
    _require(actor, PERM_CHANGE, "add deal lines", "CLGT officers and supervisors")
    try:
        (normalised,) = clean_deal_numbers([number])
    except ValidationError as exc:
        raise ValidationError({"number": exc.message_dict["deal_lines"]})
    start = _as_date(active_from, "active_from")
    current = _lock(actor, line)
    if DealLine.objects.filter(county_line=current, number=normalised).exists():
        raise ValidationError(
            {"number": f"{display_mobile(normalised)} is already a deal line of this line."}
        )
    deal_line = DealLine.objects.create(
        county_line=current, number=normalised, active_from=start or _today()
    )
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=current, changes={"deal_line_added": normalised}
    )
    return deal_line


@transaction.atomic
def line_activate(
    *, actor: Any, line: CountyLine, effective_on: datetime.date | None = None
) -> CountyLine:
    """Put a nominated line on the matrix: a supervisor's decision, only once all four
    definition criteria are evidenced."""
    _require(actor, PERM_APPROVE, "put a county line on the matrix", "a supervisor")
    current = _lock(actor, line)
    if current.status != LineStatus.NOMINATED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Only a nominated line can be put on the matrix; "
                f"{current.reference} is {current.get_status_display().lower()}."
            }
        )
    gaps = missing_criteria(current)
    if gaps:
        from kentsoc.intel.choices import CountyLineCriterion

        labels = ", ".join(CountyLineCriterion(code).label for code in gaps)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{current.reference} cannot go on the matrix yet: definition "
                f"evidence is missing for {labels}."
            }
        )
    on = effective_on or _today()
    current.status = LineStatus.ACTIVE
    current.activated_on = on
    current.version += 1
    current.save(update_fields=["status", "activated_on", "version", "updated_at"])
    _status_change(
        actor=actor, line=current, from_status=LineStatus.NOMINATED, effective_on=on, reason=""
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [LineStatus.NOMINATED, LineStatus.ACTIVE], "activated_on": on},
    )
    subjects_mark_stale(county_line_ids=[current.pk])
    return current


@transaction.atomic
def line_dismantle(*, actor: Any, line: CountyLine, date: Any, reason: str) -> CountyLine:
    _require(actor, PERM_CHANGE, "dismantle a county line", "CLGT officers and supervisors")
    current = _lock(actor, line)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{current.reference} is already "
                f"{current.get_status_display().lower()}."
            }
        )
    errors: dict[str, str] = {}
    try:
        on = _as_date(date, "date")
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
    elif on is not None and on > _today():
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
    _status_change(
        actor=actor, line=current, from_status=from_status, effective_on=on, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [from_status, LineStatus.DISMANTLED], "closed_on": on},
        reason=reason.strip(),
    )
    subjects_mark_stale(county_line_ids=[current.pk])
    return current


@transaction.atomic
def line_reject(*, actor: Any, line: CountyLine, reason: str) -> CountyLine:
    _require(actor, PERM_APPROVE, "reject a county line nomination", "a supervisor")
    current = _lock(actor, line)
    if current.status != LineStatus.NOMINATED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Only a nomination can be rejected; {current.reference} is "
                f"{current.get_status_display().lower()}."
            }
        )
    text = _clean_text(reason, "reason", "Give the reason the nomination is rejected.")
    on = _today()
    current.status = LineStatus.REJECTED
    current.closed_on = on
    current.closure_reason = text
    current.version += 1
    current.save(update_fields=["status", "closed_on", "closure_reason", "version", "updated_at"])
    _status_change(
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
    _require(actor, PERM_APPROVE, "flex a county line", "a supervisor")
    target = resolve_division(division)
    current = _lock(actor, line)
    if current.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{current.reference} is "
                f"{current.get_status_display().lower()}; only an open line can be flexed."
            }
        )
    today = _today()
    text = (reason or "").strip()
    old_division_id = current.flexed_division_id
    if target is None:
        if old_division_id is None:
            raise ValidationError({"division": "The line is not flexed: choose a division."})
        FlexPeriod.objects.filter(county_line=current, ended_on__isnull=True).update(ended_on=today)
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
        FlexPeriod.objects.filter(county_line=current, ended_on__isnull=True).update(ended_on=today)
        FlexPeriod.objects.create(
            county_line=current, division=target, reason=text, started_on=today, started_by=actor
        )
        current.flexed_division = target
        current.flex_reason = text
        current.flexed_on = today
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
    subjects_mark_stale(county_line_ids=[current.pk])
    return current


# --- safeguarding -------------------------------------------------------------------------------

_PERSON_FIELDS = (
    "name",
    "kind",
    "age_band",
    "setting",
    "engagement_status",
    "notes",
    "review_date",
)


def _clean_person(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in values:
        cleaned["name"] = (values["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = "Enter the person's name or agreed pseudonym."
    if "kind" in values and values["kind"] not in PersonKind.values:
        errors["kind"] = "Choose child or vulnerable adult."
    if "age_band" in values and values["age_band"] not in AgeBand.values:
        errors["age_band"] = "Choose an age band."
    if "engagement_status" in values and values["engagement_status"] not in EngagementStatus.values:
        errors["engagement_status"] = "Choose an engagement status."
    kind, band = cleaned.get("kind"), cleaned.get("age_band")
    mismatch = kind and band and (kind == PersonKind.CHILD) != (band in CHILD_AGE_BANDS)
    if mismatch and "kind" not in errors and "age_band" not in errors:
        errors["age_band"] = (
            "A child's age band must be under 18."
            if kind == PersonKind.CHILD
            else "A vulnerable adult's age band must be 18 or over."
        )
    for field in ("setting", "notes"):
        if field in values:
            cleaned[field] = (values[field] or "").strip()
    if "review_date" in values:
        try:
            cleaned["review_date"] = _as_date(values["review_date"], "review_date")
        except ValidationError as exc:
            errors["review_date"] = exc.message_dict["review_date"][0]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_person_visible(actor: Any, person: PersonAtRisk) -> None:
    if not PersonAtRisk.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("You may not see this person's record.")


def _require_may_keep(actor: Any, line: CountyLine, kind: str) -> None:
    """A record may only be written where its writer may read it: a child's on a line worked in
    the CLIO's own division (models.child_lines_q), a vulnerable adult's by the adults' rule."""
    access = access_for(actor)
    rule_for = child_lines_q if kind == PersonKind.CHILD else safeguarding_lines_q
    rule = rule_for(access) if access is not None else None
    if rule is None or (rule and not CountyLine.objects.filter(rule, pk=line.pk).exists()):
        whose = "children" if kind == PersonKind.CHILD else "vulnerable adults"
        raise PermissionDenied(
            f"You may not keep records of {whose} at risk on {line.reference or 'this line'}: "
            "children's records belong to the CLIOs and supervisors of the division(s) the line "
            "is worked in."
        )


@transaction.atomic
def person_at_risk_create(
    *,
    actor: Any,
    county_line: CountyLine,
    name: str,
    kind: str,
    age_band: str,
    setting: str = "",
    engagement_status: str = EngagementStatus.NOT_YET_CONTACTED,
    notes: str = "",
    review_date: Any = None,
) -> PersonAtRisk:
    _require(actor, PERM_ADD_PERSON, "record people at risk", "CLIOs")
    cleaned = _clean_person(
        {
            "name": name,
            "kind": kind,
            "age_band": age_band,
            "setting": setting,
            "engagement_status": engagement_status,
            "notes": notes,
            "review_date": review_date,
        }
    )
    if not CountyLine.objects.visible_to(actor).filter(pk=county_line.pk).exists():
        raise PermissionDenied("You may not see this county line.")
    _require_may_keep(actor, county_line, cleaned["kind"])
    person = PersonAtRisk.objects.create(county_line=county_line, created_by=actor, **cleaned)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        changes={"county_line": county_line.pk, "kind": person.kind, "age_band": person.age_band},
    )
    return person


@transaction.atomic
def person_at_risk_update(
    *, actor: Any, person: PersonAtRisk, version: Any, **values: Any
) -> PersonAtRisk:
    _require(actor, PERM_CHANGE_PERSON, "change people at risk", "CLIOs")
    unknown = set(values) - set(_PERSON_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    _require_person_visible(actor, person)
    current = PersonAtRisk.objects.select_for_update().get(pk=person.pk)
    if _as_id(version) != current.version:
        raise ValidationError(
            {
                "version": "Someone else changed this record since you opened it "
                f"(it is now version {current.version}). Reload it and make your change again."
            }
        )
    merged = {f: getattr(current, f) for f in ("kind", "age_band")} | dict(values)
    cleaned = _clean_person(merged)
    # Re-classing an adult as a child narrows who may see the record: the writer must be one.
    _require_may_keep(actor, current.county_line, cleaned["kind"])
    audit_update(actor=actor, obj=current, values=cleaned)
    return current


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    person: PersonAtRisk,
    agency: str,
    referred_on: Any,
    partner_name: str = "",
    outcome: str = "",
    outcome_on: Any = None,
) -> SafeguardingReferral:
    _require(actor, PERM_ADD_REFERRAL, "record safeguarding referrals", "CLIOs")
    _require_person_visible(actor, person)
    errors: dict[str, str] = {}
    if agency not in ReferralAgency.values:
        errors["agency"] = "Choose MCET, children's services or a partner agency."
    partner = (partner_name or "").strip()
    if agency == ReferralAgency.PARTNER and not partner:
        errors["partner_name"] = "Name the partner agency."
    dates: dict[str, datetime.date | None] = {}
    for field, value in (("referred_on", referred_on), ("outcome_on", outcome_on)):
        try:
            dates[field] = _as_date(value, field)
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
    referred, decided = dates.get("referred_on"), dates.get("outcome_on")
    if referred is None and "referred_on" not in errors:
        errors["referred_on"] = "Enter the date of the referral."
    elif referred and referred > _today():
        errors["referred_on"] = "The referral date cannot be in the future."
    if referred and decided and decided < referred:
        errors["outcome_on"] = "The outcome date cannot be before the referral."
    if errors:
        raise ValidationError(errors)
    referral = SafeguardingReferral.objects.create(
        person=person,
        agency=agency,
        partner_name=partner if agency == ReferralAgency.PARTNER else "",
        referred_on=referred,
        outcome=(outcome or "").strip(),
        outcome_on=decided,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        changes={"person": person.pk, "agency": agency, "referred_on": referred},
    )
    return referral


@transaction.atomic
def referral_record_outcome(
    *, actor: Any, referral: SafeguardingReferral, outcome: str, outcome_on: Any
) -> SafeguardingReferral:
    _require(actor, PERM_CHANGE_REFERRAL, "record referral outcomes", "CLIOs")
    if not SafeguardingReferral.objects.visible_to(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied("You may not see this referral.")
    errors: dict[str, str] = {}
    text = (outcome or "").strip()
    if not text:
        errors["outcome"] = "Describe the outcome of the referral."
    try:
        decided = _as_date(outcome_on, "outcome_on")
    except ValidationError as exc:
        errors["outcome_on"] = exc.message_dict["outcome_on"][0]
        decided = None
    if decided is None and "outcome_on" not in errors:
        errors["outcome_on"] = "Enter the date of the outcome."
    elif decided and decided < referral.referred_on:
        errors["outcome_on"] = "The outcome date cannot be before the referral."
    elif decided and decided > _today():
        errors["outcome_on"] = "The outcome date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    changes = diff_fields(referral, {"outcome": text, "outcome_on": decided})
    referral.outcome, referral.outcome_on = text, decided
    referral.save(update_fields=["outcome", "outcome_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=referral, changes=changes)
    return referral
