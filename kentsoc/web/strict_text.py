"""Text fields of the API take JSON strings only.

DRF's CharField quietly turns a number into text (`{"name": 0}` saves an operation named "0").
The schema says string, and a number where a name, summary or reason belongs is a client's mistake
that should be refused, not stored. One rule for every CharField (and its subclasses) the API reads.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

_drf_to_internal_value = serializers.CharField.to_internal_value


def _strict_to_internal_value(self: serializers.CharField, data: Any) -> str:
    if not isinstance(data, str):
        self.fail("invalid")
    return _drf_to_internal_value(self, data)


def install() -> None:
    serializers.CharField.to_internal_value = _strict_to_internal_value
