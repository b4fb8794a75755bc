"""An OCG's life: nomination, development, submission for mapping, mapping, adoption, closure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kentsoc.audit.services import versioned_save
from kentsoc.dates import today
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import Force, Officer, Team
from kentsoc.org.scoping import in_serving_force
from ocg import definition as ocg_definition
from ocg.choices import OcgStatus
from ocg.models import OCG
from ocg.services.common import (
    PERM_ADD,
    PERM_APPROVE,
    PERM_CHANGE,
    clean_text,
    lock_ocg,
    mark_ocg_and_lines_stale,
    record_move,
    require_perm,
    require_visible_ocg,
)
from ocg.signals import adopted_by_regional_unit

# Units that may manage an adopted OCG (DOMAIN.md "Management").
MANAGING_TEAM_KINDS = frozenset(
    {
        TeamKind.SOC,
        TeamKind.DIVISION_LOCAL,
        TeamKind.MLT,
        TeamKind.MSHT,
        TeamKind.FI,
        TeamKind.NCA_ERSOU,
    }
)
CLOSING_STATUSES = frozenset({OcgStatus.DISMANTLED, OcgStatus.ARCHIVED})
_MANAGING_UNITS = (
    "a SOC, Division local, Money Laundering, MSHT, Financial Investigation or NCA/ERSOU"
)


def adoptable_teams() -> QuerySet[Team]:
    """The teams that may manage an adopted OCG: what the adopt form offers and all that
    `ocg_adopt` accepts (the CLGT, the OCGMU and the Force Intelligence Bureau are not among
    them)."""
    return Team.objects.filter(kind__in=sorted(MANAGING_TEAM_KINDS)).order_by("name")


def regional_units(force_id: int | None = None) -> QuerySet[Force]:
    """The regional units (NCA / ERSOU: another force with an NCA/ERSOU unit) an OCG adopted by
    a force's own NCA/ERSOU team may be given to, by a share (kentsoc.sharing). `force_id`: the
    adopting force (default: the signed-in officer's), which is never its own regional unit."""
    units = Team._base_manager.filter(kind=TeamKind.NCA_ERSOU).values("force_id")
    forces = Force._base_manager.filter(pk__in=units).order_by("name")
    if force_id is not None:
        return forces.exclude(pk=force_id)
    return forces.exclude(in_serving_force("pk"))


def lro_candidates() -> QuerySet[AbstractBaseUser]:
    """The officers who may be an adopted OCG's Lead Responsible Officer: active LROs of a team
    that may manage OCGs (an LRO answers for the group through their unit)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer__role=Role.LRO,
            officer__team__kind__in=sorted(MANAGING_TEAM_KINDS),
        )
        # During a request, the officer's own force's.
        .filter(in_serving_force("officer__team__force"))
        .select_related("officer", "officer__team")
        .order_by("last_name", "first_name")
    )


DEVELOPING_STATUSES = (OcgStatus.NOMINATED, OcgStatus.IN_DEVELOPMENT)


@dataclass(frozen=True)
class Move:
    """One move of an OCG's life: the statuses it starts from, whether it needs a submission
    waiting for a supervisor (True) or refuses one (False), and how a refusal names it."""

    starts_from: tuple[str, ...]
    doing: str
    submitted: bool | None = None


# The OCG's state machine in one place: the services refuse any move not allowed here, and the
# page offers only the moves allowed here (`can_move`).
MOVES = {
    "start_development": Move((OcgStatus.NOMINATED,), "moved into development"),
    "submit": Move(DEVELOPING_STATUSES, "submitted for mapping", submitted=False),
    "approve": Move((OcgStatus.IN_DEVELOPMENT,), "approved", submitted=True),
    "return": Move((OcgStatus.IN_DEVELOPMENT,), "returned", submitted=True),
    "adopt": Move((OcgStatus.MAPPED,), "adopted"),
    "close": Move((OcgStatus.MAPPED, OcgStatus.ADOPTED), "dismantled or archived"),
    "reject": Move(DEVELOPING_STATUSES, "rejected"),
}
# A move that ends a submission (approved, returned, rejected) clears it.
_NOT_SUBMITTED = {"mapping_submitted_at": None, "mapping_submitted_by": None}


def auto_start_development(actor: AbstractBaseUser, ocg: OCG) -> None:
    # The first piece of development work moves a nomination into development, so nobody has to
    # remember a separate click before researching it.
    if ocg.status == OcgStatus.NOMINATED:
        record_move(actor=actor, ocg=ocg, to=OcgStatus.IN_DEVELOPMENT, reason="Development started")


@transaction.atomic
def ocg_evidence_recorded(*, actor: AbstractBaseUser, ocg: OCG) -> None:
    """Definition evidence was recorded on the OCG (kentsoc.intel's evidence_add calls this in its
    transaction, for the page and the API alike): that is development work too."""
    auto_start_development(actor, lock_ocg(ocg))


def can_move(ocg: OCG, move: str) -> bool:
    """Whether the OCG's status allows `move` now (who may make it is the service's other check)."""
    rule = MOVES[move]
    submitted = ocg.mapping_submitted_at is not None
    return ocg.status in rule.starts_from and rule.submitted in (None, submitted)


def _refuse_unless_can(ocg: OCG, move: str) -> None:
    rule = MOVES[move]
    if rule.submitted and not can_move(ocg, move):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{ocg.reference} is not waiting for approval, so it cannot be "
                f"{rule.doing}: it must first be submitted for mapping."
            }
        )
    if ocg.status not in rule.starts_from:
        labels = " or ".join(OcgStatus(s).label.lower() for s in rule.starts_from)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"Only a {labels} OCG can be {rule.doing}; "
                f"{ocg.reference} is {ocg.get_status_display().lower()}."
            }
        )
    if rule.submitted is False and ocg.mapping_submitted_at is not None:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"{ocg.reference} is already waiting for a supervisor's approval."}
        )


@transaction.atomic
def ocg_start_development(*, actor: AbstractBaseUser, ocg: OCG) -> OCG:
    require_perm(
        actor, PERM_CHANGE, "develop OCGs", "OCG coordinators, researchers and supervisors"
    )
    require_visible_ocg(actor, ocg)
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "start_development")
    record_move(actor=actor, ocg=ocg, to=OcgStatus.IN_DEVELOPMENT, reason="Development started")
    return ocg


@transaction.atomic
def ocg_submit_for_mapping(*, actor: AbstractBaseUser, ocg: OCG) -> OCG:
    """Ask a supervisor to put the OCG on the matrix. Refused, naming what is missing, until every
    criterion of the definition is evidenced."""
    require_perm(
        actor,
        PERM_CHANGE,
        "submit OCGs for mapping",
        "OCG coordinators, researchers and supervisors",
    )
    require_visible_ocg(actor, ocg)
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "submit")
    missing = [gap.label for gap in ocg_definition.gaps(ocg)]
    if missing:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: "Cannot submit for mapping: definition evidence missing for "
                + ", ".join(missing)
                + "."
            }
        )
    auto_start_development(actor, ocg)
    versioned_save(
        actor=actor,
        obj=ocg,
        values={"mapping_submitted_at": timezone.now(), "mapping_submitted_by": actor},
        changes={"submitted_for_mapping": True},
    )
    return ocg


@transaction.atomic
def ocg_approve_mapping(*, actor: AbstractBaseUser, ocg: OCG) -> OCG:
    """A supervisor puts the OCG on the matrix: it becomes mapped and the worker scores it."""
    require_perm(actor, PERM_APPROVE, "approve mapping", "supervisors")
    require_visible_ocg(actor, ocg)
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "approve")
    # Evidence may have been withdrawn since the submission.
    missing = [gap.label for gap in ocg_definition.gaps(ocg)]
    if missing:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: "Cannot approve: definition evidence missing for "
                + ", ".join(missing)
                + "."
            }
        )
    record_move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.MAPPED,
        reason="Mapping approved",
        values={"mapped_on": today(), **_NOT_SUBMITTED},
    )
    mark_ocg_and_lines_stale(ocg)
    return ocg


@transaction.atomic
def ocg_return(*, actor: AbstractBaseUser, ocg: OCG, reason: str) -> OCG:
    """A supervisor sends a submission back for more development, saying why."""
    require_perm(actor, PERM_APPROVE, "return submissions", "supervisors")
    require_visible_ocg(actor, ocg)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the submission is returned."})
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "return")
    record_move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.IN_DEVELOPMENT,
        reason=f"Returned: {reason}",
        values=_NOT_SUBMITTED,
        changes={"returned": True},
    )
    return ocg


def _why_not_lro(user_id: int | None) -> str:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None or not user.is_active:
        return "Choose the Lead Responsible Officer."
    name = user.get_full_name() or user.get_username()
    officer = Officer.objects.filter(user=user).select_related("team").first()
    if officer is None or officer.role != Role.LRO:
        return f"{name} is not a Lead Responsible Officer."
    return (
        f"{name} is in {officer.team.name} ({officer.team.get_kind_display()}), a team without "
        f"permission to manage OCGs: choose an LRO of {_MANAGING_UNITS} team."
    )


@transaction.atomic
def ocg_adopt(
    *,
    actor: AbstractBaseUser,
    ocg: OCG,
    managing_team: int | None,
    lead_responsible_officer: int | None,
    regional_force: int | None = None,
) -> OCG:
    """A supervisor hands a mapped OCG to a managing unit and its Lead Responsible Officer.

    Adopted by the force's NCA/ERSOU team, it may be given to the regional unit that works it
    (`regional_force`, one of `regional_units`): kentsoc.sharing lends it to that force, approved
    by this adoption (DOMAIN.md: adoption needs a supervisor's approval, and only a supervisor
    of the owning force adopts its OCG: that is the owner's approval a share needs)."""
    require_perm(actor, PERM_APPROVE, "approve adoptions", "supervisors")
    require_visible_ocg(actor, ocg)
    errors: dict[str, list[str]] = {}
    # The OCG's own force's units and officers: a group is handed to another force only by a
    # share, never by adoption.
    force_id = ocg.division.force_id
    team = (
        adoptable_teams().filter(pk=managing_team, force_id=force_id).first()
        if managing_team
        else None
    )
    if team is None:
        refused = Team.objects.filter(pk=managing_team).first() if managing_team else None
        errors.setdefault("managing_team", []).append(
            f"{refused.name} ({refused.get_kind_display()}) cannot manage OCGs: choose "
            f"{_MANAGING_UNITS} team."
            if refused
            else "Choose the managing team."
        )
    lro = (
        lro_candidates()
        .filter(pk=lead_responsible_officer, officer__team__force_id=force_id)
        .first()
    )
    if lro is None:
        errors.setdefault("lead_responsible_officer", []).append(
            _why_not_lro(lead_responsible_officer)
        )
    unit = None
    if regional_force is not None:
        unit = regional_units(force_id).filter(pk=regional_force).first()
        if team is not None and team.kind != TeamKind.NCA_ERSOU:
            errors.setdefault("regional_force", []).append(
                "Only an OCG its NCA/ERSOU team adopts is given to a regional unit: choose "
                "the NCA/ERSOU team, or no regional unit."
            )
        elif unit is None:
            errors.setdefault("regional_force", []).append(
                "Choose a regional unit (another force's NCA/ERSOU unit), or none."
            )
    if errors:
        raise ValidationError(errors)
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "adopt")
    record_move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.ADOPTED,
        reason=f"Adopted by {team.name}; LRO {lro.get_full_name() or lro.get_username()}",
        values={"managing_team": team, "lead_responsible_officer": lro, "adopted_on": today()},
        changes={"managing_team": team.pk, "lead_responsible_officer": lro.pk},
    )
    mark_ocg_and_lines_stale(ocg)
    if unit is not None:
        adopted_by_regional_unit.send(sender=OCG, actor=actor, ocg=ocg, regional_force=unit)
    return ocg


@transaction.atomic
def ocg_close(
    *, actor: AbstractBaseUser, ocg: OCG, status: str, date: datetime.date | None, reason: str
) -> OCG:
    """Dismantle or archive a mapped or adopted OCG; it leaves the matrix."""
    require_perm(actor, PERM_APPROVE, "close OCGs", "supervisors")
    require_visible_ocg(actor, ocg)
    errors: dict[str, list[str]] = {}
    if status not in CLOSING_STATUSES:
        errors.setdefault("status", []).append("Choose dismantled or archived.")
    on = date
    if on is None:
        errors.setdefault("date", []).append("Enter the date it was closed.")
    elif on > today():
        errors.setdefault("date", []).append("The date cannot be in the future.")
    elif on < ocg.nominated_on:
        errors.setdefault("date", []).append(
            f"The date cannot be before the nomination ({ocg.nominated_on:%-d %b %Y})."
        )
    reason = clean_text(reason)
    if not reason:
        errors.setdefault("reason", []).append("Say why the OCG is closed.")
    if errors:
        raise ValidationError(errors)
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "close")
    record_move(
        actor=actor,
        ocg=ocg,
        to=status,
        reason=reason,
        effective_on=on,
        values={"closed_on": on, "closure_reason": reason},
    )
    mark_ocg_and_lines_stale(ocg)
    return ocg


@transaction.atomic
def ocg_reject(*, actor: AbstractBaseUser, ocg: OCG, reason: str) -> OCG:
    """Reject a nomination or a group in development: it does not meet the definition."""
    require_perm(actor, PERM_ADD, "reject nominations", "OCG coordinators and supervisors")
    require_visible_ocg(actor, ocg)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the nomination is rejected."})
    ocg = lock_ocg(ocg)
    _refuse_unless_can(ocg, "reject")
    record_move(
        actor=actor,
        ocg=ocg,
        to=OcgStatus.REJECTED,
        reason=reason,
        values={"closed_on": today(), "closure_reason": reason, **_NOT_SUBMITTED},
    )
    return ocg
