"""The matrix's vocabulary, shared by the subjects, intelligence and the engine above them."""

from django.db import models


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class RankedSubject(models.TextChoices):
    COUNTY_LINE = "county_line", "County line"
    OCG = "ocg", "OCG"


# The partition name of the force-wide OCG ranking; divisional rankings use the division code.
FORCE_PARTITION = "FORCE"

# Records graded source 3 (not reliable) or assessment E (suspected false) are kept and shown but
# never add to a score. The codes are those of kentsoc.intel.choices' 3x5x2 grading.
UNSCORABLE_SOURCES = frozenset({"3"})
UNSCORABLE_ASSESSMENTS = frozenset({"E"})
