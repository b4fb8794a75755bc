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
