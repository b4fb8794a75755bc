"""What the disruption services share: counts and amounts as the edge parsed them, and raising
the collected field messages at once."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError


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
