"""A line's deal lines: the phone numbers its customers ring."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from countylines.models import CountyLine, DealLine
from countylines.phones import display_mobile, normalise_mobile
from countylines.services.base import PERM_CHANGE, lock_line, require
from kentsoc.audit.services import versioned_save
from kentsoc.dates import today

TYPED_LENGTH = DealLine._meta.get_field("as_typed").max_length


def as_typed(numbers: Iterable[str] | None) -> dict[str, str]:
    """Each stored form (07700900123) and the spelling the officer typed it in."""
    typed: dict[str, str] = {}
    for raw in numbers or ():
        number = normalise_mobile(raw.strip())
        if number is not None:
            typed.setdefault(number, raw.strip()[:TYPED_LENGTH])
    return typed


def clean_deal_numbers(numbers: Iterable[str] | None, *, required: bool = True) -> list[str]:
    """Numbers as typed, each a UK mobile number in some spelling, to their stored form."""
    cleaned: list[str] = []
    errors: list[str] = []
    for raw in numbers or ():
        text = raw.strip()
        if not text:
            continue
        number = normalise_mobile(text)
        if number is None:
            errors.append(
                f'"{text}" is not a UK mobile number: enter 11 digits starting 07, '
                "e.g. 07700 900123."
            )
        elif number in cleaned:
            errors.append(f"{display_mobile(number)} is entered more than once.")
        else:
            cleaned.append(number)
    if errors:
        raise ValidationError({"deal_lines": errors})
    if required and not cleaned:
        raise ValidationError({"deal_lines": "Enter at least one deal-line number."})
    return cleaned


@transaction.atomic
def line_add_deal_line(
    *,
    actor: Any,
    line: CountyLine,
    number: str,
    active_from: datetime.date | None = None,
) -> DealLine:
    """Add a deal line. A number already on another line is allowed (lines share and pass on
    handsets) and shown as a warning by `selectors.deal_line_warnings`."""
    require(actor, PERM_CHANGE, "add deal lines", "CLGT officers and supervisors")
    try:
        (normalised,) = clean_deal_numbers([number])
    except ValidationError as exc:
        raise ValidationError({"number": exc.message_dict["deal_lines"]}) from None
    current = lock_line(actor, line)
    if DealLine.objects.filter(county_line=current, number=normalised).exists():
        raise ValidationError(
            {"number": f"{display_mobile(normalised)} is already a deal line of this line."}
        )
    deal_line = DealLine.objects.create(
        county_line=current,
        number=normalised,
        as_typed=number.strip()[:TYPED_LENGTH],
        active_from=active_from or today(),
    )
    versioned_save(actor=actor, obj=current, values={}, changes={"deal_line_added": normalised})
    return deal_line
