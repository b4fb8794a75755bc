from django.db import models


class OcgStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    IN_DEVELOPMENT = "in_development", "In development"
    MAPPED = "mapped", "Mapped"
    ADOPTED = "adopted", "Adopted"
    DISMANTLED = "dismantled", "Dismantled"
    ARCHIVED = "archived", "Archived"
    REJECTED = "rejected", "Rejected"


# Statuses on the matrix: scored and ranked.
SCORED_OCG_STATUSES = frozenset({OcgStatus.MAPPED, OcgStatus.ADOPTED})
CLOSED_OCG_STATUSES = frozenset({OcgStatus.DISMANTLED, OcgStatus.ARCHIVED, OcgStatus.REJECTED})


class ClosingStatus(models.TextChoices):
    DISMANTLED = "dismantled", "Dismantled"
    ARCHIVED = "archived", "Archived"


class Criminality(models.TextChoices):
    DRUG_IMPORTATION = "drug_importation", "Drug importation"
    DRUG_SUPPLY = "drug_supply", "Drug supply"
    FIREARMS = "firearms", "Firearms"
    AGGRAVATED_BURGLARY = "aggravated_burglary", "Aggravated burglary"
    ATM_THEFT = "atm_theft", "ATM theft"
    ACQUISITIVE_CRIME = "acquisitive_crime", "Acquisitive crime"
    MONEY_LAUNDERING = "money_laundering", "Money laundering"
    MSHT = "msht", "Modern slavery & human trafficking"
    CSE = "cse", "Child sexual exploitation"
    FRAUD = "fraud", "Fraud"
    OIC = "organised_immigration_crime", "Organised immigration crime"
    CYBER = "cyber", "Cyber"
    OTHER = "other", "Other"


class CustodyStatus(models.TextChoices):
    AT_LIBERTY = "at_liberty", "At liberty"
    REMANDED = "remanded", "Remanded"
    IN_PRISON = "in_prison", "In prison"
    ON_LICENCE = "on_licence", "On licence"
    ABROAD = "abroad", "Abroad"
    DECEASED = "deceased", "Deceased"


class MembershipRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    LIEUTENANT = "lieutenant", "Lieutenant"
    MEMBER = "member", "Member"
    ENABLER = "enabler", "Enabler"
    ASSOCIATE = "associate", "Associate"


class PlanStrand(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


class PlanActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
