from django.db import models


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1 — reliable"
    UNTESTED = "2", "2 — untested"
    NOT_RELIABLE = "3", "3 — not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A — known directly to the source"
    CORROBORATED = "B", "B — known indirectly but corroborated"
    KNOWN_INDIRECTLY = "C", "C — known indirectly"
    NOT_KNOWN = "D", "D — not known"
    SUSPECTED_FALSE = "E", "E — suspected to be false"


class HandlingCode(models.TextChoices):
    PERMITTED = "P", "P — lawful sharing permitted"
    CONDITIONS = "C", "C — lawful sharing permitted with conditions"


class SubjectType(models.TextChoices):
    OCG = "ocg", "OCG"
    COUNTY_LINE = "county_line", "County line"


class OcgCriterion(models.TextChoices):
    TWO_OR_MORE_INDIVIDUALS = "two_or_more_individuals", "Two or more individuals"
    WORKING_TOGETHER = "working_together", "Working together"
    INTENT_AND_CAPABILITY = "intent_and_capability", "Intent and capability"
    SERIOUS_CRIME = "serious_crime", "Serious crime"
    CONTINUING_BASIS = "continuing_basis", "On a continuing basis"
    PLANNING_CONTROL_STRUCTURE = (
        "planning_control_structure",
        "Planning, control, coordination and structure",
    )


class CountyLineCriterion(models.TextChoices):
    EXPORTING_NETWORK = "exporting_network", "Exporting network"
    IMPORTING_AREA = "importing_area", "Importing area"
    DEAL_LINE = "deal_line", "Deal line"
    DRUG_SUPPLY = "drug_supply", "Drug supply"
