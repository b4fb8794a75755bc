"""The matrix's vocabulary, shared by the subjects, intelligence and the engine above them.

Plain str enums whose members carry a label: models take `choices()` and `values()` from them as
from Django's TextChoices, while this leaf imports nothing but the standard library.
"""

from __future__ import annotations

from enum import StrEnum


class _Choices(StrEnum):
    label: str

    def __new__(cls, value: str, label: str) -> _Choices:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class Confidence(_Choices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class RankedSubject(_Choices):
    COUNTY_LINE = "county_line", "County line"
    OCG = "ocg", "OCG"


# The partition name of the force-wide OCG ranking; divisional rankings use the division code.
FORCE_PARTITION = "FORCE"

# Records graded source 3 (not reliable) or assessment E (suspected false) are kept and shown but
# never add to a score. The codes are those of kentsoc.intel.choices' 3x5x2 grading.
UNSCORABLE_SOURCES = frozenset({"3"})
UNSCORABLE_ASSESSMENTS = frozenset({"E"})
