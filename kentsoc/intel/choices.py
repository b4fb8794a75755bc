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
    # The definition's last element names group decision-making with the structure (DOMAIN.md).
    PLANNING_CONTROL_STRUCTURE = (
        "planning_control_structure",
        "Planning, control, coordination, structure and group decision-making",
    )


class CountyLineCriterion(models.TextChoices):
    EXPORTING_NETWORK = "exporting_network", "Exporting network"
    IMPORTING_AREA = "importing_area", "Importing area"
    DEAL_LINE = "deal_line", "Deal line"
    DRUG_SUPPLY = "drug_supply", "Drug supply"


# What proves a criterion (DOMAIN.md). "Two or more individuals" is proven by the people linked
# to the OCG as current members, so text alone can neither meet nor replace it. Every other
# criterion is a claim about the group's or the line's criminal activity: it needs a graded
# intelligence record behind it, not an officer's word alone. A deal-line number or an importing
# district on a line's record is what the line is said to use, not evidence that it does, so no
# line criterion is met by the line's own fields.
PROVEN_BY_MEMBERS = frozenset({OcgCriterion.TWO_OR_MORE_INDIVIDUALS.value})
MIN_CURRENT_MEMBERS = 2

# What each criterion asks, under its label on the checklist.
CRITERION_HINTS = {
    OcgCriterion.TWO_OR_MORE_INDIVIDUALS: "Proven by the people linked to the OCG as current "
    "members: at least two.",
    OcgCriterion.WORKING_TOGETHER: "That the members act together: seen together, shared phones, "
    "vehicles or addresses.",
    OcgCriterion.INTENT_AND_CAPABILITY: "That they mean to commit serious crime and can: supply "
    "chain, weapons, money, vehicles.",
    OcgCriterion.SERIOUS_CRIME: "Which serious offences they commit, and what shows it.",
    OcgCriterion.CONTINUING_BASIS: "That the activity goes on over time, not a single offence.",
    OcgCriterion.PLANNING_CONTROL_STRUCTURE: "Elements of planning, control, coordination, "
    "structure and group decision-making: who directs whom, the roles, how decisions are made.",
    CountyLineCriterion.EXPORTING_NETWORK: "The gang or network exporting the drugs, and where "
    "it runs from.",
    CountyLineCriterion.IMPORTING_AREA: "That drugs go into the importing district(s): the line's "
    "record says where; this says what shows it.",
    CountyLineCriterion.DEAL_LINE: "That a dedicated phone line takes the orders: the line's "
    "record holds the numbers; this says what shows they are used (bulk texts, test purchases).",
    CountyLineCriterion.DRUG_SUPPLY: "Which drugs are supplied, and what shows it.",
}
