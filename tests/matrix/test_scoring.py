"""The TRH matrix tables of DOMAIN.md, row by row, plus properties that hold for any input."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentsoc.trh.scoring import (
    Claim,
    CountyLineInputs,
    OcgInputs,
    score_county_line,
    score_ocg,
)

TODAY = datetime.date(2026, 6, 30)
OLD = TODAY - datetime.timedelta(days=400)  # too old for recency points


def claim(factor, level, grade="2B", record_id=1, on=OLD, deleted=False):
    return Claim(record_id, factor, level, grade[0], grade[1], deleted, on)


def line(*claims, runners=0, ocg_mapped=False, as_of=TODAY):
    return score_county_line(
        CountyLineInputs(claims=tuple(claims), as_of=as_of, runners=runners, ocg_mapped=ocg_mapped)
    )


def ocg(*claims, criminality_types=1, as_of=TODAY):
    return score_ocg(
        OcgInputs(claims=tuple(claims), as_of=as_of, criminality_types=criminality_types)
    )


def entry(result, factor):
    (found,) = [e for e in result.breakdown if e["factor"] == factor]
    return found


COUNTY_LINE_ROWS = [
    # factor, level, points, part
    ("child_exploitation", 0, 0, "harm"),
    ("child_exploitation", 1, 3, "harm"),
    ("child_exploitation", 2, 6, "harm"),
    ("vulnerable_adult_exploitation", 0, 0, "harm"),
    ("vulnerable_adult_exploitation", 1, 2, "harm"),
    ("vulnerable_adult_exploitation", 2, 4, "harm"),
    ("cuckooing", 0, 0, "harm"),
    ("cuckooing", 1, 3, "harm"),
    ("violence", 0, 0, "threat"),
    ("violence", 1, 1, "threat"),
    ("violence", 2, 3, "threat"),
    ("violence", 3, 5, "threat"),
    ("weapons", 0, 0, "threat"),
    ("weapons", 1, 2, "threat"),
    ("weapons", 2, 5, "threat"),
    ("drug_class", 0, 0, "risk"),
    ("drug_class", 1, 1, "risk"),
    ("drug_class", 2, 2, "risk"),
    ("drug_class", 3, 3, "risk"),
    ("line_activity", 0, 0, "risk"),
    ("line_activity", 1, 1, "risk"),
    ("line_activity", 2, 2, "risk"),
    ("line_activity", 3, 3, "risk"),
]


@pytest.mark.parametrize(("factor", "level", "points", "part"), COUNTY_LINE_ROWS)
def test_county_line_factor_levels(factor, level, points, part):
    result = line(claim(factor, level))
    assert entry(result, factor)["level"] == level
    assert entry(result, factor)["points"] == points
    assert entry(result, factor)["part"] == part
    assert result.total == points
    assert getattr(result, part) == points
    assert result.matrix_version == "CL-2022.1"
    assert result.tier is None


@pytest.mark.parametrize(("runners", "points"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (9, 3)])
def test_runners_one_point_each_capped_at_three(runners, points):
    result = line(runners=runners)
    assert entry(result, "runners")["points"] == points
    assert result.risk == points


@pytest.mark.parametrize(("mapped", "points"), [(False, 0), (True, 2)])
def test_ocg_link_is_threat(mapped, points):
    result = line(ocg_mapped=mapped)
    assert entry(result, "ocg_link")["points"] == points
    assert result.threat == points


@pytest.mark.parametrize(
    ("age_days", "points"), [(0, 2), (28, 2), (29, 1), (90, 1), (91, 0), (500, 0)]
)
def test_recency_boundaries(age_days, points):
    on = TODAY - datetime.timedelta(days=age_days)
    result = line(claim(None, 0, record_id=7, on=on))
    assert entry(result, "recency")["points"] == points
    assert entry(result, "recency")["records"] == ([7] if points else [])
    assert result.risk == points
    assert result.newest_intelligence_on == on


def test_recency_ignores_unscorable_and_future_records():
    result = line(
        claim(None, 0, grade="3A", record_id=1, on=TODAY),
        claim(None, 0, grade="1E", record_id=2, on=TODAY),
        claim(None, 0, record_id=3, on=TODAY, deleted=True),
        claim("violence", 3, record_id=4, on=TODAY + datetime.timedelta(days=1)),
    )
    assert result.total == 0
    assert result.newest_intelligence_on is None


OCG_WEIGHTS = [
    ("violence", 3, "threat"),
    ("firearms", 3, "threat"),
    ("corruption", 2, "threat"),
    ("sophistication", 2, "threat"),
    ("financial_capability", 2, "threat"),
    ("criminal_tempo", 2, "risk"),
    ("expansion", 1, "risk"),
    ("exploitation_of_vulnerable", 3, "harm"),
    ("physical_harm", 3, "harm"),
    ("economic_harm", 2, "harm"),
    ("community_impact", 2, "harm"),
]


@pytest.mark.parametrize(
    ("factor", "weight", "part", "level"),
    [(f, w, p, level) for f, w, p in OCG_WEIGHTS for level in range(4)],
)
def test_ocg_factor_levels(factor, weight, part, level):
    result = ocg(claim(factor, level))
    assert entry(result, factor)["points"] == level * weight
    assert getattr(result, part) == level * weight
    assert result.total == level * weight
    assert result.matrix_version == "OCG-2022.1"


@pytest.mark.parametrize(("types", "points"), [(0, 0), (1, 0), (2, 1), (3, 2), (4, 3), (13, 3)])
def test_multiple_criminality_is_types_minus_one_capped(types, points):
    result = ocg(criminality_types=types)
    assert entry(result, "multiple_criminality")["points"] == points
    assert result.risk == points


@pytest.mark.parametrize(
    ("claims", "tier"),
    [
        # 19: violence 3 (9) + firearms 3 (9) + expansion 1 (1)
        ([("violence", 3), ("firearms", 3), ("expansion", 1)], 3),
        # 20: + expansion 2
        ([("violence", 3), ("firearms", 3), ("expansion", 2)], 2),
        # 39: 9 + 9 + 9 + 9 + 3 (expansion)
        (
            [
                ("violence", 3),
                ("firearms", 3),
                ("physical_harm", 3),
                ("exploitation_of_vulnerable", 3),
                ("expansion", 3),
            ],
            2,
        ),
        # 40: 9 + 9 + 9 + 9 + 2 (corruption 1) + 2 (expansion)
        (
            [
                ("violence", 3),
                ("firearms", 3),
                ("physical_harm", 3),
                ("exploitation_of_vulnerable", 3),
                ("corruption", 1),
                ("expansion", 2),
            ],
            1,
        ),
    ],
)
def test_tiers(claims, tier):
    result = ocg(*[claim(f, level, record_id=i) for i, (f, level) in enumerate(claims)])
    assert result.tier == tier
    assert result.total == {3: 19, 2: (20 if len(claims) == 3 else 39), 1: 40}[tier]


def test_highest_claim_wins_and_names_its_records():
    result = line(
        claim("violence", 1, record_id=1),
        claim("violence", 3, record_id=2),
        claim("violence", 3, record_id=5),
        claim("violence", 3, grade="3A", record_id=3),
        claim("violence", 3, grade="2E", record_id=4),
    )
    violence = entry(result, "violence")
    assert (violence["level"], violence["points"]) == (3, 5)
    assert violence["records"] == [2, 5]
    assert violence["unscorable_records"] == [3, 4]
    assert violence["level_label"] == "serious violence"


def test_unscorable_records_only_gives_zero():
    result = line(claim("weapons", 2, grade="3A"), claim("cuckooing", 1, deleted=True))
    assert result.total == 0
    assert result.confidence == "low"


@pytest.mark.parametrize(
    ("grades", "confidence"),
    [
        (["1A"], "high"),
        (["1B"], "high"),
        (["2A"], "high"),
        (["1C"], "medium"),
        (["2B"], "medium"),
        (["2C"], "medium"),
        (["1D"], "low"),
        (["2D"], "low"),
        (["2D", "1C"], "medium"),
        (["2C", "1A"], "high"),
        ([], "low"),
    ],
)
def test_confidence_from_supporting_records(grades, confidence):
    claims = [claim("drug_class", 2, grade=g, record_id=i) for i, g in enumerate(grades)]
    assert line(*claims).confidence == confidence


def test_confidence_ignores_records_that_set_no_level():
    # 1A says level 1 but a 2D record sets level 2: only the setter supports the score.
    result = line(claim("drug_class", 1, grade="1A", record_id=1), claim("drug_class", 2, "2D", 2))
    assert result.confidence == "low"
    # A 1A record claiming level 0 supports nothing either.
    assert line(claim("violence", 0, grade="1A")).confidence == "low"
    # Unscorable records never give confidence.
    assert line(claim("violence", 2, grade="3A")).confidence == "low"


def test_breakdown_has_every_factor_in_table_order():
    codes = [e["factor"] for e in line().breakdown]
    assert codes == [
        "child_exploitation",
        "vulnerable_adult_exploitation",
        "cuckooing",
        "violence",
        "weapons",
        "drug_class",
        "line_activity",
        "runners",
        "ocg_link",
        "recency",
    ]
    assert len(ocg().breakdown) == 12


def test_other_tables_factors_are_ignored():
    assert line(claim("firearms", 3)).total == 0
    assert ocg(claim("weapons", 2)).total == 0


# --- properties ---------------------------------------------------------------------------------

LINE_FACTORS = {
    "child_exploitation": 2,
    "violence": 3,
    "weapons": 2,
    "cuckooing": 1,
    "drug_class": 3,
    "line_activity": 3,
    "vulnerable_adult_exploitation": 2,
}
OCG_FACTOR_CODES = [f for f, _, _ in OCG_WEIGHTS]

grades = st.tuples(st.sampled_from("123"), st.sampled_from("ABCDE"))
dates = st.dates(min_value=TODAY - datetime.timedelta(days=200), max_value=TODAY)


@st.composite
def line_claims(draw, scorable=None):
    factor = draw(st.sampled_from(sorted(LINE_FACTORS) + [None]))
    level = draw(st.integers(0, LINE_FACTORS.get(factor, 0)))
    source, assessment = draw(grades)
    deleted = draw(st.booleans())
    if scorable is True:
        source, assessment, deleted = (
            draw(st.sampled_from("12")),
            draw(st.sampled_from("ABCD")),
            False,
        )
    if scorable is False:
        source, assessment = draw(st.sampled_from([("3", assessment), (source, "E")]))
    record_id = draw(st.integers(1, 50))
    return Claim(record_id, factor, level, source, assessment, deleted, draw(dates))


@st.composite
def ocg_claims(draw, scorable=None):
    factor = draw(st.sampled_from(OCG_FACTOR_CODES))
    source, assessment = ("1", "A") if scorable else draw(grades)
    if scorable is False:
        source = "3"
    return Claim(
        draw(st.integers(1, 50)),
        factor,
        draw(st.integers(0, 3)),
        source,
        assessment,
        False,
        draw(dates),
    )


def _parts(result):
    return (result.total, result.threat, result.risk, result.harm)


@given(
    st.lists(line_claims(), max_size=12),
    line_claims(scorable=True),
    st.integers(0, 5),
    st.booleans(),
)
def test_adding_a_scorable_claim_never_lowers_a_line_score(claims, extra, runners, mapped):
    before = line(*claims, runners=runners, ocg_mapped=mapped)
    after = line(*claims, extra, runners=runners, ocg_mapped=mapped)
    assert after.total >= before.total
    assert (after.threat, after.risk, after.harm) >= (0, 0, 0)
    assert after.threat >= before.threat and after.harm >= before.harm


@given(st.lists(ocg_claims(), max_size=12), ocg_claims(scorable=True), st.integers(0, 6))
def test_adding_a_scorable_claim_never_lowers_an_ocg_score(claims, extra, types):
    before = ocg(*claims, criminality_types=types)
    after = ocg(*claims, extra, criminality_types=types)
    assert after.total >= before.total
    assert after.tier <= before.tier


@given(st.lists(line_claims(), max_size=12), line_claims(scorable=False), st.integers(0, 5))
def test_an_unscorable_record_never_changes_a_line_score(claims, extra, runners):
    extra = Claim(
        999,
        *[
            getattr(extra, f)
            for f in (
                "factor",
                "level",
                "source_evaluation",
                "intelligence_assessment",
                "deleted",
                "information_date",
            )
        ],
    )
    before = line(*claims, runners=runners)
    after = line(*claims, extra, runners=runners)
    assert _parts(after) == _parts(before)
    assert after.confidence == before.confidence
    assert after.newest_intelligence_on == before.newest_intelligence_on


@given(st.lists(ocg_claims(), max_size=12), ocg_claims(scorable=False))
def test_an_unscorable_record_never_changes_an_ocg_score(claims, extra):
    extra = Claim(
        999,
        extra.factor,
        extra.level,
        "3",
        extra.intelligence_assessment,
        False,
        extra.information_date,
    )
    assert _parts(ocg(*claims, extra)) == _parts(ocg(*claims))


@given(st.lists(line_claims(), max_size=12), st.randoms())
def test_scores_are_deterministic_whatever_the_order(claims, rnd):
    shuffled = list(claims)
    rnd.shuffle(shuffled)
    assert line(*claims) == line(*claims)
    assert line(*claims).breakdown == line(*shuffled).breakdown
    assert _parts(line(*claims)) == _parts(line(*shuffled))


def test_unscorable_grades_are_grades_intelligence_can_record():
    # The scoring leaf names the grades as plain codes; they must stay codes of the 3x5x2 scale.
    from kentsoc.intel.choices import IntelligenceAssessment, SourceEvaluation
    from kentsoc.trh.choices import UNSCORABLE_ASSESSMENTS, UNSCORABLE_SOURCES

    assert {SourceEvaluation.NOT_RELIABLE} == UNSCORABLE_SOURCES
    assert {IntelligenceAssessment.SUSPECTED_FALSE} == UNSCORABLE_ASSESSMENTS
