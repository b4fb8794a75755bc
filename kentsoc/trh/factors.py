"""The TRH matrix factor tables from DOMAIN.md, as plain data.

Scoring, validation of factor claims, forms and the explain view all read these tables, so the
rules exist once. Changing a table means a new MATRIX_VERSION.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTY_LINE_MATRIX_VERSION = "CL-2022.1"
OCG_MATRIX_VERSION = "OCG-2022.1"

THREAT, RISK, HARM = "threat", "risk", "harm"


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    part: str  # threat / risk / harm
    points: tuple[int, ...]  # points[level]; level 0 is always 0 points
    levels: tuple[str, ...]  # description of each level, same length as points
    from_data: bool = False  # set from the record's own data, never claimed by intelligence

    @property
    def max_level(self) -> int:
        return len(self.points) - 1


def _weighted(code: str, label: str, part: str, weight: int, levels: tuple[str, ...]) -> Factor:
    return Factor(code, label, part, tuple(level * weight for level in range(4)), levels)


_OCG_LEVELS = ("none", "low", "medium", "high")

COUNTY_LINE_FACTORS: dict[str, Factor] = {
    f.code: f
    for f in (
        Factor(
            "child_exploitation",
            "Child exploitation",
            HARM,
            (0, 3, 6),
            ("none", "suspected", "confirmed"),
        ),
        Factor(
            "vulnerable_adult_exploitation",
            "Vulnerable adult exploitation",
            HARM,
            (0, 2, 4),
            ("none", "suspected", "confirmed"),
        ),
        Factor("cuckooing", "Cuckooing", HARM, (0, 3), ("none", "cuckooing")),
        Factor(
            "violence",
            "Violence",
            THREAT,
            (0, 1, 3, 5),
            ("none", "threats", "assault", "serious violence"),
        ),
        Factor("weapons", "Weapons", THREAT, (0, 2, 5), ("none", "bladed", "firearm")),
        Factor(
            "drug_class",
            "Drug class",
            RISK,
            (0, 1, 2, 3),
            ("none", "class B/C", "class A", "multiple class A"),
        ),
        Factor(
            "line_activity", "Line activity", RISK, (0, 1, 2, 3), ("none", "low", "medium", "high")
        ),
        Factor(
            "runners",
            "Runners",
            RISK,
            (0, 1, 2, 3),
            ("none", "1 runner", "2 runners", "3 or more runners"),
            from_data=True,
        ),
        Factor(
            "ocg_link",
            "Link to a mapped OCG",
            THREAT,
            (0, 2),
            ("none", "linked to a mapped or adopted OCG"),
            from_data=True,
        ),
        Factor(
            "recency",
            "Recency of intelligence",
            RISK,
            (0, 1, 2),
            ("older than 90 days", "within 90 days", "within 28 days"),
            from_data=True,
        ),
    )
}

OCG_FACTORS: dict[str, Factor] = {
    f.code: f
    for f in (
        _weighted("violence", "Violence", THREAT, 3, _OCG_LEVELS),
        _weighted("firearms", "Firearms", THREAT, 3, _OCG_LEVELS),
        _weighted("corruption", "Corruption", THREAT, 2, _OCG_LEVELS),
        _weighted("sophistication", "Sophistication", THREAT, 2, _OCG_LEVELS),
        _weighted("financial_capability", "Financial capability", THREAT, 2, _OCG_LEVELS),
        _weighted("criminal_tempo", "Criminal tempo", RISK, 2, _OCG_LEVELS),
        _weighted("expansion", "Expansion", RISK, 1, _OCG_LEVELS),
        Factor(
            "multiple_criminality",
            "Multiple criminality",
            RISK,
            (0, 1, 2, 3),
            ("one type", "two types", "three types", "four or more types"),
            from_data=True,
        ),
        _weighted(
            "exploitation_of_vulnerable", "Exploitation of the vulnerable", HARM, 3, _OCG_LEVELS
        ),
        _weighted("physical_harm", "Physical harm", HARM, 3, _OCG_LEVELS),
        _weighted("economic_harm", "Economic harm", HARM, 2, _OCG_LEVELS),
        _weighted("community_impact", "Community impact", HARM, 2, _OCG_LEVELS),
    )
}

OCG_TIER_THRESHOLDS = ((40, 1), (20, 2))  # total >= threshold -> tier; otherwise tier 3

RUNNERS_MAX_POINTS = 3
OCG_LINK_POINTS = 2
RECENCY_DAYS_HIGH = 28
RECENCY_DAYS_LOW = 90
TOP_N = 30


def claimable_factors(subject_type: str) -> dict[str, Factor]:
    """Factors an intelligence record may claim for a subject type ("county_line" or "ocg")."""
    table = COUNTY_LINE_FACTORS if subject_type == "county_line" else OCG_FACTORS
    return {code: f for code, f in table.items() if not f.from_data}


def factor_claim_error(code: str, level: int) -> str | None:
    """Why a claim (code, level) is valid for no subject type; None when some table allows it."""
    tables = [t for t in (claimable_factors("county_line"), claimable_factors("ocg")) if code in t]
    if not tables:
        known = sorted(set(claimable_factors("county_line")) | set(claimable_factors("ocg")))
        return f"Unknown factor {code!r}. Known factors: {', '.join(known)}."
    max_level = max(t[code].max_level for t in tables)
    if not 0 <= level <= max_level:
        return f"Level for {code!r} must be between 0 and {max_level}, not {level}."
    return None
