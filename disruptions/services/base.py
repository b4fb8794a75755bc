"""What the disruption services share: the status moves, counts and amounts as the edge parsed
them, and raising the collected field messages at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from disruptions.choices import EDITABLE_STATUSES, DisruptionStatus
from disruptions.models import Disruption


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str | None  # None: the status stays (a change of the record's content)
    refusal: str  # formatted with the disruption's {status}


_DECIDED = "This disruption is {status}; only a submitted disruption can be approved or returned."

# A disruption's life: which statuses each move starts from and where it leads. The services
# refuse by this table and the pages offer only what it allows (who may act is the services').
MOVES: dict[str, Move] = {
    "change": Move(
        EDITABLE_STATUSES,
        None,
        "This disruption is {status}; only a draft or a returned disruption can be changed.",
    ),
    "submit": Move(
        EDITABLE_STATUSES,
        DisruptionStatus.SUBMITTED,
        "This disruption is {status}; only a draft or a returned disruption can be submitted.",
    ),
    "approve": Move(frozenset({DisruptionStatus.SUBMITTED}), DisruptionStatus.APPROVED, _DECIDED),
    "return": Move(frozenset({DisruptionStatus.SUBMITTED}), DisruptionStatus.RETURNED, _DECIDED),
}


def allows(disruption: Disruption, move: str) -> bool:
    return disruption.status in MOVES[move].sources


def check_move(disruption: Disruption, move: str) -> str | None:
    """The status the move leads to; a ValidationError on `status` when the disruption's status
    does not allow it."""
    rule = MOVES[move]
    if disruption.status not in rule.sources:
        status = disruption.get_status_display().lower()
        raise ValidationError({"status": rule.refusal.format(status=status)})
    return rule.target


def whole_number(value: int | Decimal | None) -> int | None:
    """A count as the form or serializer parsed it; left out means 0. None when it is not a
    whole number."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def amount(value: int | Decimal | None) -> Decimal | None:
    """An amount as the form or serializer parsed it; left out means 0. None when it is not a
    finite number."""
    if value is None:
        return Decimal("0")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
