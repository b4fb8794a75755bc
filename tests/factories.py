"""The one set of test factories, for every app's tests: the organisation, then the subjects
(nominals, OCGs, county lines), intelligence, people at risk and disruptions.

Rows are written straight through the ORM (fast, and exactly the state a test describes);
behaviour goes through the services in the tests themselves. The factory classes hold each model's
defaults; the `make_*` builders add the related rows a subject usually has (members, districts,
deal lines, claims). Defaults are the model's own where it has one (an OCG or a line starts
nominated); a test that needs another state says so.

Everything belongs to the force "KS" unless a test says otherwise: a divisional record follows its
division's force, and a nominal, an intelligence record, a team with no division, an operation or
a training input take `force=`; `other_force()` builds a second force to prove isolation."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from countylines.choices import LineRole, LineStatus
from countylines.models import (
    CountyLine,
    CountyLineDistrict,
    CountyLineStatusChange,
    DealLine,
    LineNominal,
    PersonAtRisk,
)
from disruptions.choices import CourtOutcome, DisruptionStatus, ImpactGrade, Strand, Tactic
from disruptions.models import CourtResult, Disruption, WeaponSeizure
from disruptions.services.approvals import lines_last_disruption_refresh
from kentsoc.gangs.models import Gang, GangMembership
from kentsoc.intel.choices import CountyLineCriterion, OcgCriterion
from kentsoc.intel.models import DefinitionEvidence, FactorClaim, IntelligenceRecord
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.roles import group_name
from kentsoc.people.models import NominalMerge
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention
from ocg.choices import MembershipRole
from ocg.models import OCG, CriminalityType, Membership, Nominal

TEST_PASSWORD = "correct-horse-battery-9"


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ["code"]

    code = "KS"
    name = "Kent-shire Constabulary (fictional)"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ["code"]

    force = factory.SubFactory(ForceFactory)
    code = factory.Sequence(lambda n: f"DIV{n}")
    is_central = False
    name = factory.LazyAttribute(lambda o: o.code.title())


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    division = factory.SubFactory(DivisionFactory)
    code = factory.Sequence(lambda n: f"DST{n}")
    name = factory.LazyAttribute(lambda o: f"District {o.code}")


def _force_of(o: Any) -> Force:
    """A divisional team's force is its division's; otherwise the default force."""
    return o.division.force if o.division is not None else ForceFactory()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEAM{n}")
    name = factory.LazyAttribute(lambda o: f"Team {o.code}")
    kind = TeamKind.SOC
    division = None
    force = factory.LazyAttribute(_force_of)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Testperson{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OfficerFactory(factory.django.DjangoModelFactory):
    """An officer with a user, a team and a role; the user joins the role's group."""

    class Meta:
        model = Officer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    collar_number = factory.Sequence(lambda n: f"{10000 + n}")
    rank = Rank.DC
    role = Role.ANALYST
    team = factory.SubFactory(TeamFactory)
    division = None

    @factory.post_generation
    def _group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=group_name(obj.role))
            obj.user.groups.add(group)


# Subjects ---------------------------------------------------------------------------------------

_seq = itertools.count(1)
_numbers = itertools.count(100)
# How long ago a subject was nominated unless a test says otherwise.
OCG_NOMINATED_DAYS_AGO = 90
LINE_NOMINATED_DAYS_AGO = 60


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


class NominalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nominal

    force = factory.SubFactory(ForceFactory)
    reference = factory.Sequence(lambda n: f"NOM-T{n:05d}")
    first_name = "Jordan"
    last_name = factory.Sequence(lambda n: f"Fictional{n}")
    # An adult: an SCPO, for one, can only be made for a person aged 18 or over.
    date_of_birth = datetime.date(1990, 5, 17)


class OcgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OCG

    reference = factory.Sequence(lambda n: f"OCG-T{n:04d}")
    name = "The Harbour Crew"
    division = factory.SubFactory(DivisionFactory, code="NORTH", name="North")
    nominated_on = factory.LazyFunction(lambda: days_ago(OCG_NOMINATED_DAYS_AGO))


class CountyLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyLine

    reference = factory.Sequence(lambda n: f"CL-T{n:04d}")
    name = "BLAZE"
    exporting_area = "Lambeth"
    division = factory.SubFactory(DivisionFactory, code="NORTH", name="North")
    nominated_on = factory.LazyFunction(lambda: days_ago(LINE_NOMINATED_DAYS_AGO))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    ocg = factory.SubFactory(OcgFactory)
    nominal = factory.SubFactory(NominalFactory)
    role = MembershipRole.MEMBER


def _given(**fields: Any) -> dict[str, Any]:
    """The fields a caller set, so the factory's defaults fill the rest."""
    return {name: value for name, value in fields.items() if value is not None}


def make_nominal(
    first_name: str | None = None, last_name: str = "Testcase", date_of_birth=None, **fields
) -> Nominal:
    """A person known so far by name only, as an officer first records them."""
    return NominalFactory(
        first_name=first_name or f"Person{next(_seq)}",
        last_name=last_name,
        date_of_birth=date_of_birth,
        **fields,
    )


def make_ocg(
    division=None,
    reference: str | None = None,
    *,
    name: str | None = None,
    status: str | None = None,
    members: int = 2,
    criminality: tuple[str, ...] | list[str] = ("drug_supply",),
    nominated_on: datetime.date | None = None,
    **fields,
) -> OCG:
    """An OCG (nominated unless `status` says otherwise) with `members` people, the first its
    principal, and its kinds of criminality."""
    ocg = OcgFactory(
        **_given(
            division=division,
            reference=reference,
            name=name,
            status=status,
            nominated_on=nominated_on,
        ),
        **fields,
    )
    for code in criminality:
        ocg.criminality.add(
            CriminalityType.objects.get_or_create(code=code, defaults={"label": code})[0]
        )
    for i in range(members):
        Membership.objects.create(
            ocg=ocg,
            nominal=make_nominal(force=ocg.division.force),
            role=MembershipRole.PRINCIPAL if i == 0 else MembershipRole.MEMBER,
            from_date=ocg.nominated_on,
        )
    return ocg


def make_line(
    division=None,
    reference: str | None = None,
    *,
    districts=(),
    name: str | None = None,
    status: str = LineStatus.NOMINATED,
    nominated_on: datetime.date | None = None,
    numbers: list[str] | None = None,
    flexed_division=None,
    **fields,
) -> CountyLine:
    """A county line in its division (or its first district's), working `districts` (the first
    primary) on `numbers` (default: one number of its own). An active line was activated the
    day it was nominated unless `activated_on` says otherwise."""
    nominated_on = nominated_on or days_ago(LINE_NOMINATED_DAYS_AGO)
    if status == LineStatus.ACTIVE:
        fields.setdefault("activated_on", nominated_on)
    if flexed_division is not None:
        fields.setdefault("flex_reason", "Cross-border work")
    line = CountyLineFactory(
        **_given(
            division=division or (districts[0].division if districts else None),
            reference=reference,
            name=name,
        ),
        status=status,
        nominated_on=nominated_on,
        flexed_division=flexed_division,
        **fields,
    )
    for i, district in enumerate(districts):
        CountyLineDistrict.objects.create(
            county_line=line, district=district, is_primary=i == 0, position=i
        )
    for number in numbers if numbers is not None else [f"07700900{next(_numbers) % 1000:03d}"]:
        DealLine.objects.create(county_line=line, number=number, active_from=nominated_on)
    return line


def add_runner(line: CountyLine, **fields) -> LineNominal:
    return LineNominal.objects.create(
        county_line=line, nominal=make_nominal(), role=LineRole.RUNNER, **fields
    )


def make_person(line: CountyLine, *, kind: str = "child", age_band: str = "15_17", **fields):
    return PersonAtRisk.objects.create(
        county_line=line,
        name=fields.pop("name", "Sam Example"),
        kind=kind,
        age_band=age_band,
        **fields,
    )


# Intelligence ---------------------------------------------------------------------------------


class RecordFactory(factory.django.DjangoModelFactory):
    """A record written straight to the table: graded 1A, handling P, from three days ago.
    `claims` is {factor: level} or (factor, level) pairs."""

    class Meta:
        model = IntelligenceRecord
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"INT-T{n:05d}")
    # The owning team's force, else the default force (make_record: its subjects' force).
    force = factory.LazyAttribute(
        lambda o: o.owning_team.force if o.owning_team is not None else ForceFactory()
    )
    owning_team = None
    information_date = factory.LazyFunction(lambda: days_ago(3))
    summary = "Fictional: the group stores cash at a lock-up."
    source_evaluation = "1"
    intelligence_assessment = "A"
    handling_code = "P"

    @factory.post_generation
    def ocgs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.ocgs.set(extracted)

    @factory.post_generation
    def county_lines(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.county_lines.set(extracted)

    @factory.post_generation
    def nominals(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.nominals.set(extracted)

    @factory.post_generation
    def claims(obj, create, extracted, **kwargs):
        if create and extracted:
            FactorClaim.objects.bulk_create(
                FactorClaim(record=obj, factor=f, level=lv) for f, lv in dict(extracted).items()
            )


def make_record(
    *,
    lines=(),
    ocgs=(),
    claims=(),
    grading: str | None = None,
    on: datetime.date | None = None,
    deleted: bool = False,
    **fields,
) -> IntelligenceRecord:
    """A record about `lines` and `ocgs`, graded `grading` ("2B", or with its handling code
    "1AC"), dated `on`, soft-deleted if `deleted`."""
    if grading:
        handling = grading[2] if len(grading) > 2 else "P"
        fields.update(
            source_evaluation=grading[0],
            intelligence_assessment=grading[1],
            handling_code=handling,
            handling_conditions="Owner only" if handling == "C" else "",
        )
    subjects = [*lines, *ocgs]
    if subjects and "force" not in fields and "owning_team" not in fields:
        fields["force"] = subjects[0].division.force
    return RecordFactory(
        county_lines=list(lines),
        ocgs=list(ocgs),
        claims=claims,
        deleted_at=timezone.now() if deleted else None,
        **_given(information_date=on),
        **fields,
    )


def evidence_all(subject: OCG | CountyLine, *, except_: tuple[str, ...] = (), by=None) -> None:
    """Definition evidence for every criterion of the subject's kind but `except_`."""
    if isinstance(subject, OCG):
        criteria, about = OcgCriterion.values, {"ocg": subject}
    else:
        criteria, about = CountyLineCriterion.values, {"county_line": subject}
        by = by or UserFactory(username="evidence-officer")
    for code in criteria:
        if code not in except_:
            DefinitionEvidence.objects.create(
                criterion=code, text=f"Evidence for {code}", created_by=by, **about
            )


# Disruptions ----------------------------------------------------------------------------------


def make_disruption(
    *,
    author: Any,
    team: Any,
    status: str = DisruptionStatus.APPROVED,
    approver: Any = None,
    date: datetime.date | None = None,
    lines: list | None = None,
    ocgs: list | None = None,
    nominals: list | None = None,
    weapons: int = 0,
    **counts: Any,
) -> Disruption:
    """A disruption row written directly (for selector and report tests; services have their own
    tests). `approver` is needed for an approved one."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "date": date or datetime.date(2022, 6, 15),
        "team": team,
        "officer": author,
        "created_by": author,
        "strand": Strand.PURSUE,
        "tactic": Tactic.WARRANT,
        "impact_grade": ImpactGrade.MODERATE,
        "impact_rationale": "Supply interrupted for a week.",
        "status": status,
        "against_ocg": bool(ocgs),
        **counts,
    }
    if status == DisruptionStatus.APPROVED:
        fields.update(approved_by=approver, approved_at=now, submitted_at=now)
    if status == DisruptionStatus.RETURNED:
        fields.update(return_reason="Add the custody numbers.")
    d = Disruption.objects.create(**fields)
    d.county_lines.set(lines or [])
    d.ocgs.set(ocgs or [])
    d.nominals.set(nominals or [])
    if weapons:
        WeaponSeizure.objects.create(disruption=d, kind="bladed", count=weapons)
    # As approving one does: its lines keep the date of their latest approved disruption.
    lines_last_disruption_refresh(line_ids=[line.pk for line in lines or []])
    return d


def make_sentence(
    disruption: Disruption, nominal: Nominal, years: int, months: int, author: Any
) -> CourtResult:
    return CourtResult.objects.create(
        disruption=disruption,
        nominal=nominal,
        offences="Possession with intent to supply class A",
        outcome=CourtOutcome.CUSTODIAL,
        sentence_years=years,
        sentence_months=months,
        result_date=disruption.date + datetime.timedelta(days=60),
        created_by=author,
    )


def disruption_values(team: Any, **overrides: Any) -> dict[str, Any]:
    """What an officer fills in on the disruption form: the values disruption_create takes."""
    values = {
        "date": datetime.date(2022, 6, 15),
        "team": team,
        "strand": Strand.PURSUE,
        "tactic": Tactic.WARRANT,
        "narrative": "Warrant executed at a trap house.",
        "impact_grade": ImpactGrade.MAJOR,
        "impact_rationale": "Line holder arrested and deal line closed.",
        "arrests": 2,
        "prisoners_dealt_with": 2,
        "warrants_executed": 1,
        "warrant_power": "s18",
        "charges": 3,
        "cash_seized": Decimal("1250.00"),
    }
    values.update(overrides)
    return values


def make_matrix_line(
    division, reference: str, *, active_from: datetime.date, claims: dict, on: datetime.date
) -> CountyLine:
    """An active line whose status history has it on the matrix from `active_from` (what
    `recompute_all(as_of=<a past day>)` reads), with one 2B record dated `on` claiming `claims`."""
    line = make_line(division, reference, status=LineStatus.ACTIVE, nominated_on=active_from)
    CountyLineStatusChange.objects.create(
        county_line=line,
        from_status=LineStatus.NOMINATED,
        to_status=LineStatus.ACTIVE,
        effective_on=active_from,
    )
    make_record(lines=[line], claims=claims, on=on, grading="2B")
    return line


# People -----------------------------------------------------------------------------------------


def make_merge(survivor: Nominal, *, by: Any, merged_name: str = "Alex Mergedrecord"):
    """A merge of a (long gone) person into `survivor`, as the history shows it: the row only,
    nothing moved, for pages and access tests (tests/people drive the real service)."""
    merged_id = survivor.pk + 1_000_000
    return NominalMerge.objects.create(
        survivor_id=survivor.pk,
        merged_id=merged_id,
        survivor_label=f"{survivor.reference} {survivor.full_name}",
        merged_label=f"NOM-{merged_id:06d} {merged_name}",
        reason="Fictional: same PNC number",
        merged_row={"id": merged_id, "reference": f"NOM-{merged_id:06d}"},
        merged_by=by,
    )


# Gangs ------------------------------------------------------------------------------------------


class GangFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gang

    reference = factory.Sequence(lambda n: f"GNG-T{n:04d}")
    name = "Eastgate Boys"
    area = "Eastgate estate"
    division = factory.SubFactory(DivisionFactory, code="NORTH", name="North")


def make_gang(division=None, *, members=(), lines=(), ocgs=(), **fields) -> Gang:
    """A gang of `division` with `members` ((nominal, role) pairs) and links to `lines`, `ocgs`."""
    gang = GangFactory(**_given(division=division), **fields)
    for nominal, role in members:
        GangMembership.objects.create(gang=gang, nominal=nominal, role=role)
    gang.county_lines.set(lines)
    gang.ocgs.set(ocgs)
    return gang


# Prevention work ----------------------------------------------------------------------------------


def make_session(officer, *, division=None, **fields) -> SchoolSession:
    """A school session given by `officer` (a user), in their division unless one is given."""
    division = division or officer.officer.division or officer.officer.team.division
    return SchoolSession.objects.create(
        officer=officer,
        division=division,
        school=fields.pop("school", "Hollowmere Academy"),
        held_on=fields.pop("held_on", days_ago(7)),
        audience=fields.pop("audience", 60),
        topic=fields.pop("topic", "County lines and exploitation"),
        created_by=officer,
        **fields,
    )


def make_intervention(officer, gang, *, division=None, **fields) -> StreetGroupIntervention:
    """An intervention `officer` (a user) led with `gang`, in their division unless given."""
    division = division or officer.officer.division or officer.officer.team.division
    return StreetGroupIntervention.objects.create(
        officer=officer,
        gang=gang,
        division=division,
        held_on=fields.pop("held_on", days_ago(5)),
        young_people_engaged=fields.pop("young_people_engaged", 8),
        referrals_made=fields.pop("referrals_made", 2),
        created_by=officer,
        **fields,
    )


# Forces ---------------------------------------------------------------------------------------


def other_force(code: str = "WX") -> dict[str, Any]:
    """A second force, shaped like tests/conftest.py's `force` fixture: its own division, district
    and force-wide and divisional teams (codes prefixed with the force's), for isolation tests."""
    force = ForceFactory(code=code, name=f"{code}-shire Police (fictional)")
    division = DivisionFactory(code=f"{code}-NORTH", name=f"{code} North", force=force)
    district = DistrictFactory(code=f"{code}-D1", name=f"{code} District", division=division)
    teams = {
        "soc": TeamFactory(code=f"{code}-SOC", name=f"{code} SOC", kind=TeamKind.SOC, force=force),
        "ocgmu": TeamFactory(
            code=f"{code}-OCGMU", name=f"{code} OCGMU", kind=TeamKind.OCGMU, force=force
        ),
        "bureau": TeamFactory(
            code=f"{code}-FIB", name=f"{code} FIB", kind=TeamKind.FIB, force=force
        ),
        "clgt_north": TeamFactory(
            code=f"{code}-CLGT", name=f"{code} CLGT", kind=TeamKind.CLGT, division=division
        ),
        "admin": TeamFactory(
            code=f"{code}-ADMIN",
            name=f"{code} Administration",
            kind=TeamKind.ADMINISTRATION,
            force=force,
        ),
    }
    return {
        "force": force,
        "divisions": {"north": division},
        "districts": {"d1": district},
        "teams": teams,
    }
