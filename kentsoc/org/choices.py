from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "OCG coordinator"
    RESEARCHER = "researcher", "Researcher"
    LRO = "lro", "Lead Responsible Officer"
    CLGT_OFFICER = "clgt_officer", "CLGT officer"
    CLIO = "clio", "County Line Intervention Officer"
    SUPERVISOR = "supervisor", "Supervisor"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class TeamKind(models.TextChoices):
    SOC = "soc", "Serious Organised Crime (SCD)"
    OCGMU = "ocgmu", "OCG Management Unit"
    CLGT = "clgt", "County Lines & Gangs Team"
    CENTRAL_CLGT = "central_clgt", "Central CLGT"
    MLT = "mlt", "Money Laundering Team"
    MSHT = "msht", "Modern Slavery & Human Trafficking Team"
    FI = "fi", "Financial Investigation"
    NCA_ERSOU = "nca_ersou", "NCA / ERSOU"
    DIVISION_LOCAL = "division_local", "Division local team"
    # Shares intelligence force-wide; it works no case and never manages an OCG (DOMAIN.md).
    FIB = "fib", "Force Intelligence Bureau"
    # The administrators' own team: it manages users and reference data and works no cases.
    ADMINISTRATION = "administration", "Administration"


# Teams that manage OCGs for the Serious Crime Directorate, as opposed to a Division, in the
# order the force lists its adopting units (the "32 with SCD" broken down by unit).
SCD_UNITS = (TeamKind.SOC, TeamKind.MLT, TeamKind.MSHT, TeamKind.FI, TeamKind.NCA_ERSOU)
SCD_TEAM_KINDS = frozenset(SCD_UNITS)


def scd_by_unit(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(unit, label, OCGs) for each SCD unit, from counts by managing team kind."""
    return [(unit.value, unit.label, counts.get(unit.value, 0)) for unit in SCD_UNITS]


# Kinds of team that belong to exactly one division.
DIVISIONAL_TEAM_KINDS = frozenset({TeamKind.CLGT, TeamKind.DIVISION_LOCAL})


class Rank(models.TextChoices):
    PC = "PC", "Police Constable"
    DC = "DC", "Detective Constable"
    PS = "PS", "Police Sergeant"
    DS = "DS", "Detective Sergeant"
    INSP = "Insp", "Inspector"
    DI = "DI", "Detective Inspector"
    CI = "CI", "Chief Inspector"
    DCI = "DCI", "Detective Chief Inspector"
    SUPT = "Supt", "Superintendent"
    DSUPT = "DSupt", "Detective Superintendent"
    STAFF = "Staff", "Police staff"
