"""The seed page's story for the demo: `seed_demo --story-end DATE` calls `seed(stdout, story_end)`.

All CLGTs' APPROVED disruptions (the three divisional CLGTs and the Central CLGT) over the nine
months ending at story_end (first day of the month eight months before story_end's month, through
story_end) add up to exactly the force's table: Arrests 101, Prisoners dealt with 101, Warrants
executed 82, Charges-Total 145, Weapon Seizures 28 (seizures, not weapons), Sentences 106yrs 10
months. Of these the Central CLGT's own (it commenced with the period) are 30 arrests and 9yrs 4
months, and the "National County Lines Intensification Week" operation, worked by the divisional
CLGTs three weeks before the end (10-16 October 2022), is 25 lines targeted, 26 arrests, 30
charges and 10 handsets. They are many ordinary records (85 disruptions, 28 custodial court
results) drawn from a seeded random generator, so every run lays out the same story. Around them:
drafts, submitted and returned ones (which do not count), and a few approved ones just before the
period.

Everything is written through the services, so the audit trail and the approval rules hold for the
demo too. Re-running is harmless: if the operation exists the story is already there.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import CountyLine, CountyLineDistrict
from disruptions.choices import (
    CourtOutcome,
    DisruptionStatus,
    NonCustodialKind,
    Strand,
    Tactic,
    WeaponKind,
)
from disruptions.models import Disruption, Operation
from disruptions.services import approvals, court_results, operations
from disruptions.services import disruptions as disruption_services
from kentsoc.dashboard.charts import disruption_window
from kentsoc.dashboard.reports import nine_month_period
from kentsoc.dates import add_months
from kentsoc.demo.org import FORCE_CODE
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.roles import group_name
from ocg.choices import OcgStatus
from ocg.models import OCG, Nominal

OPERATION_NAME = "National County Lines Intensification Week"
# "CLGT activity so far": the three divisional CLGTs and the Central CLGT together.
TARGETS = {
    "arrests": 101,
    "prisoners_dealt_with": 101,
    "warrants_executed": 82,
    "charges": 145,
    "weapon_seizures": 28,  # seizures, not weapons
    "sentence_months": 106 * 12 + 10,
}
# The Central CLGT alone "arrested 30 suspects and had convictions to date of 9 years and 4
# months"; the rest of its figures are the demo's own.
CENTRAL = {
    "arrests": 30,
    "prisoners_dealt_with": 30,
    "warrants_executed": 20,
    "charges": 36,
    "weapon_seizures": 6,
    "sentence_months": 9 * 12 + 4,
}
CENTRAL_APPROVED = 20
DIVISIONAL_APPROVED = 40
CUSTODIAL_RESULTS = 28
CENTRAL_CUSTODIAL = 4
OPERATION = {"lines": 25, "arrests": 26, "charges": 30, "handsets": 10}
BTP_OPERATION = "Medway stations operation with British Transport Police"
STORY_LINE = "CHASE"  # the Edgware line into Canterbury (the county lines demo's)
MAIDSTONE = "Maidstone Crown Court"
CROWN_COURTS = [MAIDSTONE, "Canterbury Crown Court", "Woolwich Crown Court"]
MAGISTRATES = "Medway Magistrates' Court"
# The seed's named CLGT results, records inside the table's figures: (team, counts).
CHASE_CHARGE = {"arrests": 1, "prisoners_dealt_with": 1, "warrants_executed": 0, "charges": 3}
MEDWAY_CHARGES = {"arrests": 3, "prisoners_dealt_with": 3, "warrants_executed": 0, "charges": 3}
BTP_ARRESTS = {"arrests": 2, "prisoners_dealt_with": 2, "warrants_executed": 0, "charges": 0}
MAIDSTONE_WARRANT = {"arrests": 3, "prisoners_dealt_with": 3, "warrants_executed": 1, "charges": 3}
MAIDSTONE_SENTENCES = [48, 48, 48]  # three defendants, four years each
# The seed: "in the last 6 months, there have been a total of 72 OCG disruptions" (the dashboard's
# approved disruptions against OCGs in its six-month window), one group dismantled in September.
OCG_DISRUPTIONS = 72
STORY_OCG = "Greatness Lane Crew"

_FIRST = [
    "Jordan",
    "Kai",
    "Tyler",
    "Reece",
    "Callum",
    "Dwayne",
    "Marcus",
    "Leon",
    "Aaron",
    "Jamal",
    "Connor",
    "Liam",
    "Ashley",
    "Kieran",
    "Nathan",
    "Ryan",
    "Shane",
    "Dean",
    "Luke",
    "Mason",
]
_LAST = [
    "Ashdown",
    "Brookfield",
    "Carver",
    "Dunmore",
    "Elswick",
    "Fairhurst",
    "Garland",
    "Holloway",
    "Ingram",
    "Jessop",
    "Kingsley",
    "Lattimer",
    "Marlow",
    "Northcott",
    "Oakes",
    "Pendry",
    "Quarrie",
    "Radley",
    "Stanton",
    "Thorne",
    "Upfield",
    "Varley",
    "Whitlock",
    "Yardley",
]
_BRANDS = [
    "BLAZE",
    "VIPER",
    "KING",
    "GHOST",
    "ROCKET",
    "TIGER",
    "SNOW",
    "JAY",
    "MONEY",
    "FLASH",
    "DIAMOND",
    "ACE",
    "BULLET",
    "STORM",
    "ZED",
    "NIKE",
    "SHADOW",
    "CASH",
    "PRINCE",
    "RAMBO",
    "GUCCI",
    "TANK",
    "BANDO",
    "JUNIOR",
    "SPIDER",
    "WOLF",
    "DRAGON",
    "BOSS",
    "TOKYO",
    "MAMBA",
]
_BOROUGHS = ["Lambeth", "Southwark", "Lewisham", "Croydon", "Newham", "Hackney", "Greenwich"]
_NARRATIVES = {
    Tactic.WARRANT: "Warrant executed at an address linked to {brand}; occupants arrested.",
    Tactic.ARREST: "Line holder for {brand} arrested on a stop in the town centre.",
    Tactic.CHARGE: "Suspects linked to {brand} charged after the file went to the CPS.",
    Tactic.SEIZURE: "Vehicle stop on a runner for {brand}: drugs and cash seized.",
    Tactic.SAFEGUARDING_REFERRAL: "Child found at a cuckooed address used by {brand}; referred.",
    Tactic.DEAL_LINE_CLOSURE: "Deal line for {brand} closed with the network provider.",
    Tactic.CLOSURE_ORDER: "Closure order granted on a cuckooed flat used by {brand}.",
}
_RATIONALE = {
    "major": "Line holder removed and the deal line went dark for over a month.",
    "moderate": "Runners arrested and stock seized; line resumed with new runners.",
    "minor": "Intelligence gathered and a runner safeguarded; supply unaffected.",
    "none": "Address empty on entry; nothing found.",
}


def _spread(rng: random.Random, total: int, slots: int, minimum: int = 0) -> list[int]:
    """`total` units over `slots` rows, each at least `minimum`, unevenly like real work."""
    counts = [minimum] * slots
    weights = [rng.uniform(0.3, 2.0) for _ in range(slots)]
    for _ in range(total - minimum * slots):
        counts[rng.choices(range(slots), weights=weights)[0]] += 1
    return counts


@functools.lru_cache(maxsize=4)
def _is_demo_password(encoded: str) -> bool:
    return check_password(settings.KENTSOC_DEMO_PASSWORD, encoded)


def _user(username: str, first: str, last: str, role: str, team: Team, rank: str) -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        # Reuse the org demo's hash of the demo password when there is one: hashing is slow.
        shared = (
            User.objects.exclude(pk=user.pk)
            .filter(officer__isnull=False)
            .values_list("password", flat=True)
            .first()
        )
        if not settings.DEBUG:
            user.set_unusable_password()
        elif shared and shared[0] != "!" and _is_demo_password(shared):
            user.password = shared
        else:
            user.set_password(settings.KENTSOC_DEMO_PASSWORD)
        user.save()
    if not Officer.objects.filter(user=user).exists():
        collar = f"9{user.pk:05d}"
        Officer.objects.create(user=user, collar_number=collar, rank=rank, role=role, team=team)
    group, _ = Group.objects.get_or_create(name=group_name(role))
    user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)  # fresh: no stale permission cache


def _officer(role: str, team: Team, username: str, first: str, last: str, rank: str) -> Any:
    existing = Officer.objects.filter(role=role, team=team).select_related("user").first()
    if existing is not None:
        return get_user_model().objects.get(pk=existing.user_id)
    return _user(username, first, last, role, team, rank)


def _home_force() -> Force:
    """The demo force (the org seed's): the other forces the sharing demo adds are not its
    story's, however many there are when the demo is seeded again."""
    return Force.objects.filter(code=FORCE_CODE).first() or Force.objects.create(
        code=FORCE_CODE, name=settings.KENTSOC_FORCE_NAME
    )


def _structure(force: Force) -> tuple[Team, list[Team]]:
    """The Central CLGT and the divisional CLGTs, made if the org seed has none."""
    divisions = list(Division.objects.filter(force=force, is_central=False))
    if not divisions:
        divisions = [Division.objects.create(force=force, code="NORTH", name="North")]
    teams = Team.objects.filter(force=force)
    central = teams.filter(kind=TeamKind.CENTRAL_CLGT).first() or Team.objects.create(
        code="CLGT-C", name="Central CLGT", kind=TeamKind.CENTRAL_CLGT, force=force
    )
    clgts = list(teams.filter(kind=TeamKind.CLGT).order_by("code"))
    if not clgts:
        clgts = [
            Team.objects.create(
                code=f"CLGT-{d.code[:1]}",
                name=f"{d.name} CLGT",
                kind=TeamKind.CLGT,
                division=d,
                force=d.force,
            )
            for d in divisions
        ]
    return central, clgts


def _lines(rng: random.Random, needed: int, since: datetime.date, force: Force) -> list[CountyLine]:
    """Lines worked in the period: on the matrix now, or dismantled since it began (the county
    lines demo's). Without that demo, made here so the story still stands on its own."""
    worked = Q(status=LineStatus.ACTIVE) | Q(status=LineStatus.DISMANTLED, closed_on__gte=since)
    lines = list(CountyLine.objects.filter(worked, division__force=force).order_by("id")[:needed])
    districts = list(
        District.objects.filter(division__force=force).select_related("division").order_by("code")
    )
    n = 0
    while len(lines) < needed:
        n += 1
        reference = f"DCL{n:03d}"
        if CountyLine.objects.filter(reference=reference).exists():
            continue
        district = districts[n % len(districts)] if districts else None
        division = district.division if district else Division.objects.filter(force=force).first()
        line = CountyLine.objects.create(
            reference=reference,
            name=_BRANDS[n % len(_BRANDS)],
            exporting_area=rng.choice(_BOROUGHS),
            status=LineStatus.ACTIVE,
            division=division,
            nominated_on=datetime.date(2021, 6, 1),
            activated_on=datetime.date(2021, 7, 1),
        )
        if district:
            CountyLineDistrict.objects.create(county_line=line, district=district, is_primary=True)
        lines.append(line)
    return lines


def _alive(line: CountyLine, on: datetime.date) -> bool:
    """Whether `on` falls within the line's life, as the disruption services require: on or
    after its nomination and, once dismantled, no later than its dismantling."""
    ended = line.status == LineStatus.DISMANTLED and line.closed_on is not None
    return line.nominated_on <= on and not (ended and on > line.closed_on)


def _alive_on(lines: list[CountyLine], on: datetime.date, prefer: str = "") -> CountyLine:
    """A line of `lines` alive on `on` (one importing into district `prefer` if any is)."""
    alive = [line for line in lines if _alive(line, on)]
    preferred = [line for line in alive if prefer and _primary_district(line) == prefer]
    return (preferred or alive)[0]


def _primary_district(line: CountyLine) -> str:
    primary = line.line_districts.filter(is_primary=True).select_related("district").first()
    return primary.district.code if primary else ""


def _nominals(rng: random.Random, needed: int, force: Force) -> list[Nominal]:
    nominals = list(Nominal.objects.filter(force=force).order_by("id")[:needed])
    n = 0
    while len(nominals) < needed:
        n += 1
        reference = f"DN{n:04d}"
        if Nominal.objects.filter(reference=reference).exists():
            continue
        nominals.append(
            Nominal.objects.create(
                force=force,
                reference=reference,
                first_name=rng.choice(_FIRST),
                last_name=rng.choice(_LAST),
                date_of_birth=datetime.date(rng.randint(1985, 2003), rng.randint(1, 12), 1),
            )
        )
    return nominals


def _date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _extras(rng: random.Random, tactic: str) -> dict[str, Any]:
    """The outcome figures that the seed's table does not fix: plausible, not totalled."""
    searched = tactic in (Tactic.WARRANT, Tactic.SEIZURE, Tactic.ARREST)
    return {
        "handsets": rng.randint(0, 4) if searched else 0,
        "sim_cards": rng.randint(0, 6) if searched else 0,
        "vehicles": 1 if searched and rng.random() < 0.15 else 0,
        "safeguarding_referrals": 1 if tactic == Tactic.SAFEGUARDING_REFERRAL else 0,
        "cash_seized": Decimal(rng.choice([0, 0, 250, 640, 1200, 3500, 8200])),
    }


def _drugs(rng: random.Random, tactic: str) -> list[dict[str, Any]]:
    if tactic not in (Tactic.WARRANT, Tactic.SEIZURE) or rng.random() < 0.3:
        return []
    rows = [
        {
            "drug_class": "A",
            "drug": rng.choice(["crack cocaine", "heroin", "cocaine"]),
            "amount": Decimal(rng.randint(5, 120)),
            "unit": "g",
            "estimated_value": Decimal(rng.randint(5, 120) * 80),
        }
    ]
    if rng.random() < 0.3:
        rows.append(
            {
                "drug_class": "B",
                "drug": "cannabis",
                "amount": Decimal(rng.randint(50, 900)),
                "unit": "g",
                "estimated_value": Decimal(rng.randint(5, 90) * 10),
            }
        )
    return rows


def _weapon_rows(rng: random.Random, count: int) -> list[dict[str, Any]]:
    rows: dict[str, int] = {}
    for _ in range(count):
        kind = rng.choices(
            [WeaponKind.BLADED, WeaponKind.FIREARM, WeaponKind.AMMUNITION, WeaponKind.CORROSIVE],
            weights=[12, 1, 1, 2],
        )[0]
        rows[kind] = rows.get(kind, 0) + 1
    return [{"kind": k, "count": n} for k, n in rows.items()]


def _approve(
    d: Disruption, author: Any, approver: Any, rng: random.Random, story_end: datetime.date
) -> Disruption:
    disruption_services.disruption_submit(actor=author, disruption=d)
    d = approvals.disruption_approve(actor=approver, disruption=d)
    # Submission and approval happened days after the work, as they would have.
    submitted = min(d.date + datetime.timedelta(days=rng.randint(0, 3)), story_end)
    approved = min(submitted + datetime.timedelta(days=rng.randint(1, 6)), story_end)
    Disruption.objects.filter(pk=d.pk).update(
        submitted_at=datetime.datetime.combine(submitted, datetime.time(17, 30), datetime.UTC),
        approved_at=datetime.datetime.combine(approved, datetime.time(10, 15), datetime.UTC),
    )
    return d


_OCG_TACTICS = [
    (Tactic.WARRANT, Strand.PURSUE, "Warrant at a storage address used by the {name}."),
    (Tactic.ARREST, Strand.PURSUE, "Lieutenant of the {name} arrested on a planned stop."),
    (Tactic.FINANCIAL_POCA, Strand.PURSUE, "Account freezing order on the {name}'s principal."),
    (Tactic.PRISON_CONDITIONS, Strand.PREVENT, "Prison conditions on a {name} member on remand."),
    (Tactic.LICENCE_CONDITIONS, Strand.PREVENT, "Licence conditions for a {name} member released."),
    (Tactic.PARTNER_ACTION, Strand.PROTECT, "Council and HMRC visit to a {name} front business."),
    (Tactic.SEIZURE, Strand.PURSUE, "Vehicle used by the {name} stopped: cash and phones seized."),
    (
        Tactic.IMMIGRATION,
        Strand.PROTECT,
        "Immigration Enforcement visit with the {name}'s victims.",
    ),
]


def _ocg_disruption(
    rng: random.Random,
    ocg: OCG,
    lro: Any,
    supervisor: Any,
    story_end: datetime.date,
    on: datetime.date,
    n: int,
) -> Disruption:
    tactic, strand, narrative = _OCG_TACTICS[n % len(_OCG_TACTICS)]
    grade = rng.choices(["major", "moderate", "minor", "none"], weights=[2, 5, 4, 1])[0]
    arrests = rng.randint(1, 3) if tactic in (Tactic.WARRANT, Tactic.ARREST) else 0
    d = disruption_services.disruption_create(
        actor=lro,
        values={
            "date": on,
            "team": lro.officer.team,
            "strand": strand,
            "tactic": tactic,
            "narrative": narrative.format(name=ocg.name),
            "impact_grade": grade,
            "impact_rationale": _RATIONALE[grade],
            "arrests": arrests,
            "prisoners_dealt_with": arrests,
            "warrants_executed": 1 if tactic == Tactic.WARRANT else 0,
            "warrant_power": "other" if tactic == Tactic.WARRANT else "",
            "charges": rng.randint(0, arrests),
            **_extras(rng, tactic),
        },
        ocgs=[ocg],
        # Also against one of the group's lines alive that day, so its page shows the work too.
        county_lines=[line for line in ocg.county_lines.order_by("id") if _alive(line, on)][:1],
        drugs=_drugs(rng, tactic),
    )
    return _approve(d, lro, supervisor, rng, story_end)


def _ocg_story(rng: random.Random, supervisor: Any, story_end: datetime.date) -> None:
    """Approved disruptions against OCGs, logged by their LROs: exactly OCG_DISRUPTIONS of them
    in the dashboard's six-month window (counting any the other demos made, e.g. lifetime
    management's prison conditions), including the September dismantling over three days, and
    a few older ones that fall outside it."""
    date_from, date_to = disruption_window(story_end)
    adopted = list(
        OCG.objects.filter(
            status=OcgStatus.ADOPTED, lead_responsible_officer__officer__role=Role.LRO
        ).order_by("id")
    )
    if not adopted:
        return
    lro_of = {u.pk: u for u in get_user_model().objects.filter(officer__role=Role.LRO)}
    story = OCG.objects.filter(
        name=STORY_OCG, status=OcgStatus.DISMANTLED, lead_responsible_officer__isnull=False
    ).first()
    if story is not None and story.closed_on is not None:
        lro = lro_of[story.lead_responsible_officer_id]
        cash = [Decimal("6200"), Decimal("5150"), Decimal("3000")]  # over £14,000
        members = list(
            Nominal.objects.filter(memberships__ocg=story).order_by("memberships__id")[:5]
        )
        arrested = [members[:2], members[2:4], members[4:5]]
        strike = []
        for day, (arrests, warrants) in enumerate([(2, 2), (2, 2), (1, 1)]):
            d = disruption_services.disruption_create(
                actor=lro,
                values={
                    "date": story.closed_on - datetime.timedelta(days=2 - day),
                    "team": lro.officer.team,
                    "strand": Strand.PURSUE,
                    "tactic": Tactic.WARRANT,
                    "narrative": f"Day {day + 1} of the {story.name} strike: warrants at "
                    f"{warrants} addresses; class A, cannabis, phones and SIM cards seized.",
                    "impact_grade": "major",
                    "impact_rationale": "The group was dismantled: principal and members arrested.",
                    "arrests": arrests,
                    "prisoners_dealt_with": arrests,
                    "warrants_executed": warrants,
                    "warrant_power": "other",
                    # One member charged: person in charge of a dog dangerously out of control.
                    "charges": 1 if day == 0 else 0,
                    "handsets": 3,
                    "sim_cards": 5,
                    "cash_seized": cash[day],
                },
                ocgs=[story],
                nominals=arrested[day],
                drugs=[
                    {
                        "drug_class": "A",
                        "drug": "cocaine",
                        "amount": Decimal(40 + 10 * day),
                        "unit": "g",
                        "estimated_value": Decimal(3200 + 800 * day),
                    },
                    {
                        "drug_class": "B",
                        "drug": "cannabis",
                        "amount": Decimal(300),
                        "unit": "g",
                        "estimated_value": Decimal(900),
                    },
                ],
            )
            strike.append(_approve(d, lro, supervisor, rng, story_end))
        # "One member has been charged with ... a dog dangerously out of control, who later
        # pled guilty at Court."
        if arrested[0]:
            court_results.court_result_add(
                actor=lro,
                disruption=strike[0],
                nominal=arrested[0][0],
                court=MAGISTRATES,
                offences="Person in charge of a dog dangerously out of control (pleaded guilty)",
                outcome=CourtOutcome.NON_CUSTODIAL,
                non_custodial_kind=NonCustodialKind.FINE,
                result_date=min(story.closed_on + datetime.timedelta(days=30), story_end),
            )
    in_window = (
        Disruption.objects.filter(
            status=DisruptionStatus.APPROVED,
            date__gte=date_from,
            date__lte=date_to,
            ocgs__isnull=False,
        )
        .distinct()
        .count()
    )
    days = (date_to - date_from).days

    def adopted_by(on: datetime.date, n: int) -> OCG:
        """The n-th adopted group in a fixed stride, skipping any adopted after `on`: an LRO
        disrupts a group from its adoption."""
        ready = [ocg for ocg in adopted if ocg.adopted_on and ocg.adopted_on <= on] or adopted
        return ready[n % len(ready)]

    for n in range(max(OCG_DISRUPTIONS - in_window, 0)):
        on = date_from + datetime.timedelta(days=round(days * (n + 0.5) / OCG_DISRUPTIONS))
        ocg = adopted_by(on, n * 7)
        _ocg_disruption(
            rng, ocg, lro_of[ocg.lead_responsible_officer_id], supervisor, story_end, on, n
        )
    for n in range(6):  # earlier work on the same groups: outside the six months
        on = date_from - datetime.timedelta(days=10 + 23 * n)
        ocg = adopted_by(on, n * 11)
        _ocg_disruption(
            rng, ocg, lro_of[ocg.lead_responsible_officer_id], supervisor, story_end, on, n + 3
        )


def _named(
    author: Any,
    supervisor: Any,
    rng: random.Random,
    story_end: datetime.date,
    *,
    on: datetime.date,
    team: Team,
    tactic: str,
    counts: dict[str, int],
    narrative: str,
    line: CountyLine,
    nominals: list[Nominal],
    operation: Operation | None = None,
) -> Disruption:
    """One of the seed's named results: an approved disruption with exactly these counts."""
    d = disruption_services.disruption_create(
        actor=author,
        values={
            "date": on,
            "team": team,
            "operation": operation,
            "strand": Strand.PURSUE,
            "tactic": tactic,
            "narrative": narrative,
            "impact_grade": "major",
            "impact_rationale": _RATIONALE["major"],
            "warrant_power": "s18" if counts["warrants_executed"] else "",
            **counts,
        },
        county_lines=[line],
        nominals=nominals,
    )
    return _approve(d, author, supervisor, rng, story_end)


def _named_results(
    rng: random.Random,
    *,
    start: datetime.date,
    end: datetime.date,
    central: Team,
    central_author: Any,
    clgt_of: dict[int | None, Team],
    clgt_officer: dict[int, Any],
    lines: list[CountyLine],
    nominals: list[Nominal],
    supervisor: Any,
    story_end: datetime.date,
) -> tuple[dict[str, int], dict[str, int]]:
    """The seed's named CLGT results as records; returns what they add to the Central CLGT's
    and to the divisional CLGTs' figures (the generated work makes up the rest)."""
    central_counts: dict[str, int] = dict.fromkeys(CHASE_CHARGE, 0)
    divisional_counts: dict[str, int] = dict.fromkeys(CHASE_CHARGE, 0)

    def team_of(line: CountyLine) -> Team:
        return clgt_of.get(line.division_id) or next(iter(clgt_of.values()))

    # The Edgware line into Canterbury, dismantled within a month of its nomination: its holder
    # charged with three offences and remanded, on communications data, with no drugs seized.
    chase = CountyLine.objects.filter(name=STORY_LINE, status=LineStatus.DISMANTLED).first()
    if chase is not None and chase.closed_on is not None and start <= chase.closed_on <= end:
        holder = list(
            Nominal.objects.filter(
                line_links__county_line=chase, line_links__role=LineRole.LINE_HOLDER
            )
        )
        team = team_of(chase)
        _named(
            clgt_officer[team.pk],
            supervisor,
            rng,
            story_end,
            on=chase.closed_on,
            team=team,
            tactic=Tactic.CHARGE,
            counts=CHASE_CHARGE,
            narrative=(
                f"{chase.name}'s line holder, living in Edgware and supplying Canterbury, "
                "charged with three offences and remanded into court. No drugs were found or "
                "seized: the case rests on communications data, presented simply."
            ),
            line=chase,
            nominals=holder[:1],
        )
        divisional_counts = {k: divisional_counts[k] + v for k, v in CHASE_CHARGE.items()}

    # The Central CLGT's charges against three people in Medway, hard to reach for a long time.
    recent = end - datetime.timedelta(days=25)
    medway_line = _alive_on(lines, recent, prefer="MED")
    _named(
        central_author,
        supervisor,
        rng,
        story_end,
        on=recent,
        team=central,
        tactic=Tactic.CHARGE,
        counts=MEDWAY_CHARGES,
        narrative=(
            "Three individuals in Medway, 'hard to reach' for a significant time, charged with "
            "drugs offences after an upstream investigation into who controls the line."
        ),
        line=medway_line,
        nominals=nominals[-3:],
    )
    central_counts = {k: central_counts[k] + v for k, v in MEDWAY_CHARGES.items()}

    # With British Transport Police, in and around the Medway stations: two good arrests.
    btp_day = end - datetime.timedelta(days=40)
    btp_line = _alive_on(lines, btp_day, prefer="MED")
    btp_team = team_of(btp_line)
    btp = operations.operation_create(
        actor=supervisor,
        name=BTP_OPERATION,
        start_date=btp_day,
        end_date=btp_day + datetime.timedelta(days=1),
        teams=[btp_team],
        description="Joint operation with British Transport Police (BTP) at the Medway stations.",
    )
    _named(
        clgt_officer[btp_team.pk],
        supervisor,
        rng,
        story_end,
        on=btp_day,
        team=btp_team,
        tactic=Tactic.ARREST,
        counts=BTP_ARRESTS,
        narrative="Runners stopped with BTP officers at the Medway stations: two arrested.",
        line=btp_line,
        nominals=nominals[-5:-3],
        operation=btp,
    )
    divisional_counts = {k: divisional_counts[k] + v for k, v in BTP_ARRESTS.items()}

    # The Maidstone Crown Court trial: three defendants, four years' custody each.
    raid = start + datetime.timedelta(days=30)
    raid_line = _alive_on(lines, raid, prefer="MAI")
    raid_team = team_of(raid_line)
    author = clgt_officer[raid_team.pk]
    defendants = nominals[-8:-5]
    d = _named(
        author,
        supervisor,
        rng,
        story_end,
        on=raid,
        team=raid_team,
        tactic=Tactic.WARRANT,
        counts=MAIDSTONE_WARRANT,
        narrative=f"Warrant at {raid_line.name}'s stash house: three arrested and charged.",
        line=raid_line,
        nominals=defendants,
    )
    for nominal, months in zip(defendants, MAIDSTONE_SENTENCES, strict=True):
        court_results.court_result_add(
            actor=author,
            disruption=d,
            nominal=nominal,
            court=MAIDSTONE,
            offences="Conspiracy to supply class A drugs (guilty verdict after trial)",
            outcome=CourtOutcome.CUSTODIAL,
            sentence_years=months // 12,
            sentence_months=months % 12,
            result_date=min(end - datetime.timedelta(days=20), story_end),
        )
    divisional_counts = {k: divisional_counts[k] + v for k, v in MAIDSTONE_WARRANT.items()}
    return central_counts, divisional_counts


def intensification_week(story_end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The national week of action: Monday to Sunday of the week three weeks before the story's
    end (10-16 October 2022 for a story ending 31 October 2022), inside the report's period."""
    start, end = nine_month_period(story_end)
    monday = story_end - datetime.timedelta(days=21)
    monday = max(monday - datetime.timedelta(days=monday.weekday()), start)
    return monday, min(monday + datetime.timedelta(days=6), end)


_TABLE_TACTICS = [
    Tactic.WARRANT,
    Tactic.ARREST,
    Tactic.CHARGE,
    Tactic.SEIZURE,
    Tactic.SAFEGUARDING_REFERRAL,
    Tactic.DEAL_LINE_CLOSURE,
    Tactic.CLOSURE_ORDER,
]
_ENFORCEMENT = (Tactic.WARRANT, Tactic.ARREST, Tactic.CHARGE, Tactic.SEIZURE)
_TABLE_KEYS = ("arrests", "prisoners_dealt_with", "warrants_executed", "charges", "weapons")


def _table(
    rng: random.Random, targets: dict[str, int], count: int
) -> tuple[list[str], list[dict[str, int]]]:
    """`count` disruptions whose figures add up to `targets` exactly: every enforcement row
    arrests someone, every warrant row executes a warrant, and `weapon_seizures` of them (the
    searches first) seize one weapon or more."""
    tactics = rng.choices(_TABLE_TACTICS, weights=[40, 18, 12, 12, 7, 7, 4], k=count)
    tactics[:4] = list(_ENFORCEMENT)
    # No more arresting rows than arrests, nor warrant rows than warrants: the rest of the
    # work is deal-line closures.
    arresting = warranted = 0
    for i, tactic in enumerate(tactics):
        if (tactic == Tactic.WARRANT and warranted >= targets["warrants_executed"]) or (
            tactic in _ENFORCEMENT and arresting >= targets["arrests"]
        ):
            tactics[i] = tactic = Tactic.DEAL_LINE_CLOSURE
        arresting += tactic in _ENFORCEMENT
        warranted += tactic == Tactic.WARRANT
    rows = [dict.fromkeys(_TABLE_KEYS, 0) for _ in tactics]
    enforcement = [i for i, t in enumerate(tactics) if t in _ENFORCEMENT]
    warrant_rows = [i for i, t in enumerate(tactics) if t == Tactic.WARRANT]
    for key, pool, minimum in (
        ("arrests", enforcement, 1),
        ("warrants_executed", warrant_rows, 1),
        ("prisoners_dealt_with", enforcement, 0),
        ("charges", enforcement, 0),
    ):
        for i, n in zip(pool, _spread(rng, targets[key], len(pool), minimum), strict=True):
            rows[i][key] = n
    searches = [i for i in enforcement if tactics[i] in (Tactic.WARRANT, Tactic.SEIZURE)]
    others = [i for i in enforcement if i not in searches]
    rng.shuffle(searches)
    rng.shuffle(others)
    for i in (searches + others)[: targets["weapon_seizures"]]:
        rows[i]["weapons"] = rng.choice([1, 1, 1, 2, 3])
    return tactics, rows


def _clgt_work(
    rng: random.Random,
    targets: dict[str, int],
    count: int,
    *,
    start: datetime.date,
    end: datetime.date,
    teams: list[Team],
    author_of: Callable[[int, Team], Any],
    lines_for: Callable[[Team], list[CountyLine]],
    every_line: list[CountyLine],
    nominals: list[Nominal],
    supervisor: Any,
    story_end: datetime.date,
) -> list[tuple[Disruption, Any]]:
    """`count` approved disruptions by `teams` in the period adding up to `targets`; returns
    each with its author."""
    tactics, rows = _table(rng, targets, count)
    dates = sorted(_date(rng, start, end) for _ in tactics)
    dates[0], dates[-1] = start, end  # the period's boundaries are inclusive: use both
    done: list[tuple[Disruption, Any]] = []
    for i, tactic in enumerate(tactics):
        team = teams[i % len(teams)]
        author = author_of(i, team)
        alive = [line for line in lines_for(team) if _alive(line, dates[i])]
        line = rng.choice(alive or [_alive_on(every_line, dates[i])])
        named = rng.sample(nominals, rng.choice([0, 1, 1, 2])) if rows[i]["arrests"] else []
        grade = rng.choices(["major", "moderate", "minor", "none"], weights=[3, 5, 3, 1])[0]
        values = {
            "date": dates[i],
            "team": team,
            "strand": Strand.PROTECT if tactic == Tactic.SAFEGUARDING_REFERRAL else Strand.PURSUE,
            "tactic": tactic,
            "narrative": _NARRATIVES[tactic].format(brand=line.name),
            "impact_grade": grade,
            "impact_rationale": _RATIONALE[grade],
            "arrests": rows[i]["arrests"],
            "prisoners_dealt_with": rows[i]["prisoners_dealt_with"],
            "warrants_executed": rows[i]["warrants_executed"],
            "warrant_power": rng.choice(["s18", "s32", "other"])
            if rows[i]["warrants_executed"]
            else "",
            "charges": rows[i]["charges"],
            **_extras(rng, tactic),
        }
        d = disruption_services.disruption_create(
            actor=author,
            values=values,
            county_lines=[line],
            nominals=named,
            weapons=_weapon_rows(rng, rows[i]["weapons"]),
            drugs=_drugs(rng, tactic),
        )
        done.append((_approve(d, author, supervisor, rng, story_end), author))
    return done


def _sentences(
    rng: random.Random,
    done: list[tuple[Disruption, Any]],
    total_months: int,
    count: int,
    nominals: list[Nominal],
    story_end: datetime.date,
) -> None:
    """`count` custodial sentences totalling `total_months`, on the charged disruptions."""
    charged = [(d, author) for d, author in done if d.charges > 0]
    for n, months in enumerate(_spread(rng, total_months, count, minimum=6)):
        d, author = charged[n % len(charged)]
        court_results.court_result_add(
            actor=author,
            disruption=d,
            nominal=rng.choice(list(d.nominals.all()) or nominals),
            court=CROWN_COURTS[n % len(CROWN_COURTS)],
            offences=rng.choice(
                [
                    "Possession with intent to supply class A",
                    "Being concerned in the supply of class A drugs",
                    "Possession of a bladed article; PWITS class A",
                    "Conspiracy to supply class A drugs",
                    "Human trafficking (MSA 2015 s.2); supply of class A",
                ]
            ),
            outcome=CourtOutcome.CUSTODIAL,
            sentence_years=months // 12,
            sentence_months=months % 12,
            result_date=min(d.date + datetime.timedelta(days=rng.randint(30, 200)), story_end),
        )


@transaction.atomic
def seed(stdout: TextIO, story_end: datetime.date) -> None:
    if Operation.objects.filter(name=OPERATION_NAME).exists():
        stdout.write("disruptions: story already seeded\n")
        return
    if story_end > timezone.localdate():
        raise ValueError("The story cannot end in the future: disruptions are never future-dated.")
    rng = random.Random(20221031)
    start, end = nine_month_period(story_end)
    force = _home_force()
    central, clgts = _structure(force)
    # The Central CLGT commenced with the period (February 2022 for a story ending in October).
    Team.objects.filter(pk=central.pk).update(formed_on=start)
    officers = [
        _officer(Role.CLGT_OFFICER, central, "demo.central1", "Priya", "Hallam", Rank.DC),
        _user("demo.central2", "Owen", "Brackley", Role.CLGT_OFFICER, central, Rank.PC),
    ]
    supervisor = _user("demo.central.ds", "Helen", "Marsh", Role.SUPERVISOR, central, Rank.DS)
    clgt_officer = {
        team.pk: _officer(
            Role.CLGT_OFFICER, team, f"demo.clgt.{team.code.lower()}", "Sam", "Okafor", Rank.DC
        )
        for team in clgts
    }
    lines = _lines(rng, 30, start, force)
    nominals = _nominals(rng, 40, force)
    lines_of: dict[int | None, list[CountyLine]] = {}
    for line in lines:
        lines_of.setdefault(line.division_id, []).append(line)
    clgt_of = {team.division_id: team for team in clgts}

    # --- The intensification week, worked by the divisional CLGTs, inside the table. -------
    op_arrests = _spread(rng, OPERATION["arrests"], OPERATION["lines"])
    op_charges = _spread(rng, OPERATION["charges"], OPERATION["lines"])
    op_handsets = _spread(rng, OPERATION["handsets"], OPERATION["lines"])
    op_warrants = sum(1 for n in op_arrests if n)
    week_start, week_end = intensification_week(story_end)
    operation = operations.operation_create(
        actor=supervisor,
        name=OPERATION_NAME,
        start_date=week_start,
        end_date=week_end,
        teams=clgts,
        description="A national week of action against county lines, led locally by the CLGTs.",
    )
    week_lines = [line for line in lines if _alive(line, week_start) and _alive(line, week_end)]
    for n, line in enumerate(week_lines[: OPERATION["lines"]]):
        team = clgt_of.get(line.division_id) or clgts[n % len(clgts)]
        author = clgt_officer[team.pk]
        tactic = Tactic.WARRANT if op_arrests[n] else Tactic.DEAL_LINE_CLOSURE
        d = disruption_services.disruption_create(
            actor=author,
            values={
                "date": _date(rng, week_start, week_end),
                "team": team,
                "operation": operation,
                "strand": Strand.PURSUE,
                "tactic": tactic,
                "narrative": _NARRATIVES[tactic].format(brand=line.name),
                "impact_grade": "moderate",
                "impact_rationale": _RATIONALE["moderate"],
                "arrests": op_arrests[n],
                "prisoners_dealt_with": op_arrests[n],
                "warrants_executed": 1 if op_arrests[n] else 0,
                "warrant_power": "other" if op_arrests[n] else "",
                "charges": op_charges[n],
                "handsets": op_handsets[n],
            },
            county_lines=[line],
        )
        _approve(d, author, supervisor, rng, story_end)

    # --- The rest of the CLGTs' approved work: the Central CLGT's own figures, and the -----
    # --- divisional CLGTs' making up the force's table with the week above. -----------------
    named_central, named_divisional = _named_results(
        rng,
        start=start,
        end=end,
        central=central,
        central_author=officers[0],
        clgt_of=clgt_of,
        clgt_officer=clgt_officer,
        lines=lines,
        nominals=nominals,
        supervisor=supervisor,
        story_end=story_end,
    )
    week = {
        "arrests": OPERATION["arrests"],
        "prisoners_dealt_with": OPERATION["arrests"],
        "warrants_executed": op_warrants,
        "charges": OPERATION["charges"],
    }
    central_targets = {
        key: CENTRAL[key] - named_central.get(key, 0)
        for key in ("arrests", "prisoners_dealt_with", "warrants_executed", "charges")
    }
    central_targets["weapon_seizures"] = CENTRAL["weapon_seizures"]
    divisional_targets = {
        key: TARGETS[key] - CENTRAL[key] - week[key] - named_divisional.get(key, 0) for key in week
    }
    divisional_targets["weapon_seizures"] = TARGETS["weapon_seizures"] - CENTRAL["weapon_seizures"]
    central_done = _clgt_work(
        rng,
        central_targets,
        CENTRAL_APPROVED,
        start=start,
        end=end,
        teams=[central],
        author_of=lambda i, team: officers[i % 2],
        lines_for=lambda team: lines,
        every_line=lines,
        nominals=nominals,
        supervisor=supervisor,
        story_end=story_end,
    )
    divisional_done = _clgt_work(
        rng,
        divisional_targets,
        DIVISIONAL_APPROVED,
        start=start,
        end=end,
        teams=clgts,
        author_of=lambda i, team: clgt_officer[team.pk],
        lines_for=lambda team: lines_of.get(team.division_id) or lines,
        every_line=lines,
        nominals=nominals,
        supervisor=supervisor,
        story_end=story_end,
    )

    # --- Court results: 28 custodial sentences totalling 106yrs 10 months, plus others. ----
    central_months = CENTRAL["sentence_months"]
    _sentences(rng, central_done, central_months, CENTRAL_CUSTODIAL, nominals, story_end)
    _sentences(
        rng,
        divisional_done,
        TARGETS["sentence_months"] - central_months - sum(MAIDSTONE_SENTENCES),
        CUSTODIAL_RESULTS - CENTRAL_CUSTODIAL - len(MAIDSTONE_SENTENCES),
        nominals,
        story_end,
    )
    charged = [(d, author) for d, author in divisional_done if d.charges > 0]
    for n, (outcome, kind) in enumerate(
        [
            (CourtOutcome.NON_CUSTODIAL, NonCustodialKind.SUSPENDED),
            (CourtOutcome.NON_CUSTODIAL, NonCustodialKind.YOUTH_REHABILITATION),
            (CourtOutcome.ACQUITTED, ""),
        ]
    ):
        d, author = charged[-(n + 1)]
        court_results.court_result_add(
            actor=author,
            disruption=d,
            nominal=rng.choice(nominals),
            court="Canterbury Crown Court" if outcome == CourtOutcome.ACQUITTED else MAGISTRATES,
            offences="Possession of class A drugs",
            outcome=outcome,
            non_custodial_kind=kind,
            result_date=min(d.date + datetime.timedelta(days=45), story_end),
        )

    # --- Around the story: work that does not count. --------------------------------------
    before = add_months(start, -1)
    for n in range(3):  # approved, but the month before the period (before the Central CLGT)
        team = clgts[n % len(clgts)]
        d = disruption_services.disruption_create(
            actor=clgt_officer[team.pk],
            values={
                "date": before + datetime.timedelta(days=3 + 8 * n),
                "team": team,
                "strand": Strand.PURSUE,
                "tactic": Tactic.WARRANT,
                "narrative": "Warrant executed; two arrested.",
                "impact_grade": "moderate",
                "impact_rationale": _RATIONALE["moderate"],
                "arrests": 2,
                "prisoners_dealt_with": 2,
                "warrants_executed": 1,
                "warrant_power": "other",
                "charges": 2,
            },
            county_lines=[
                _alive_on(lines[n:] + lines, before + datetime.timedelta(days=3 + 8 * n))
            ],
        )
        _approve(d, clgt_officer[team.pk], supervisor, rng, story_end)
    pending = [
        ("draft", "Stop and search of a runner; awaiting custody outcome.", ""),
        ("draft", "Deal line closure requested from the network provider.", ""),
        ("submitted", "Warrant executed at a cuckooed flat; three arrested.", ""),
        ("submitted", "Closure order hearing; order granted for three months.", ""),
        ("returned", "Warrant executed; one arrest.", "Add the custody record numbers."),
        ("returned", "Runner safeguarded.", "The impact grade does not match the narrative."),
    ]
    for n, (status, narrative, reason) in enumerate(pending):
        author = officers[n % 2]
        on = max(start, end - datetime.timedelta(days=2 + 3 * n))
        d = disruption_services.disruption_create(
            actor=author,
            values={
                "date": on,
                "team": central,
                "strand": Strand.PURSUE,
                "tactic": Tactic.WARRANT if n % 2 == 0 else Tactic.CLOSURE_ORDER,
                "narrative": narrative,
                "impact_grade": "moderate",
                "impact_rationale": _RATIONALE["moderate"],
                "arrests": 3 if n % 2 == 0 else 0,
                "prisoners_dealt_with": 3 if n % 2 == 0 else 0,
                "warrants_executed": 1 if n % 2 == 0 else 0,
                "warrant_power": "s18" if n % 2 == 0 else "",
                "charges": 1,
            },
            county_lines=[_alive_on(lines[(n + 5) % len(lines) :] + lines, on)],
        )
        if status in ("submitted", "returned"):
            disruption_services.disruption_submit(actor=author, disruption=d)
        if status == "returned":
            approvals.disruption_return(actor=supervisor, disruption=d, reason=reason)

    # --- OCG disruptions: the seed's "72 OCG disruptions in the last 6 months". ----------
    _ocg_story(rng, supervisor, story_end)
    stdout.write(
        f"disruptions: {Disruption.objects.count()} disruptions, operation {OPERATION_NAME!r}; "
        f"CLGT story {start:%d %b %Y} to {end:%d %b %Y}\n"
    )
