"""OCGs for `seed_demo`: the seed page's OCG figures on a fictional force.

At the story's last day D there are 50 mapped and scored OCGs, all adopted: 18 managed by LROs on
Division (the divisions' local teams) and 32 with the Serious Crime Directorate (SOC, Money
Laundering, MSHT, Financial Investigation, NCA/ERSOU). When the OCGMU was formed (the month
thirteen months before D's: September 2021 for D = 31 Oct 2022) its month-end reading was 36 (33 of
today's 50 plus three since dismantled or archived), so the growth since inception reads +39%;
none is mapped between that reading and a year before D, which therefore reads 36 too.
Around them: nominations, groups in development, two waiting for a supervisor's approval, a
rejected one, and the group dismantled in September over three days of warrants.

Every OCG is made through the services as the OCGMU would (coordinator nominates and evidences,
analyst grades intelligence, supervisor approves and adopts, LRO keeps the 4P plan), so its
history, audit trail and stale-marking are real. The services stamp a transition with today; the
story happened in the past, so the demo then dates the status history rows (and `mapped_on`,
`adopted_on`) to the story's days, the same correction an officer backfilling records would make.

Idempotent: an OCG whose name exists is left alone. Names, people and places are invented.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from kentsoc.dates import add_months
from kentsoc.demo.matrix import StoryCalendar
from kentsoc.intel.choices import OcgCriterion
from kentsoc.intel.services.evidence import evidence_add
from kentsoc.intel.services.records import intelligence_create
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import Division, Officer, Team
from kentsoc.org.services import officer_sync_group
from ocg.choices import Criminality, MembershipRole, OcgStatus, PlanActionStatus, PlanStrand
from ocg.models import OCG, OcgStatusChange
from ocg.services import lifecycle, nominals, nomination
from ocg.services.plan import plan_action_add

ADOPTED, CLOSED, AWAITING, DEVELOPING, NOMINATED, REJECTED = (
    "adopted",
    "closed",
    "awaiting",
    "developing",
    "nominated",
    "rejected",
)

# Managing teams of the 50 adopted OCGs: (team code, how many). 18 on Division, 32 with SCD.
DIVISION_SHARE = 6  # per division's local team, three divisions
SCD_SHARES = [("SOC", 14), ("MLT", 5), ("MSHT", 4), ("FI", 4), ("NCA-ERSOU", 5)]
ON_MATRIX_AT_INCEPTION = 33  # of the 50; with the three closed since, 36 when the OCGMU formed

# Before the OCGMU was formed, OCGs were identified by SOC or the Force Intelligence Bureau: a
# DI of SOC and a DS of the FIB nominated them (the OCGMU's coordinators nominate from then on).
EARLY_NOMINATORS = [
    ("di.soc", "Petra", "Staplehurst", "SOC", "KS4111", Rank.DI, Role.SUPERVISOR),
    ("ds.fib", "Lewis", "Woodchurch", "FIB", "KS4112", Rank.DS, Role.SUPERVISOR),
]

# SCD LROs: the org demo has one LRO per division's local team; SCD units have their own.
SCD_LROS = [
    ("lro.soc", "Harvey", "Brenchley", "SOC", "KS4101", Rank.DS, Role.LRO),
    ("lro.mlt", "Anjali", "Cobham", "MLT", "KS4102", Rank.DS, Role.LRO),
    ("lro.msht", "Tobias", "Detling", "MSHT", "KS4103", Rank.DS, Role.LRO),
    ("lro.fi", "Rosa", "Egerton", "FI", "KS4104", Rank.DS, Role.LRO),
    ("lro.nca", "Femi", "Frittenden", "NCA-ERSOU", "KS4105", Rank.DS, Role.LRO),
]

NAMES = [
    "Ashgrove Crew", "Beltring Network", "Carden Family", "Dunkirk Road Group", "Eastwell Firm",
    "Farleigh Boys", "Glebe Street Crew", "Hadlow Network", "Ickham Family", "Jubilee Court Group",
    "Kemsing Firm", "Linton Brothers", "Marlpit Crew", "Newnham Network", "Otham Family",
    "Pluckley Group", "Queensway Firm", "Ringlestone Crew", "Stockbury Network", "Teston Family",
    "Upnor Group", "Valley Park Firm", "Westwell Crew", "Yewtree Network", "Addington Family",
    "Boughton Group", "Chartway Firm", "Doddington Crew", "Elham Network", "Fordcombe Family",
    "Godmersham Group", "Harrietsham Firm", "Iwade Crew", "Kingsnorth Network", "Lidsing Family",
    "Molash Group", "Nackington Firm", "Oare Crew", "Petham Network", "Rodmersham Family",
    "Sellindge Group", "Throwley Firm", "Ulcombe Crew", "Waltham Network", "Wormshill Family",
    "Bredhurst Group", "Capel Firm", "Dymchurch Crew", "Eynsford Network", "Frinsted Family",
    # Closed, then the handful not (yet) on the matrix.
    "Greatness Lane Crew", "Hothfield Network", "Kenardington Firm",
    "Luddenham Group", "Mereworth Crew", "Nettlestead Firm", "Ospringe Network",
    "Preston Hill Crew", "Ruckinge Family", "Smarden Group",
]  # fmt: skip
FIRST = [
    "Kyle", "Darren", "Lee", "Jamie", "Ricky", "Scott", "Wayne", "Craig", "Dean", "Stacey",
    "Kerry", "Gemma", "Tariq", "Arben", "Florin", "Marius", "Tomas", "Ionut", "Bradley", "Liam",
]  # fmt: skip
LAST = [
    "Ashby", "Blean", "Cray", "Deal", "Eden", "Fawkham", "Grain", "Hoo", "Ightham", "Kit",
    "Lydd", "Minster", "Nash", "Offham", "Paddock", "Rolvenden", "Sarre", "Tenterden",
]  # fmt: skip
CRIMINALITY_MIXES = [
    [Criminality.DRUG_SUPPLY],
    [Criminality.DRUG_SUPPLY, Criminality.FIREARMS],
    [Criminality.DRUG_IMPORTATION, Criminality.MONEY_LAUNDERING],
    [Criminality.AGGRAVATED_BURGLARY, Criminality.ACQUISITIVE_CRIME],
    [Criminality.ATM_THEFT, Criminality.ACQUISITIVE_CRIME],
    [Criminality.MSHT, Criminality.CSE],
    [Criminality.FRAUD, Criminality.MONEY_LAUNDERING, Criminality.CYBER],
    [Criminality.OIC, Criminality.MSHT],
    [Criminality.DRUG_SUPPLY, Criminality.MONEY_LAUNDERING, Criminality.FIREARMS],
    [Criminality.DRUG_SUPPLY, Criminality.MSHT],
]
OCG_FACTORS = [
    "violence", "firearms", "corruption", "sophistication", "financial_capability",
    "criminal_tempo", "expansion", "exploitation_of_vulnerable", "physical_harm",
    "economic_harm", "community_impact",
]  # fmt: skip
SCORABLE_GRADES = [("1", "A"), ("1", "B"), ("2", "A"), ("2", "B"), ("1", "C"), ("2", "C")]
EVIDENCE = {
    OcgCriterion.TWO_OR_MORE_INDIVIDUALS: "Principal and lieutenants identified from comms data.",
    OcgCriterion.WORKING_TOGETHER: "Members seen together at storage addresses; shared handsets.",
    OcgCriterion.INTENT_AND_CAPABILITY: "Access to supply chain, vehicles and cash to reinvest.",
    OcgCriterion.SERIOUS_CRIME: "Offences carrying seven years or more (supply, firearms).",
    OcgCriterion.CONTINUING_BASIS: "Activity recorded over more than six months.",
    OcgCriterion.PLANNING_CONTROL_STRUCTURE: "Principal directs roles; runners paid per drop.",
}
PLAN = [
    (PlanStrand.PURSUE, "Financial investigation into the principal's assets (POCA)."),
    (PlanStrand.PREVENT, "Prison and licence conditions for members due for release."),
    (PlanStrand.PROTECT, "Safeguarding visits to addresses at risk of cuckooing."),
    (PlanStrand.PREPARE, "Community impact assessment with the district CSP."),
]
STORY_DISMANTLED = "Greatness Lane Crew"  # dismantled in September over three days of warrants


@dataclass(frozen=True)
class OcgPlan:
    index: int
    name: str
    stage: str
    division: Division
    team: Team | None
    nominated_on: datetime.date
    mapped_on: datetime.date | None = None
    adopted_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    closed_as: str = ""


@dataclass(frozen=True)
class Cast:
    coordinator: Any
    researcher: Any
    analysts: dict[int, Any]  # division id -> analyst
    supervisor: Any
    lros: dict[int, Any]  # team id -> LRO
    early_nominators: list[Any]  # SOC's and the FIB's, before the OCGMU


def _demo_officers(
    teams: dict[str, Team], rows: list[tuple[str, str, str, str, str, str, str]]
) -> None:
    """Officers of the force-wide teams the org demo leaves without one: (username, first and
    last name, team code, collar number, rank, role)."""
    User = get_user_model()
    shared_hash = (
        User.objects.filter(officer__role=Role.COORDINATOR)
        .values_list("password", flat=True)
        .first()
    )
    for username, first, last, team_code, collar, rank, role in rows:
        team = teams.get(team_code)
        if team is None or Officer.objects.filter(user__username=username).exists():
            continue
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@kent-shire.example",
            },
        )
        if not settings.DEBUG:
            user.set_unusable_password()
        elif shared_hash and not shared_hash.startswith("!"):  # "!": unusable
            user.password = shared_hash  # the org demo's: hashing is slow by design
        else:
            user.set_password(settings.KENTSOC_DEMO_PASSWORD)
        user.save()
        officer = Officer.objects.create(
            user=user, collar_number=collar, rank=rank, role=role, team=team
        )
        officer_sync_group(officer=officer)


def _cast(teams: dict[str, Team]) -> Cast | None:
    officers = Officer.objects.select_related("user", "team")

    def first(role: str) -> Any | None:
        officer = officers.filter(role=role).order_by("pk").first()
        return officer.user if officer else None

    analysts = {o.division_id: o.user for o in officers.filter(role=Role.ANALYST).order_by("-pk")}
    lros = {o.team_id: o.user for o in officers.filter(role=Role.LRO).order_by("-pk")}
    early = [u for u, *_ in EARLY_NOMINATORS]
    early_nominators = [
        o.user for o in officers.filter(user__username__in=early).order_by("collar_number")
    ]
    cast = Cast(
        first(Role.COORDINATOR),
        first(Role.RESEARCHER),
        analysts,
        first(Role.SUPERVISOR),
        lros,
        early_nominators,
    )
    if None in (cast.coordinator, cast.researcher, cast.supervisor) or not analysts:
        return None
    if any(team.pk not in lros for team in teams.values()):
        return None
    return cast


def plans(story: StoryCalendar, divisions: list[Division], teams: dict[str, Team]) -> list[OcgPlan]:
    """The 60 OCGs of the story, in a fixed order (the same on every run and every D)."""
    managing: list[Team] = []
    for division in divisions:
        managing += [teams[f"{division.code}-LOCAL"]] * DIVISION_SHARE
    for code, count in SCD_SHARES:
        managing += [teams[code]] * count
    # Interleave so a year ago both Division and SCD groups were on the matrix.
    rng = random.Random("ocg-plans")
    rng.shuffle(managing)
    out: list[OcgPlan] = []
    for index, name in enumerate(NAMES):
        r = random.Random(f"{name}-{index}")
        if index < 50:
            team = managing[index]
            division = team.division or divisions[index % len(divisions)]
            if index < ON_MATRIX_AT_INCEPTION:
                # Mapped at least 410 days before D: before the inception reading, however the
                # months fall (it is at most 397 days before D).
                nominated = story.days_before(r.randint(470, 900))
                mapped = nominated + datetime.timedelta(days=r.randint(25, 60))
            else:
                nominated = story.days_before(r.randint(200, 340))
                mapped = nominated + datetime.timedelta(days=r.randint(25, 90))
            adopted = min(mapped + datetime.timedelta(days=r.randint(5, 30)), story.end)
            out.append(OcgPlan(index, name, ADOPTED, division, team, nominated, mapped, adopted))
            continue
        division = divisions[index % len(divisions)]
        if index < 53:  # on the matrix a year ago, closed since
            nominated = story.days_before(r.randint(460, 700))
            mapped = nominated + datetime.timedelta(days=r.randint(25, 60))
            closed_on, closed_as = {
                # The seed's strike: over three days ending on the 13th of the month before
                # D's (11-13 September 2022).
                50: (add_months(story.end.replace(day=13), -1), OcgStatus.DISMANTLED),
                51: (story.days_before(150), OcgStatus.DISMANTLED),
                52: (story.days_before(200), OcgStatus.ARCHIVED),
            }[index]
            team = teams["SOC"] if index == 50 else teams[f"{division.code}-LOCAL"]
            adopted = mapped + datetime.timedelta(days=14)
            out.append(
                OcgPlan(
                    index,
                    name,
                    CLOSED,
                    division,
                    team,
                    nominated,
                    mapped,
                    adopted,
                    closed_on,
                    closed_as,
                )  # fmt: skip
            )
            continue
        stage, days = {
            53: (NOMINATED, 6),
            54: (NOMINATED, 19),
            55: (DEVELOPING, 45),
            56: (DEVELOPING, 75),
            57: (AWAITING, 60),
            58: (AWAITING, 95),
            59: (REJECTED, 130),
        }[index]
        out.append(OcgPlan(index, name, stage, division, None, story.days_before(days)))
    return out


def _members(cast: Cast, rng: random.Random, count: int) -> list[dict[str, Any]]:
    roles = [MembershipRole.PRINCIPAL, MembershipRole.LIEUTENANT] + [
        rng.choice([MembershipRole.MEMBER, MembershipRole.MEMBER, MembershipRole.ENABLER])
        for _ in range(count - 2)
    ]
    members = []
    for role in roles:
        born = datetime.date(rng.randint(1966, 2003), rng.randint(1, 12), rng.randint(1, 28))
        nominal = nominals.nominal_create(
            actor=cast.researcher,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            date_of_birth=born,
            aliases=rng.choice(["", "", f"'{rng.choice(['Tiny', 'Smiler', 'Bones', 'Dee'])}'"]),
        ).nominal
        members.append({"nominal": nominal.pk, "role": role})
    return members


def _intelligence(
    cast: Cast, ocg: OCG, plan: OcgPlan, rng: random.Random, story: StoryCalendar
) -> list[Any]:
    analyst = cast.analysts.get(plan.division.pk) or next(iter(cast.analysts.values()))
    last = plan.closed_on or story.end
    dates = [plan.nominated_on + datetime.timedelta(days=rng.randint(0, 10))]
    if plan.mapped_on:
        dates.append(plan.mapped_on + datetime.timedelta(days=rng.randint(20, 120)))
        dates.append(last - datetime.timedelta(days=rng.randint(3, 80)))
    principal = ocg.memberships.filter(role=MembershipRole.PRINCIPAL).values_list(
        "nominal_id", flat=True
    )
    records = []
    for n, on in enumerate(sorted(min(max(d, plan.nominated_on), last) for d in dates)):
        source, assessment = rng.choice(SCORABLE_GRADES)
        if n == 2 and rng.random() < 0.25:
            source, assessment = "3", "C"  # kept and shown, never scored
        factors = rng.sample(OCG_FACTORS, rng.randint(3, 6))
        records.append(
            intelligence_create(
                actor=analyst,
                rms_reference=f"ATH-{rng.randint(100000, 999999)}",
                information_date=on,
                summary=f"Fictional intelligence on the {ocg.name}'s activity and associates.",
                source_evaluation=source,
                intelligence_assessment=assessment,
                handling_code="P",
                ocgs=[ocg.pk],
                nominals=list(principal),
                factor_claims=[{"factor": f, "level": rng.randint(1, 3)} for f in factors],
            )
        )
    return records


def _date_history(ocg: OCG, plan: OcgPlan) -> None:
    """Put the transitions the services stamped today on the story's days."""
    development = plan.nominated_on + datetime.timedelta(days=3)
    days = {
        OcgStatus.IN_DEVELOPMENT: development,
        OcgStatus.MAPPED: plan.mapped_on,
        OcgStatus.ADOPTED: plan.adopted_on,
        OcgStatus.REJECTED: plan.nominated_on + datetime.timedelta(days=30),
    }
    for status, day in days.items():
        if day is not None:
            OcgStatusChange.objects.filter(ocg=ocg, to_status=status).update(effective_on=day)
    fields: dict[str, Any] = {"mapped_on": plan.mapped_on, "adopted_on": plan.adopted_on}
    if plan.stage == REJECTED:
        fields["closed_on"] = days[OcgStatus.REJECTED]
    if plan.stage == AWAITING:
        fields["mapping_submitted_at"] = datetime.datetime.combine(
            plan.nominated_on + datetime.timedelta(days=40), datetime.time(15, 0), datetime.UTC
        )
    OCG.objects.filter(pk=ocg.pk).update(**fields)


def _seed_ocg(cast: Cast, plan: OcgPlan, story: StoryCalendar) -> OCG:
    rng = random.Random(f"{plan.name}-{plan.index}")
    # The OCGMU nominates from its formation; before it, SOC or the FIB identified the group.
    nominator = (
        cast.early_nominators[plan.index % len(cast.early_nominators)]
        if plan.nominated_on < story.ocgmu_formed and cast.early_nominators
        else cast.coordinator
    )
    ocg = nomination.ocg_nominate(
        actor=nominator,
        name=plan.name,
        criminality=CRIMINALITY_MIXES[plan.index % len(CRIMINALITY_MIXES)],
        division=plan.division.pk,
        summary=f"Fictional group operating across {plan.division.name} Division.",
        # The group dismantled in September had five members arrested.
        members=_members(
            cast, rng, max(rng.randint(3, 6), 5 if plan.name == STORY_DISMANTLED else 0)
        ),
        nominated_on=plan.nominated_on,
    )
    if plan.stage == NOMINATED:
        return ocg
    records = _intelligence(cast, ocg, plan, rng, story)
    criteria = list(EVIDENCE.items())
    if plan.stage == DEVELOPING:
        criteria = criteria[: 3 + plan.index % 2]  # still gathering: some criteria missing
    for criterion, text in criteria:
        _evidence(cast.researcher, ocg, criterion, text, records[0])
    ocg.refresh_from_db()
    if ocg.status == OcgStatus.NOMINATED:
        ocg = lifecycle.ocg_start_development(actor=cast.coordinator, ocg=ocg)
    if plan.stage == REJECTED:
        ocg = lifecycle.ocg_reject(
            actor=cast.supervisor,
            ocg=ocg,
            reason="Associates of a single dealer, no group structure: refer to the district.",
        )
    if plan.stage in (AWAITING, ADOPTED, CLOSED):
        ocg = lifecycle.ocg_submit_for_mapping(actor=cast.coordinator, ocg=ocg)
    if plan.stage in (ADOPTED, CLOSED):
        ocg = lifecycle.ocg_approve_mapping(actor=cast.supervisor, ocg=ocg)
        lro = cast.lros[plan.team.pk]
        ocg = lifecycle.ocg_adopt(
            actor=cast.supervisor,
            ocg=ocg,
            managing_team=plan.team.pk,
            lead_responsible_officer=lro.pk,
        )
        _plan_actions(ocg, lro, rng, story, plan)
    if plan.stage == CLOSED:
        reason = (
            "Warrants at several addresses over three days; five members arrested, class A, "
            "cannabis, phones, SIM cards and over £14,000 cash seized."
            if plan.name == STORY_DISMANTLED
            else "Principal and lieutenants convicted; no activity since."
            if plan.closed_as == OcgStatus.DISMANTLED
            else "No intelligence for twelve months; archived after review."
        )
        ocg = lifecycle.ocg_close(
            actor=cast.supervisor,
            ocg=ocg,
            status=plan.closed_as,
            date=plan.closed_on,
            reason=reason,
        )
    _date_history(ocg, plan)
    return ocg


def _evidence(actor: Any, ocg: OCG, criterion: str, text: str, record: Any) -> None:
    evidence_add(actor=actor, ocg=ocg, criterion=criterion, text=text, records=[record.pk])


def _plan_actions(
    ocg: OCG, lro: Any, rng: random.Random, story: StoryCalendar, plan: OcgPlan
) -> None:
    for n, (strand, text) in enumerate(rng.sample(PLAN, 3)):
        if n == 0:  # done some weeks after adoption
            due, status = plan.adopted_on + datetime.timedelta(days=30), PlanActionStatus.DONE
        elif n == 1:  # overdue at the story's end for some groups
            due = story.days_before(rng.choice([12, 40, -20, -45]))
            status = PlanActionStatus.IN_PROGRESS
        else:
            due, status = story.end + datetime.timedelta(days=60), PlanActionStatus.OPEN
        plan_action_add(
            actor=lro, ocg=ocg, strand=strand, description=text, owner=lro.pk, due_on=due,
            status=status,
        )  # fmt: skip


def seed(stdout: TextIO, story_end: datetime.date) -> None:
    story = StoryCalendar(story_end)
    divisions = list(Division.objects.filter(is_central=False).order_by("pk"))
    codes = [f"{d.code}-LOCAL" for d in divisions] + [code for code, _ in SCD_SHARES]
    teams = {t.code: t for t in Team.objects.filter(code__in=codes)}
    if len(divisions) != 3 or len(teams) != len(codes):
        stdout.write("  OCGs: skipped (no demo force)\n")
        return
    Team.objects.filter(kind=TeamKind.OCGMU).update(formed_on=story.ocgmu_formed)
    _demo_officers(teams, SCD_LROS)
    _demo_officers(
        {t.code: t for t in Team.objects.filter(code__in=["SOC", "FIB"])}, EARLY_NOMINATORS
    )
    cast = _cast(teams)
    if cast is None:
        stdout.write("  OCGs: skipped (demo officers missing)\n")
        return
    existing = set(OCG.objects.filter(name__in=NAMES).values_list("name", flat=True))
    made = 0
    # One transaction: all or nothing, and one commit rather than one per group.
    with transaction.atomic():
        for plan in plans(story, divisions, teams):
            if plan.name in existing:
                continue
            _seed_ocg(cast, plan, story)
            made += 1
    scored = OCG.objects.filter(status__in=[OcgStatus.MAPPED, OcgStatus.ADOPTED]).count()
    stdout.write(f"  OCGs: {made} created; {scored} mapped and scored\n")
    stdout.write("  SCD LROs: " + ", ".join(u for u, *_ in SCD_LROS) + " (same demo password)\n")
