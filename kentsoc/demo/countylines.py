"""County lines for `seed_demo`: the seed page's county lines story on fictional lines.

With D the story's last day (see `kentsoc.demo.matrix.StoryCalendar` for the month-end
convention), `recompute_all --as-of` over these lines gives: 85 active lines at the end of "July
2020" and still two years before D; 37 active lines with a total TRH of 571 at the end of the
seed's July (31 Jul 2022 for D = 31 Oct 2022); 29 lines with TRH 365 at D (its October); and, day
by day in between, the matrix shrinking as lines are dismantled. Nothing writes those totals: they
come from real lines with dated status history and dated, graded intelligence.

How the totals are exact: each line on the matrix at a checkpoint has a fixed profile of factor
levels (claimed in full by its first record; later records claim a subset at the same levels,
so the maxima never move), a fixed number of runners, a link (or not) to an OCG that is on the
matrix throughout, and its newest record placed a set number of days before the checkpoint, so
the recency band is known (≤ 28 days: 2 points, ≤ 90: 1). Its total at the checkpoint is then
exactly the planned one; the plan's totals add up to the seed's. Records graded 3 or E (kept,
never scored) sometimes claim higher levels, as unreliable reports do.

Also: CHASE, the seed's line from Edgware into Canterbury, dismantled 24 days after nomination;
two flexed lines (one to the Central CLGT); nominated and rejected lines; safeguarding records.
Every line is made through the services, so history, audit trail and stale-marking are real.
Idempotent: a brand that already exists is left alone. Names and numbers (07700 900xxx) are
invented.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange, FlexPeriod
from countylines.services.lifecycle import line_activate, line_dismantle, line_flex, line_reject
from countylines.services.lines import line_nominate
from countylines.services.people import person_at_risk_create, referral_create
from kentsoc.demo.matrix import StoryCalendar
from kentsoc.intel.choices import CountyLineCriterion
from kentsoc.intel.services.evidence import evidence_add
from kentsoc.intel.services.records import intelligence_create
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.models import District, Division, Officer
from kentsoc.trh.factors import COUNTY_LINE_FACTORS
from ocg.choices import OcgStatus
from ocg.models import OCG
from ocg.services.nominals import nominal_create

BRANDS = [
    "BLAZE", "VIPER", "ZOOM", "ACE", "TANGO", "DEXTER", "SKY", "RICO", "MANNY", "KENZO",
    "BIGZ", "JOKER", "LUCKY", "GHOST", "STORM", "TITAN", "NOVA", "RAVEN", "COBRA", "FLASH",
    "SNOOP", "JAY", "BOLT", "ROCKY", "CHICO", "MARLEY", "DIAMOND", "SPIKE", "FROSTY", "KING",
    "PRINCE", "ECHO", "LIMA", "ORBIT", "PHANTOM", "RIPPLE", "MILO", "OZZY", "REX", "BANDO",
    "TOKYO", "MAMBA", "WOLF", "DRAGON", "BOSS", "SPIDER", "JUNIOR", "TANK", "GUCCI", "RAMBO",
    "CASH", "SHADOW", "NIKE", "ZED", "BULLET", "MONEY", "SNOW", "TIGER", "ROCKET", "AMIGO",
    "BRUNO", "CAPO", "DEMON", "EMPIRE", "FENDI", "GIZMO", "HUSTLE", "ICEY", "JUMBO", "KILO",
    "LEGEND", "MOJO", "NITRO", "OMEGA", "PABLO", "QUEST", "RUSH", "SONIC", "TURBO", "ULTRA",
    "VEGAS", "WIZZ", "XENO", "YARDIE", "ZORRO", "ALPHA", "BRAVO", "CHARLIE", "DELTA", "FOXTROT",
    "GOLF", "HOTEL", "INDIA", "JULIET", "LOCO", "MIKE", "OSCAR", "PAPA", "ROMEO", "SIERRA",
    "UNIFORM", "VICTOR", "WHISKEY", "YANKEE", "ZULU", "ASTRO", "BLITZ", "CRUZ", "DUKE", "ELVIS",
    "FURY", "GRIME", "HAVOC", "INKY", "JINX", "KOBE",
]  # fmt: skip
BOROUGHS = [
    "Lambeth", "Southwark", "Croydon", "Hackney", "Lewisham", "Brent", "Newham",
    "Tower Hamlets", "Haringey", "Islington", "Greenwich", "Enfield", "Camden", "Waltham Forest",
]  # fmt: skip
FIRST = ["Jayden", "Tyler", "Kai", "Reece", "Mason", "Leon", "Callum", "Dion", "Ashton", "Rio"]
LAST = ["Ambrose", "Blackwood", "Carrow", "Denholm", "Eastleigh", "Fenwick", "Garside", "Holt"]
SCORABLE = [("1", "A"), ("1", "B"), ("2", "A"), ("2", "B"), ("2", "C"), ("1", "C")]
UNSCORABLE = [("3", "C"), ("1", "E")]
# Harm and threat factors, then what is left of a line's points goes to drug class and activity.
SHAPING_FACTORS = [
    "child_exploitation",
    "vulnerable_adult_exploitation",
    "cuckooing",
    "violence",
    "weapons",
]
SETTINGS = ["Fictional Academy", "Example Pupil Referral Unit", "Invented College", ""]
STORY_BRAND = "CHASE"

# Totals on the matrix at the end of July (the 37 lines) and at D (29): 571 and 365.
# The twelve dismantled between the two checkpoints were the highest-scoring lines in July.
DISMANTLED_AFTER_JULY = [26, 25, 24, 23, 22, 21, 20, 20, 19, 18, 17, 16]  # 251
CONTINUING_JULY = [19, 18, 17, 16, 16, 15, 15, 14, 14, 14, 13, 13, 13, 13,
                   12, 12, 11, 11, 11, 10, 10, 9, 9, 8, 7]  # fmt: skip  # 320
# Of the continuing lines, these positions have their newest record 35-85 days before D
# (recency 1), the rest within 28 days (recency 2): 10 lines one point lower at D.
RECENCY_ONE_AT_END = {1, 3, 5, 8, 10, 13, 16, 19, 21, 23}
NEW_SINCE_JULY = [17, 14, 13, 11]  # activated after July, on the matrix at D: 55
# Continuing lines active since before two years back, and lines dismantled after July that were.
SURVIVORS_CONTINUING = 14
SURVIVORS_DISMANTLED = 6
OLD_LINES = 65  # on the matrix two years before D, dismantled before July: 65 + 20 = 85
NOMINATED_LINES = 4


@dataclass
class LinePlan:
    brand: str
    kind: str  # continuing / dismantled_after_july / new / old / chase / nominated / rejected
    nominated_on: datetime.date
    activated_on: datetime.date | None = None
    dismantled_on: datetime.date | None = None
    total_july: int | None = None
    total_end: int | None = None
    # (date, whether it claims the full profile or repeats part of it) of each scorable record
    records: list[tuple[datetime.date, bool]] = field(default_factory=list)
    flex: str = ""  # "central" or "division"


def plan_totals() -> tuple[int, int, int, int]:
    """(lines, TRH) in July and at D by the plan: what the snapshots must read."""
    july = DISMANTLED_AFTER_JULY + CONTINUING_JULY
    end = [
        t - (1 if i in RECENCY_ONE_AT_END else 0) for i, t in enumerate(CONTINUING_JULY)
    ] + NEW_SINCE_JULY
    return len(july), sum(july), len(end), sum(end)


def _plans(story: StoryCalendar) -> list[LinePlan]:
    """Every line of the story, in a fixed order; dates relative to the story's fixed points."""
    # The 85 lines of "July 2020" are all still on the matrix two years before D (the day the
    # dashboard compares with); the lines that replaced them came on after that day.
    july, end, two_years = story.july, story.end, story.two_years_before
    long_ago = story.july_2020 - datetime.timedelta(days=130)  # on the matrix by July 2020
    rng = random.Random("countylines-plan")
    days = datetime.timedelta
    plans: list[LinePlan] = []
    brands = iter(BRANDS)

    def long_lived() -> tuple[datetime.date, datetime.date]:
        activated = long_ago - days(rng.randint(0, 400))
        return activated - days(rng.randint(10, 30)), activated

    def before_july() -> tuple[datetime.date, bool]:
        # Newest record 2-25 days before July: 2 recency points then.
        return july - days(rng.randint(2, 25)), False

    # The 37 lines on the matrix in July.
    for i, total in enumerate(CONTINUING_JULY):
        if i < SURVIVORS_CONTINUING:
            nominated, activated = long_lived()
        else:
            activated = july - days(rng.randint(30, 600))
            activated = max(activated, two_years + days(1 + i))
            nominated = activated - days(rng.randint(10, 30))
        recency_one = i in RECENCY_ONE_AT_END
        # At least six days before D, so the last days (after the last dismantling, at D - 5)
        # already read 29 / 365 rather than climbing to it.
        newest = end - days(rng.randint(35, 85) if recency_one else rng.randint(6, 25))
        middle = july + (newest - july) / 2
        records = [(activated, True), before_july(), (middle, False), (newest, False)]
        total_end = total - (1 if recency_one else 0)
        flex = "central" if i == 2 else "division" if i == 6 else ""
        plans.append(
            LinePlan(next(brands), "continuing", nominated, activated, None, total, total_end,
                     records, flex)
        )  # fmt: skip
    step = (end - days(5) - july).days / len(DISMANTLED_AFTER_JULY)
    for i, total in enumerate(DISMANTLED_AFTER_JULY):
        if i < SURVIVORS_DISMANTLED:
            nominated, activated = long_lived()
        else:
            activated = max(july - days(rng.randint(30, 400)), two_years + days(40 + i))
            nominated = activated - days(rng.randint(10, 30))
        dismantled = july + days(int(step * (i + 1)))
        records = [(activated, True), before_july()]
        if (dismantled - july).days > 20:
            records.append((july + days(rng.randint(5, (dismantled - july).days - 5)), False))
        plans.append(
            LinePlan(next(brands), "dismantled_after_july", nominated, activated, dismantled,
                     total, None, records)
        )  # fmt: skip
    # Activated since July, still on the matrix at D.
    for i, total in enumerate(NEW_SINCE_JULY):
        nominated = july + days(5 + 18 * i)
        activated = nominated + days(rng.randint(5, 12))
        records = [(nominated + days(2), True), (end - days(rng.randint(6, 20)), False)]
        plans.append(
            LinePlan(next(brands), "new", nominated, activated, None, None, total, records)
        )
    # On the matrix two years before D, dismantled one by one before July.
    step = (july - days(3) - two_years).days / OLD_LINES
    for i in range(OLD_LINES):
        nominated, activated = long_lived()
        dismantled = two_years + days(int(step * (i + 1)))
        records = [(activated, True), (dismantled - days(rng.randint(20, 120)), False)]
        plans.append(
            LinePlan(next(brands), "old", nominated, activated, dismantled, records=records)
        )
    # The seed's line: identified, on the matrix within days, dismantled within a month.
    chase_nominated = end - days(40)
    plans.append(
        LinePlan(
            STORY_BRAND,
            "chase",
            chase_nominated,
            chase_nominated + days(4),
            chase_nominated + days(24),
            records=[(chase_nominated + days(1), True), (chase_nominated + days(15), False)],
        )
    )
    for i in range(NOMINATED_LINES):
        nominated = end - days(3 + 9 * i)
        plans.append(LinePlan(next(brands), "nominated", nominated, records=[(nominated, True)]))
    plans.append(
        LinePlan(next(brands), "rejected", end - days(70), records=[(end - days(69), True)])
    )
    return plans


def _profile(points: int, rng: random.Random) -> dict[str, int]:
    """Factor levels whose points add up to exactly `points` (1..29), drug class always claimed."""
    levels: dict[str, int] = {}
    remaining = points
    order = rng.sample(SHAPING_FACTORS, len(SHAPING_FACTORS))
    while remaining > 6:
        for code in order:
            table = COUNTY_LINE_FACTORS[code].points
            level = levels.get(code, 0)
            if level + 1 < len(table) and remaining - (table[level + 1] - table[level]) >= 1:
                remaining -= table[level + 1] - table[level]
                levels[code] = level + 1
                if remaining <= 6:
                    break
    drug = rng.choice([d for d in (1, 2, 3) if 0 <= remaining - d <= 3])
    levels["drug_class"] = drug
    if remaining - drug:
        levels["line_activity"] = remaining - drug
    return levels


@dataclass(frozen=True)
class Cast:
    clgt: dict[int, Any]  # division id -> a CLGT officer of that division
    supervisor: Any
    # division id -> a CLIO of that division: a child's record is kept by the CLIOs of the
    # division the line is worked in.
    clio: dict[int, Any]


def _cast() -> Cast | None:
    officers = Officer.objects.select_related("user", "team")
    clgt = {}
    for officer in officers.filter(role=Role.CLGT_OFFICER, team__kind=TeamKind.CLGT):
        clgt.setdefault(officer.team.division_id, officer.user)
    supervisor = officers.filter(role=Role.SUPERVISOR).first()
    clio = {}
    for officer in officers.filter(role=Role.CLIO).order_by("pk"):
        clio.setdefault(officer.division_id or officer.team.division_id, officer.user)
    if not clgt or supervisor is None or not clio:
        return None
    return Cast(clgt=clgt, supervisor=supervisor.user, clio=clio)


def _nominals(actor: Any, rng: random.Random, runners: int) -> list[dict[str, Any]]:
    people = [{"role": "line_holder"}] + [{"role": "runner"} for _ in range(runners)]
    for person in people:
        born = datetime.date(rng.randint(1988, 2006), rng.randint(1, 12), rng.randint(1, 28))
        created = nominal_create(
            actor=actor,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            date_of_birth=born,
        )
        person["nominal"] = created.nominal.pk
    return people


def _intelligence(
    actor: Any, line: CountyLine, plan: LinePlan, profile: dict[str, int], rng: random.Random
) -> list[Any]:
    def record(on: datetime.date, claims: dict[str, int], grading: tuple[str, str]) -> Any:
        return intelligence_create(
            actor=actor,
            rms_reference=f"ATH-{rng.randint(100000, 999999)}",
            information_date=on,
            summary=f"Fictional report on {line.name}'s activity in its importing area.",
            source_evaluation=grading[0],
            intelligence_assessment=grading[1],
            handling_code="P",
            county_lines=[line.pk],
            factor_claims=[{"factor": f, "level": lvl} for f, lvl in claims.items()],
        )

    records = []
    for on, full in plan.records:
        if full:
            claims = profile
        else:  # a later report repeats some of what is known, never more
            codes = rng.sample(sorted(profile), min(len(profile), rng.randint(1, 2)))
            claims = {code: profile[code] for code in codes}
        records.append(record(on, claims, rng.choice(SCORABLE)))
    if profile and rng.random() < 0.3:
        # An unreliable report claiming more than is known: shown, never scored.
        code = rng.choice(["child_exploitation", "weapons", "violence"])
        top = COUNTY_LINE_FACTORS[code].max_level
        records.append(record(plan.records[0][0], {code: top}, rng.choice(UNSCORABLE)))
    return records


def _evidence(actor: Any, line: CountyLine, records: list[Any], skip: int = 0) -> None:
    texts = {
        CountyLineCriterion.EXPORTING_NETWORK: f"Network run from {line.exporting_area}.",
        CountyLineCriterion.IMPORTING_AREA: "Drugs supplied into the importing district(s).",
        CountyLineCriterion.DEAL_LINE: "Bulk marketing texts sent from the deal line.",
        CountyLineCriterion.DRUG_SUPPLY: "Test purchases of class A drugs.",
    }
    for criterion, text in list(texts.items())[: len(texts) - skip]:
        evidence_add(
            actor=actor,
            county_line=line,
            criterion=criterion,
            text=text,
            # The first report is graded to count: every line criterion needs one behind it.
            records=[records[0].pk],
        )


def _safeguarding(cast: Cast, line: CountyLine, rng: random.Random, on: datetime.date) -> None:
    clio = cast.clio.get(line.division_id)
    if clio is None:
        return
    for n in range(rng.randint(1, 2)):
        child = n == 0
        person = person_at_risk_create(
            actor=clio,
            county_line=line,
            name=f"{rng.choice(['Sam', 'Alex', 'Jo', 'Charlie'])} {rng.choice(LAST)} (pseudonym)",
            kind="child" if child else "vulnerable_adult",
            age_band=rng.choice(["12_14", "15_17"]) if child else rng.choice(["25_39", "40_plus"]),
            setting=rng.choice(SETTINGS) if child else "Supported housing (fictional)",
            engagement_status=rng.choice(["engaging", "partially_engaging", "not_yet_contacted"]),
            notes="Fictional demo record.",
        )
        agency = "mcet" if child else "partner"
        referral_create(
            actor=clio,
            person=person,
            agency=agency,
            partner_name="" if child else "Adult social care (fictional)",
            referred_on=on,
            outcome="Strategy meeting held; support plan agreed." if rng.random() < 0.6 else "",
            outcome_on=on + datetime.timedelta(days=7) if rng.random() < 0.6 else None,
        )


def _shape(plan: LinePlan, rng: random.Random, ocg_linked: bool) -> tuple[dict[str, int], int]:
    """(factor levels, runners) giving the planned total at each checkpoint."""
    total = plan.total_july if plan.total_july is not None else plan.total_end
    if total is None:  # off the matrix at both checkpoints: any plausible profile
        return _profile(rng.randint(4, 20), rng), rng.randint(0, 3)
    # Recency is 2 at the checkpoint the planned total describes (July if on the matrix then).
    fixed = 2 + (2 if ocg_linked else 0)
    runners = max(0, min(3, rng.randint(0, 3), total - fixed - 3))
    return _profile(total - fixed - runners, rng), runners


def _seed_line(
    index: int,
    plan: LinePlan,
    cast: Cast,
    districts: list[District],
    rng: random.Random,
    ocgs: list[Any],
    story: StoryCalendar,
) -> CountyLine:
    if plan.brand == STORY_BRAND:
        primary = next((d for d in districts if d.code == "CAN"), districts[0])
        exporting = "Barnet (Edgware)"
    else:
        primary = districts[index % len(districts)]
        exporting = BOROUGHS[index % len(BOROUGHS)]
    others = [d for d in rng.sample(districts, 2) if d != primary][: rng.randint(0, 1)]
    officer = cast.clgt.get(primary.division_id) or next(iter(cast.clgt.values()))
    on_matrix = plan.total_july is not None or plan.total_end is not None
    ocg = ocgs[index % len(ocgs)] if ocgs and on_matrix and index % 5 == 0 else None
    profile, runners = _shape(plan, rng, ocg is not None)
    numbers = [f"07700 900{index * 3:03d}"] + (
        [f"07700 900{index * 3 + 1:03d}"] if rng.random() < 0.4 else []
    )
    if plan.kind == "nominated" and index % 2:
        numbers.append("07700 900000")  # shared with BLAZE's handset: flagged on both lines
    line = line_nominate(
        actor=officer,
        name=plan.brand,
        exporting_area=exporting,
        importing_districts=[primary.pk, *[d.pk for d in others]],
        deal_lines=numbers,
        nominals=_nominals(officer, rng, runners=runners),
        ocg=ocg.pk if ocg else None,
        nominated_on=plan.nominated_on,
    )
    if plan.kind == "rejected":
        line_reject(actor=cast.supervisor, line=line, reason="Local dealing, not a county line.")
        # Decided during the story, not on the day the demo runs.
        rejected_on = plan.nominated_on + datetime.timedelta(days=12)
        CountyLineStatusChange.objects.filter(
            county_line=line, to_status=LineStatus.REJECTED
        ).update(effective_on=rejected_on)
        CountyLine.objects.filter(pk=line.pk).update(closed_on=rejected_on)
        return line
    records = _intelligence(officer, line, plan, profile, rng)
    if plan.kind == "nominated":
        _evidence(officer, line, records, skip=index % 3)
        return line
    _evidence(officer, line, records)
    line_activate(actor=cast.supervisor, line=line, effective_on=plan.activated_on)
    if plan.dismantled_on is not None:
        reason = (
            "Line holder charged with three offences and remanded, on communications data alone."
            if plan.brand == STORY_BRAND
            else "Line holder arrested and charged; deal line closed."
        )
        line_dismantle(actor=officer, line=line, date=plan.dismantled_on, reason=reason)
    if plan.flex:
        target = (
            Division.objects.filter(is_central=True).first()
            if plan.flex == "central"
            else Division.objects.filter(is_central=False).exclude(pk=line.division_id).first()
        )
        if target is not None:
            line_flex(
                actor=cast.supervisor,
                line=line,
                division=target,
                reason="Cross-border supply: worked by another CLGT.",
            )
            # The flex was decided during the story, not on the day the demo runs.
            flexed_on = story.days_before(60)
            FlexPeriod.objects.filter(county_line=line).update(started_on=flexed_on)
            CountyLine.objects.filter(pk=line.pk).update(flexed_on=flexed_on)
    if plan.kind in ("continuing", "new") and index % 6 == 1:
        _safeguarding(cast, line, rng, plan.activated_on + datetime.timedelta(days=5))
    return line


def seed(stdout: TextIO, story_end: datetime.date) -> None:
    story = StoryCalendar(story_end)
    cast = _cast()
    districts = list(District.objects.filter(division__is_central=False).order_by("code"))
    if cast is None or not districts:
        stdout.write("  county lines: skipped (no demo force or officers)\n")
        return
    # Lines score `ocg_link` from their OCG's status on the day: link only OCGs on the matrix
    # from before July to the end, so the link's two points hold at both checkpoints.
    ocgs = list(
        OCG.objects.filter(status=OcgStatus.ADOPTED, mapped_on__lt=story.july).order_by("id")
    )
    plans = _plans(story)
    existing = set(
        CountyLine.objects.filter(name__in=[p.brand for p in plans]).values_list("name", flat=True)
    )
    made = 0
    # One transaction: all or nothing, and one commit rather than one per line.
    with transaction.atomic():
        for index, plan in enumerate(plans):
            if plan.brand in existing:
                continue
            # Each line draws from its own seed: reproducible, and unaffected by lines skipped.
            line_rng = random.Random(f"{plan.brand}-{index}")
            _seed_line(index, plan, cast, districts, line_rng, ocgs, story)
            made += 1
    lines_july, trh_july, lines_end, trh_end = plan_totals()
    stdout.write(
        f"  county lines: {made} created, {len(plans)} demo lines in all; planned "
        f"{lines_july} lines / TRH {trh_july} on {story.july}, "
        f"{lines_end} / {trh_end} on {story.end}\n"
    )
