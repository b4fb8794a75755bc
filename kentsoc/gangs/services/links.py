"""A gang's links to the county lines it runs or supplies and the OCGs behind it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from countylines.models import CountyLine
from kentsoc.audit.services import versioned_save
from kentsoc.gangs.models import Gang
from kentsoc.gangs.services.base import PERM_CHANGE, lock_gang, require
from ocg.models import OCG

# field on Gang -> (model, what the officer calls it)
LINKS: dict[str, tuple[type, str]] = {
    "county_lines": (CountyLine, "county line"),
    "ocgs": (OCG, "OCG"),
}


def _check_kind(kind: str) -> tuple[type, str]:
    if kind not in LINKS:
        raise ValidationError({"kind": f"Link a county line or an OCG, not {kind!r}."})
    return LINKS[kind]


@transaction.atomic
def gang_link(*, actor: Any, gang: Gang, kind: str, target: int | None) -> Gang:
    """Link a county line (`kind="county_lines"`) or an OCG (`kind="ocgs"`) the actor may see."""
    require(actor, PERM_CHANGE, "link a gang to county lines and OCGs")
    model, noun = _check_kind(kind)
    found = model.objects.visible_to(actor).filter(pk=target).first() if target else None
    if found is None:
        raise ValidationError(
            {kind: f"Choose the {noun}." if target is None else f"{noun} {target} does not exist."}
        )
    current = lock_gang(actor, gang)
    related = getattr(current, kind)
    if related.filter(pk=found.pk).exists():
        raise ValidationError({kind: f"{found} is already linked to this gang."})
    related.add(found)
    versioned_save(
        actor=actor, obj=current, values={}, changes={f"{kind}_linked": [None, found.pk]}
    )
    return current


@transaction.atomic
def gang_unlink(*, actor: Any, gang: Gang, kind: str, target: int | None, reason: str = "") -> Gang:
    require(actor, PERM_CHANGE, "unlink a gang from county lines and OCGs")
    _model, noun = _check_kind(kind)
    current = lock_gang(actor, gang)
    related = getattr(current, kind)
    if target is None or not related.filter(pk=target).exists():
        raise ValidationError({kind: f"That {noun} is not linked to this gang."})
    related.remove(target)
    versioned_save(
        actor=actor,
        obj=current,
        values={},
        changes={f"{kind}_unlinked": [target, None]},
        reason=reason,
    )
    return current
