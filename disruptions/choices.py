from django.db import models


class Strand(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


class Tactic(models.TextChoices):
    ARREST = "arrest", "Arrest"
    WARRANT = "warrant", "Warrant"
    CHARGE = "charge", "Charge"
    SEIZURE = "seizure", "Seizure"
    SCPO = "scpo", "SCPO"
    PRISON_CONDITIONS = "prison_conditions", "Prison conditions"
    LICENCE_CONDITIONS = "licence_conditions", "Licence conditions"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral"
    DEAL_LINE_CLOSURE = "deal_line_closure", "Deal-line closure"
    CLOSURE_ORDER = "closure_order", "Closure order"
    FINANCIAL_POCA = "financial_poca", "Financial / POCA"
    IMMIGRATION = "immigration", "Immigration"
    PARTNER_ACTION = "partner_action", "Partner action"
    OTHER = "other", "Other"


class ImpactGrade(models.TextChoices):
    MAJOR = "major", "Major"
    MODERATE = "moderate", "Moderate"
    MINOR = "minor", "Minor"
    NONE = "none", "None"
    NEGATIVE = "negative", "Negative"


class DisruptionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


# The author may still change these; a submitted or approved record is frozen.
EDITABLE_STATUSES = frozenset({DisruptionStatus.DRAFT, DisruptionStatus.RETURNED})


class WarrantPower(models.TextChoices):
    S18 = "s18", "PACE s.18"
    S32 = "s32", "PACE s.32"
    OTHER = "other", "Other (e.g. Misuse of Drugs Act warrant)"


class WeaponKind(models.TextChoices):
    BLADED = "bladed", "Bladed article"
    FIREARM = "firearm", "Firearm"
    AMMUNITION = "ammunition", "Ammunition"
    IMITATION_FIREARM = "imitation_firearm", "Imitation firearm"
    CORROSIVE = "corrosive", "Corrosive substance"
    BLUNT = "blunt", "Blunt instrument"
    OTHER = "other", "Other offensive weapon"


class DrugClass(models.TextChoices):
    A = "A", "Class A"
    B = "B", "Class B"
    C = "C", "Class C"


class DrugUnit(models.TextChoices):
    G = "g", "g"
    KG = "kg", "kg"
    ML = "ml", "ml"
    WRAPS = "wraps", "wraps"
    PLANTS = "plants", "plants"


class CourtOutcome(models.TextChoices):
    CUSTODIAL = "custodial", "Custodial sentence"
    NON_CUSTODIAL = "non_custodial", "Non-custodial sentence"
    ACQUITTED = "acquitted", "Acquitted / not guilty"
    DISCONTINUED = "discontinued", "Discontinued"


class NonCustodialKind(models.TextChoices):
    SUSPENDED = "suspended", "Suspended sentence order"
    COMMUNITY_ORDER = "community_order", "Community order"
    YOUTH_REHABILITATION = "youth_rehabilitation", "Youth rehabilitation order"
    FINE = "fine", "Fine"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
    ABSOLUTE_DISCHARGE = "absolute_discharge", "Absolute discharge"
