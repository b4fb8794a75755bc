import pytest
from django.core.exceptions import PermissionDenied

from kentsoc.lifetime.choices import AttentionKind, CustodyEventKind
from kentsoc.lifetime.models import AttentionItem, CustodyPeriod
from kentsoc.lifetime.services.attention import attention_item_dismiss
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.lifetime.services.scpos import scpo_apply, scpo_make
from kentsoc.lifetime.tasks import flag_due_releases_and_expiries
from kentsoc.org.choices import Rank, Role
from tests.factories import OfficerFactory, UserFactory
from tests.lifetime.conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def east_coordinator(force):
    return OfficerFactory(
        user=UserFactory(username="coord-east"),
        role=Role.COORDINATOR,
        rank=Rank.DC,
        team=force["teams"]["ocgmu"],
        division=force["divisions"]["east"],
    ).user


def _in_prison_until(actor, nominal, today, release_in):
    custody_event_record(
        actor=actor, nominal=nominal, kind=CustodyEventKind.SENTENCED, on_date=today - days(400)
    )
    period = CustodyPeriod.objects.get(nominal=nominal)
    return custody_dates_update(
        actor=actor,
        period=period,
        version=period.version,
        sentence_date=period.sentence_date,
        expected_release_date=today + days(release_in),
        licence_end_date=None,
    )


@pytest.mark.parametrize(
    ("release_in", "threshold"),
    [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_release_thresholds(coordinator, member, today, release_in, threshold):
    _in_prison_until(coordinator, member, today, max(release_in, 0))
    if release_in < 0:
        # A release date already passed is not "due".
        today = today + days(1)
    flag_due_releases_and_expiries(today=today.isoformat())
    items = AttentionItem.objects.filter(kind=AttentionKind.RELEASE)
    if threshold is None:
        assert not items.exists()
    else:
        assert {i.threshold_days for i in items} == {threshold}


def test_items_go_to_division_coordinator_and_lro_once(
    coordinator, east_coordinator, lro, member, today
):
    _in_prison_until(coordinator, member, today, 30)
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(800))
    scpo_make(
        actor=coordinator,
        scpo=scpo,
        version=scpo.version,
        court="Invented Crown Court",
        made_on=today - days(700),
        duration_months=24,
        conditions="No more than one phone.",
        impact_grade="major",
        impact_rationale="Restricts communications.",
    )
    assert flag_due_releases_and_expiries(today=today.isoformat()) == 4
    # Running again the same day adds nothing.
    assert flag_due_releases_and_expiries(today=today.isoformat()) == 0
    recipients = set(AttentionItem.objects.values_list("user__username", "kind"))
    # The member's OCG is in North: the North coordinator and the OCG's LRO, not East's.
    assert recipients == {
        ("coordinator", AttentionKind.RELEASE),
        ("coordinator", AttentionKind.SCPO_EXPIRY),
        ("lro", AttentionKind.RELEASE),
        ("lro", AttentionKind.SCPO_EXPIRY),
    }


def test_crossing_the_next_mark_adds_a_new_item(coordinator, member, today):
    _in_prison_until(coordinator, member, today, 31)
    flag_due_releases_and_expiries(today=today.isoformat())
    flag_due_releases_and_expiries(today=(today + days(1)).isoformat())
    assert sorted(
        AttentionItem.objects.filter(user=coordinator).values_list("threshold_days", flat=True)
    ) == [30, 90]


def test_dismiss_is_own_and_audited(coordinator, lro, member, today):
    _in_prison_until(coordinator, member, today, 7)
    flag_due_releases_and_expiries(today=today.isoformat())
    item = AttentionItem.objects.get(user=lro)
    with pytest.raises(PermissionDenied):
        attention_item_dismiss(actor=coordinator, item=item)
    attention_item_dismiss(actor=lro, item=item)
    item.refresh_from_db()
    assert item.dismissed_at is not None


def test_the_daily_task_is_on_the_beat_schedule():
    from kentsoc.celery import app

    name = flag_due_releases_and_expiries.name
    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == name]
    assert len(entries) == 1
    assert name in app.tasks
    schedule = entries[0]["schedule"]
    # Once a day.
    assert schedule.hour == {5} and schedule.minute == {30}
