"""Lifetime management for `seed_demo`: custody, conditions, SCPOs and LRO training.

What the OCGMU coordinators track (the seed: prison and licence conditions agreed with Prison
and Probation, SCPOs coordinated by the OCGMU since August 2022 — SOC applied for the earlier
ones —, LRO training inputs across the county):
- members of adopted OCGs in prison, some due out in the next 90 days with licence conditions,
  an SCPO applied for, both, or nothing in place yet; others remanded, on licence, or released;
- SCPOs: made and in force (one breached), one expiring within 90 days, one applied for;
- LRO training: two inputs held (with attendance and partners from councils and Essex), a third
  planned; some LROs of adopted OCGs have not attended.

Past events are dated from the story's last day D. What is "coming up" (expected releases, the
SCPO expiry) is dated from today, because the coordinators' lists and the dashboard count the
next 90 days from today, whatever day the story ends on.

Everything goes through kentsoc.lifetime.services (audit, validation, custody status kept in step);
SCPOs and conditions recorded as disruptions are submitted and approved like any other.
Idempotent: if the demo's training exists, lifetime management is already seeded.
"""

from __future__ import annotations

import datetime
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from disruptions.services import approvals
from disruptions.services import disruptions as disruption_services
from kentsoc.dates import add_months
from kentsoc.demo.matrix import StoryCalendar
from kentsoc.lifetime.choices import Audience, ConditionKind, CustodyEventKind, Partner
from kentsoc.lifetime.models import TrainingInput
from kentsoc.lifetime.services.conditions import condition_add
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.lifetime.services.scpos import scpo_apply, scpo_breach_record, scpo_make
from kentsoc.lifetime.services.training import (
    training_attendance_record,
    training_create,
    training_partners_record,
)
from kentsoc.org.choices import Role
from kentsoc.org.models import Officer
from ocg.choices import MembershipRole, OcgStatus
from ocg.models import Membership, Nominal

TRAINER = "OCGMU coordinators (demo)"
PRISONS = ["HMP Ashbourne Vale", "HMP Brenley Marsh", "HMP Coldharbour", "HMP Dungate"]
# In prison, expected out this many days from today: four within 90 days, two later.
# What is in place for each: licence conditions, an SCPO applied for, both, or nothing yet.
RELEASES = [
    (12, {"licence"}),
    (33, {"scpo"}),
    (58, {"licence", "scpo"}),
    (81, set()),
    (140, {"licence"}),
    (300, set()),
]
LICENCE_TEXT = "Not to contact named OCG members; curfew 19:00-07:00; one mobile phone, declared."
PRISON_TEXT = "No contact with named associates; calls and visits monitored."
SCPO_MONTHS = 60  # the longest an order may run
SOC_DI = "di.soc"  # the OCG demo's DI of SOC, who coordinated SCPOs before the OCGMU
SCPO_TEXT = "One declared phone; no more than £1,000 cash; vehicles declared within 3 days."


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _people(count: int) -> list[Nominal]:
    """Principals and lieutenants of adopted OCGs, aged 18+ a decade ago (SCPO age rule)."""
    rows = (
        Membership.objects.filter(
            ocg__status=OcgStatus.ADOPTED,
            to_date__isnull=True,
            role__in=[MembershipRole.PRINCIPAL, MembershipRole.LIEUTENANT],
            nominal__date_of_birth__lte=datetime.date(1995, 1, 1),
        )
        .select_related("nominal")
        .order_by("ocg_id", "role", "nominal_id")
    )
    people: list[Nominal] = []
    for row in rows:
        if row.nominal not in people:
            people.append(row.nominal)
        if len(people) == count:
            break
    return people


def _approve(disruption: Any, author: Any, supervisor: Any) -> None:
    disruption_services.disruption_submit(actor=author, disruption=disruption)
    approvals.disruption_approve(actor=supervisor, disruption=disruption)


def _sentence(actor: Any, nominal: Nominal, on: datetime.date, prison: str) -> Any:
    custody_event_record(
        actor=actor,
        nominal=nominal,
        kind=CustodyEventKind.SENTENCED,
        on_date=on,
        establishment=prison,
        note="Sentenced at Crown Court (fictional).",
    )
    return nominal.custody_periods.get(ended_on__isnull=True)


def _custody(
    coordinator: Any, supervisor: Any, people: list[Nominal], story: StoryCalendar, today: Any
) -> None:
    past = story.end
    releasing, others = people[: len(RELEASES)], people[len(RELEASES) :]
    for n, (nominal, (days_out, in_place)) in enumerate(zip(releasing, RELEASES, strict=True)):
        sentenced = past - _days(300 + 90 * n)
        period = _sentence(coordinator, nominal, sentenced, PRISONS[n % len(PRISONS)])
        release = today + _days(days_out)
        custody_dates_update(
            actor=coordinator,
            period=period,
            version=period.version,
            sentence_date=sentenced,
            expected_release_date=release,
            licence_end_date=add_months(release, 18) if "licence" in in_place else None,
            establishment=PRISONS[n % len(PRISONS)],
        )
        if n % 2 == 0:
            condition = condition_add(
                actor=coordinator,
                nominal=nominal,
                kind=ConditionKind.PRISON,
                text=PRISON_TEXT,
                imposed_on=sentenced + _days(30),
                partner=Partner.PRISON_PROBATION,
                record_disruption=True,
                impact_grade="moderate",
                impact_rationale="Stops the principal directing the group from prison.",
            )
            _approve(condition.disruption, coordinator, supervisor)
        if "licence" in in_place:
            condition_add(
                actor=coordinator,
                nominal=nominal,
                kind=ConditionKind.LICENCE,
                text=LICENCE_TEXT,
                imposed_on=min(past - _days(10), today),
                partner=Partner.PRISON_PROBATION,
            )
        if "scpo" in in_place:  # made during the sentence, restricting them once released
            made = _in_force_from(sentenced, story, today)
            _scpo(coordinator, supervisor, nominal, made, SCPO_MONTHS, story)
        elif days_out > 90:  # further off: applied for, the hearing still to come
            scpo_apply(actor=coordinator, nominal=nominal, applied_on=min(past - _days(20), today))
    # Remanded awaiting trial, on licence, and one released with nothing left to manage.
    remanded, licence, released = others[:2], others[2:4], others[4:5]
    for n, nominal in enumerate(remanded):
        custody_event_record(
            actor=coordinator,
            nominal=nominal,
            kind=CustodyEventKind.REMANDED,
            on_date=past - _days(25 + 30 * n),
            establishment=PRISONS[(n + 1) % len(PRISONS)],
        )
    for n, nominal in enumerate(licence + released):
        _sentence(coordinator, nominal, past - _days(900 + 60 * n), PRISONS[n % len(PRISONS)])
        kind = (
            CustodyEventKind.RELEASED
            if nominal in released
            else CustodyEventKind.RELEASED_ON_LICENCE
        )
        custody_event_record(
            actor=coordinator, nominal=nominal, kind=kind, on_date=past - _days(120 + 20 * n)
        )
        if kind == CustodyEventKind.RELEASED_ON_LICENCE:
            condition_add(
                actor=coordinator,
                nominal=nominal,
                kind=ConditionKind.LICENCE,
                text=LICENCE_TEXT,
                imposed_on=past - _days(120 + 20 * n),
                partner=Partner.PRISON_PROBATION,
            )


def _in_force_from(day: datetime.date, story: StoryCalendar, today: datetime.date) -> Any:
    """`day`, or later if an order made then would have run out by today: orders in force must
    still be in force now (for a story that ended years ago), made no later than the story's end."""
    still_running = add_months(today, -SCPO_MONTHS) + _days(200)
    return min(story.end, max(day, still_running))


def _scpo_lead(coordinator: Any, story: StoryCalendar, applied_on: datetime.date) -> Any:
    """Who applied for an SCPO: the OCGMU since it took over their coordination (August 2022),
    SOC before that (the OCG demo's DI of SOC; the coordinator if there is none)."""
    if applied_on >= story.scpos_to_ocgmu:
        return coordinator
    soc = Officer.objects.filter(user__username=SOC_DI).select_related("user").first()
    return soc.user if soc else coordinator


def _scpo(
    coordinator: Any,
    supervisor: Any,
    nominal: Nominal,
    made: Any,
    months: int,
    story: StoryCalendar,
) -> Any:
    applied_on = made - _days(60)
    lead = _scpo_lead(coordinator, story, applied_on)
    scpo = scpo_apply(actor=lead, nominal=nominal, applied_on=applied_on)
    scpo = scpo_make(
        actor=lead,
        scpo=scpo,
        version=scpo.version,
        court="Maidstone Crown Court",
        made_on=made,
        duration_months=months,
        conditions=SCPO_TEXT,
        impact_grade="major",
        impact_rationale="Limits the capability to reoffend on release.",
    )
    _approve(scpo.disruption, lead, supervisor)
    return scpo


def _scpos(
    coordinator: Any, supervisor: Any, people: list[Nominal], story: StoryCalendar, today: Any
) -> None:
    """Two in force (the first breached near the story's end), and one made five years ago
    that expires within 90 days of today."""
    made_on = _in_force_from(story.end - _days(400), story, today)
    expiring_made = add_months(today + _days(45), -SCPO_MONTHS)
    for n, (nominal, made) in enumerate(
        [(people[0], made_on), (people[1], expiring_made), (people[2], made_on + _days(30))]
    ):
        scpo = _scpo(coordinator, supervisor, nominal, made, SCPO_MONTHS, story)
        if n == 0:
            scpo_breach_record(
                actor=coordinator,
                scpo=scpo,
                breached_on=min(max(story.end - _days(40), made + _days(5)), today),
                action_taken="Arrested for breach; file to CPS.",
                details="Found with two undeclared phones.",
            )


def _training(coordinator: Any, story: StoryCalendar) -> None:
    lros = list(
        Officer.objects.filter(role=Role.LRO).select_related("user").order_by("collar_number")
    )
    inputs = [
        (story.end - _days(50), "Police HQ, Maidstone (fictional)", Audience.LROS),
        (story.end - _days(20), "Canterbury Police Station (fictional)", Audience.LROS),
        (story.end + _days(21), "Medway Police Station (fictional)", Audience.LROS),
        (story.end - _days(120), "Force Crime Academy (fictional)", Audience.PROBATIONERS),
        (story.end - _days(90), "Force Crime Academy (fictional)", Audience.DETECTIVES),
    ]
    today = timezone.localdate()
    for n, (held_on, place, audience) in enumerate(inputs):
        training = training_create(
            actor=coordinator,
            held_on=held_on,
            location=place,
            trainer=TRAINER,
            audience=audience,
            notes="OCG awareness: mapping, the matrix, 4P plans and disrupting groups.",
        )
        # The third LRO input comes after the story's end: planned, nobody attended yet.
        if held_on > min(story.end, today) or audience != Audience.LROS:
            continue
        # Half the LROs attended one of the two inputs held; the others are still untrained.
        for officer in lros[n::4]:
            training_attendance_record(actor=coordinator, training=training, officer=officer.user)
        training_partners_record(
            actor=coordinator,
            training=training,
            organisation="Essex Police" if n else "Maidstone Borough Council (fictional)",
            headcount=3 + n,
        )


def seed(stdout: TextIO, story_end: datetime.date) -> None:
    if TrainingInput.objects.filter(trainer=TRAINER).exists():
        stdout.write("  lifetime management: already seeded\n")
        return
    officers = Officer.objects.select_related("user")
    coordinator = officers.filter(role=Role.COORDINATOR).order_by("pk").first()
    supervisor = officers.filter(role=Role.SUPERVISOR).order_by("pk").first()
    people = _people(len(RELEASES) + 5 + 3)
    if coordinator is None or supervisor is None or len(people) < len(RELEASES) + 8:
        stdout.write("  lifetime management: skipped (no adopted OCGs or coordinators)\n")
        return
    story = StoryCalendar(story_end)
    today = timezone.localdate()
    with transaction.atomic():
        _custody(coordinator.user, supervisor.user, people[:-3], story, today)
        _scpos(coordinator.user, supervisor.user, people[-3:], story, today)
        _training(coordinator.user, story)
    stdout.write(
        f"  lifetime management: {len(people) - 3} people in custody or on licence, SCPOs, "
        "LRO training\n"
    )
