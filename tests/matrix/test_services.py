"""The rescore service, ranking, the gate, stale handling, snapshots and recompute_all."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine, CountyLineStatusChange, FlexPeriod
from kentsoc import broker
from kentsoc.intel.models import FactorClaim
from kentsoc.matrix import services
from kentsoc.matrix.models import ForceSnapshot, RankHistory, Ranking, Score
from kentsoc.matrix.recompute import recompute_all
from ocg.choices import OcgStatus
from ocg.models import OCG, OcgStatusChange
from tests.factories import (
    add_runner,
    days_ago,
    make_line,
    make_ocg,
    make_record,
    today,
)

pytestmark = pytest.mark.django_db


def rescore_line(line):
    return services.subject_rescore(subject_type="county_line", subject_id=line.pk)


def rescore_ocg(ocg):
    return services.subject_rescore(subject_type="ocg", subject_id=ocg.pk)


def ranked(partition, subject_type="county_line"):
    rows = Ranking.objects.filter(subject_type=subject_type, partition=partition).order_by("rank")
    field = "county_line__reference" if subject_type == "county_line" else "ocg__reference"
    return list(rows.values_list(field, "rank", "top30", "total"))


def test_rescore_writes_score_and_rank(force):
    north = force["divisions"]["north"]
    line = make_line(north, "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365))
    record = make_record(
        lines=[line], claims={"violence": 3, "weapons": 1}, grading="1A", on=days_ago(200)
    )
    add_runner(line)
    score = rescore_line(line)
    assert (score.total, score.threat, score.risk, score.harm) == (8, 7, 1, 0)
    assert score.confidence == "high"
    assert score.matrix_version == "CL-2022.1"
    violence = next(e for e in score.breakdown if e["factor"] == "violence")
    assert violence["records"] == [record.pk]
    assert ranked("NORTH") == [("CL-0001", 1, True, 8)]
    assert RankHistory.objects.get(on=today(), county_line=line).rank == 1


def test_rescore_adds_a_score_row_only_when_the_result_changes(force):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    record = make_record(lines=[line], claims={"drug_class": 2}, grading="2B", on=days_ago(200))
    first = rescore_line(line)
    assert rescore_line(line).pk == first.pk
    FactorClaim.objects.filter(record=record).update(level=3)
    second = rescore_line(line)
    assert second.pk != first.pk
    assert second.total == 3
    assert list(Score.objects.filter(county_line=line).values_list("total", "is_current")) == [
        (3, True),
        (2, False),
    ]


def test_rescore_clears_the_stale_flag(force):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    broker.mark_stale(CountyLine, [line.pk], subject_type="county_line")
    line.refresh_from_db()
    assert line.score_stale_since is not None
    rescore_line(line)
    line.refresh_from_db()
    assert line.score_stale_since is None


def test_mark_stale_keeps_the_first_stale_time_and_enqueues_after_commit(
    force, django_capture_on_commit_callbacks
):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    first = timezone.now() - datetime.timedelta(minutes=5)
    CountyLine.objects.filter(pk=line.pk).update(score_stale_since=first)
    with django_capture_on_commit_callbacks() as callbacks:
        broker.mark_stale(CountyLine, [line.pk, line.pk], subject_type="county_line")
    line.refresh_from_db()
    assert line.score_stale_since == first
    assert len(callbacks) == 1


def test_ranking_order_total_then_newest_intelligence_then_reference(force):
    north = force["divisions"]["north"]
    lines = {
        ref: make_line(north, ref, status=LineStatus.ACTIVE, nominated_on=days_ago(365))
        for ref in ("CL-0004", "CL-0003", "CL-0002", "CL-0001")
    }
    make_record(
        lines=[lines["CL-0004"]], claims={"weapons": 2}, on=days_ago(200), grading="2B"
    )  # 5
    make_record(
        lines=[lines["CL-0003"]], claims={"violence": 3}, on=days_ago(150), grading="2B"
    )  # 5, newer
    make_record(
        lines=[lines["CL-0002"]], claims={"violence": 3}, on=days_ago(150), grading="2B"
    )  # tie: ref
    make_record(
        lines=[lines["CL-0001"]], claims={"drug_class": 1}, on=days_ago(100), grading="2B"
    )  # 1
    for line in lines.values():
        rescore_line(line)
    assert ranked("NORTH") == [
        ("CL-0002", 1, True, 5),
        ("CL-0003", 2, True, 5),
        ("CL-0004", 3, True, 5),
        ("CL-0001", 4, True, 1),
    ]


def test_a_line_without_scorable_intelligence_ranks_after_equal_totals(force):
    north = force["divisions"]["north"]
    a, b = (
        make_line(north, "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
        make_line(north, "CL-0002", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
    )
    make_record(lines=[b], claims={}, on=days_ago(300), grading="2B")
    rescore_line(a)
    rescore_line(b)
    # Both total 0: b has an intelligence date, a has none (NULLS LAST).
    assert [r[0] for r in ranked("NORTH")] == ["CL-0002", "CL-0001"]


def test_top30_per_division(force):
    north = force["divisions"]["north"]
    for n in range(31):
        line = make_line(north, f"CL-{n:04d}", status=LineStatus.ACTIVE, nominated_on=days_ago(365))
        make_record(
            lines=[line], claims={"line_activity": 1 + n % 3}, grading="2B", on=days_ago(200)
        )
    recompute_all()
    rows = ranked("NORTH")
    assert len(rows) == 31
    assert [r[2] for r in rows] == [True] * 30 + [False]
    assert [r[1] for r in rows] == list(range(1, 32))


def test_lines_rank_in_their_own_division_and_flex_moves_them(force):
    north, east, central = (force["divisions"][k] for k in ("north", "east", "central"))
    a, b, c = (
        make_line(north, "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
        make_line(north, "CL-0002", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
        make_line(east, "CL-0003", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
    )
    for line in (a, b, c):
        make_record(lines=[line], claims={"violence": 1}, grading="2B", on=days_ago(200))
        rescore_line(line)
    assert [r[0] for r in ranked("NORTH")] == ["CL-0001", "CL-0002"]
    assert [r[0] for r in ranked("EAST")] == ["CL-0003"]

    CountyLine.objects.filter(pk=a.pk).update(flexed_division=central, flex_reason="Central lead")
    rescore_line(a)
    assert ranked("NORTH") == [("CL-0002", 1, True, 1)]
    assert ranked("CENTRAL") == [("CL-0001", 1, True, 1)]
    assert Ranking.objects.get(county_line=a).flexed is True

    CountyLine.objects.filter(pk=a.pk).update(flexed_division=None, flex_reason="")
    rescore_line(a)
    assert [r[0] for r in ranked("NORTH")] == ["CL-0001", "CL-0002"]
    assert ranked("CENTRAL") == []


@pytest.mark.parametrize("status", [LineStatus.NOMINATED, LineStatus.REJECTED])
def test_gate_lines_not_active_are_not_scored(force, status):
    line = make_line(force["divisions"]["north"], status=status, nominated_on=days_ago(365))
    make_record(lines=[line], claims={"violence": 3}, grading="2B", on=days_ago(200))
    assert rescore_line(line) is None
    assert not Score.objects.filter(county_line=line).exists()
    assert ranked("NORTH") == []


def test_a_dismantled_line_leaves_the_ranking_and_the_rest_close_up(force):
    north = force["divisions"]["north"]
    a, b = (
        make_line(north, "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
        make_line(north, "CL-0002", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
    )
    make_record(lines=[a], claims={"violence": 3}, grading="2B", on=days_ago(200))
    make_record(lines=[b], claims={"violence": 1}, grading="2B", on=days_ago(200))
    rescore_line(a)
    rescore_line(b)
    CountyLine.objects.filter(pk=a.pk).update(status=LineStatus.DISMANTLED)
    rescore_line(a)
    assert ranked("NORTH") == [("CL-0002", 1, True, 1)]
    assert not RankHistory.objects.filter(on=today(), county_line=a).exists()


def test_unscorable_and_future_intelligence_do_not_count(force):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    make_record(lines=[line], claims={"violence": 3}, grading="3A", on=days_ago(200))
    make_record(lines=[line], claims={"weapons": 2}, grading="2E", on=days_ago(200))
    make_record(lines=[line], claims={"cuckooing": 1}, deleted=True, grading="2B", on=days_ago(200))
    make_record(
        lines=[line],
        claims={"drug_class": 3},
        on=today() + datetime.timedelta(days=3),
        grading="2B",
    )
    score = rescore_line(line)
    assert score.total == 0
    assert score.confidence == "low"


def test_recency_and_runners_from_data(force):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    make_record(lines=[line], on=days_ago(10), grading="2B")
    for _ in range(4):
        add_runner(line)
    add_runner(line, to_date=days_ago(5))  # no longer running for the line
    score = rescore_line(line)
    points = {e["factor"]: e["points"] for e in score.breakdown}
    assert (points["recency"], points["runners"]) == (2, 3)


def test_ocgs_rank_force_wide_and_per_division(force):
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    a = make_ocg(
        north,
        "OCG-0001",
        criminality=["drug_supply", "firearms", "fraud"],
        status=OcgStatus.MAPPED,
        nominated_on=days_ago(365),
    )  # 2
    b = make_ocg(east, "OCG-0002", status=OcgStatus.MAPPED, nominated_on=days_ago(365))
    c = make_ocg(north, "OCG-0003", status=OcgStatus.IN_DEVELOPMENT, nominated_on=days_ago(365))
    make_record(
        ocgs=[b, c],
        claims={"violence": 3, "firearms": 3, "expansion": 2},
        grading="1B",
        on=days_ago(200),
    )
    for ocg in (a, b, c):
        rescore_ocg(ocg)
    assert ranked("FORCE", "ocg") == [("OCG-0002", 1, True, 20), ("OCG-0001", 2, True, 2)]
    assert ranked("NORTH", "ocg") == [("OCG-0001", 1, True, 2)]
    assert ranked("EAST", "ocg") == [("OCG-0002", 1, True, 20)]
    assert Score.objects.get(ocg=b, is_current=True).tier == 2
    assert not Score.objects.filter(ocg=c).exists()


def test_an_ocg_leaving_the_matrix_rescoring_its_lines(force, django_capture_on_commit_callbacks):
    north = force["divisions"]["north"]
    ocg = make_ocg(north, "OCG-0001", status=OcgStatus.MAPPED, nominated_on=days_ago(365))
    line = make_line(
        north, "CL-0001", ocg=ocg, status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    rescore_ocg(ocg)
    assert rescore_line(line).total == 2  # ocg_link
    OCG.objects.filter(pk=ocg.pk).update(status=OcgStatus.DISMANTLED)
    with django_capture_on_commit_callbacks(execute=True):
        rescore_ocg(ocg)
    assert ranked("FORCE", "ocg") == []
    assert Score.objects.get(county_line=line, is_current=True).total == 0
    assert ranked("NORTH") == [("CL-0001", 1, True, 0)]


def test_stale_sweep_requeues_only_old_stale_subjects(force):
    north = force["divisions"]["north"]
    old, fresh = (
        make_line(north, "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
        make_line(north, "CL-0002", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
    )
    CountyLine.objects.filter(pk=old.pk).update(
        score_stale_since=timezone.now() - datetime.timedelta(seconds=90)
    )
    CountyLine.objects.filter(pk=fresh.pk).update(score_stale_since=timezone.now())
    assert services.stale_subjects_requeue(older_than_seconds=60) == 1  # eager: runs inline
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.score_stale_since is None
    assert fresh.score_stale_since is not None
    assert ranked("NORTH") == [("CL-0001", 1, True, 0)]


@pytest.mark.parametrize(
    ("newest_age", "changed"), [(27, False), (30, True), (92, True), (95, False)]
)
def test_daily_recency_check_marks_lines_whose_points_moved(force, newest_age, changed):
    # Scored two days ago; since then the newest record aged two days.
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    make_record(lines=[line], on=days_ago(newest_age), grading="2B")
    rescore_line(line)
    Score.objects.filter(county_line=line).update(as_of=days_ago(2))
    assert services.recency_changes_mark_stale() == int(changed)
    line.refresh_from_db()
    assert (line.score_stale_since is not None) is changed


def test_daily_recency_check_sees_records_dated_after_the_score(force):
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    make_record(lines=[line], on=days_ago(200), grading="2B")
    rescore_line(line)
    Score.objects.filter(county_line=line).update(as_of=days_ago(1))
    make_record(lines=[line], on=today(), grading="2B")
    assert services.recency_changes_mark_stale() == 1


def test_force_snapshot_figures(force, lro):
    north = force["divisions"]["north"]
    teams = force["teams"]
    for ref, claims in (("CL-0001", {"violence": 3}), ("CL-0002", {"weapons": 2})):
        line = make_line(north, ref, status=LineStatus.ACTIVE, nominated_on=days_ago(365))
        make_record(lines=[line], claims=claims, grading="2B", on=days_ago(200))
        rescore_line(line)
    make_line(north, "CL-0003", status=LineStatus.DISMANTLED, nominated_on=days_ago(365))
    for team in ("soc", "soc", "north_local"):
        make_ocg(
            north,
            status=OcgStatus.ADOPTED,
            managing_team=teams[team],
            lead_responsible_officer=lro,
            nominated_on=days_ago(365),
        )
    make_ocg(north, status=OcgStatus.MAPPED, nominated_on=days_ago(365))
    make_ocg(north, status=OcgStatus.NOMINATED, nominated_on=days_ago(365))
    (snapshot,) = services.force_snapshot_write()
    assert (snapshot.active_lines, snapshot.total_trh) == (2, 10)
    assert snapshot.on == today()
    assert snapshot.mapped_ocgs == 4
    assert snapshot.ocgs_by_status == {"adopted": 3, "mapped": 1, "nominated": 1}
    assert snapshot.ocgs_by_team == {"division_local": 1, "none": 1, "soc": 2}
    assert (snapshot.ocgs_with_scd, snapshot.ocgs_on_division) == (2, 1)


def test_recompute_all_matches_the_worker(force):
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    ocg = make_ocg(
        north,
        "OCG-0001",
        criminality=["fraud", "cyber"],
        status=OcgStatus.MAPPED,
        nominated_on=days_ago(365),
    )
    lines = [
        make_line(north, "CL-0001", ocg=ocg, status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
        make_line(east, "CL-0002", status=LineStatus.ACTIVE, nominated_on=days_ago(365)),
    ]
    make_line(east, "CL-0003", status=LineStatus.NOMINATED, nominated_on=days_ago(365))
    make_record(lines=lines, ocgs=[ocg], claims={"violence": 2}, on=days_ago(40), grading="1C")
    make_record(lines=[lines[1]], claims={"child_exploitation": 2}, on=days_ago(3), grading="2B")
    add_runner(lines[0])
    summary = recompute_all()
    assert (summary.lines_scored, summary.ocgs_scored, summary.scores_written) == (2, 1, 3)
    by_recompute = {
        s.county_line_id or -s.ocg_id: (s.total, s.breakdown, s.confidence)
        for s in Score.objects.filter(is_current=True)
    }
    rankings = sorted(Ranking.objects.values_list("partition", "rank", "total", "subject_type"))
    for line in lines:
        rescore_line(line)
    rescore_ocg(ocg)
    by_worker = {
        s.county_line_id or -s.ocg_id: (s.total, s.breakdown, s.confidence)
        for s in Score.objects.filter(is_current=True)
    }
    assert by_worker == by_recompute
    assert sorted(Ranking.objects.values_list("partition", "rank", "total", "subject_type")) == (
        rankings
    )
    assert recompute_all().scores_written == 0  # idempotent
    assert ForceSnapshot.objects.get(on=today()).active_lines == 2


def test_recompute_as_of_a_past_date_uses_the_status_history(force):
    north = force["divisions"]["north"]
    central = force["divisions"]["central"]
    a = make_line(north, "CL-0001", nominated_on=days_ago(60), status=LineStatus.ACTIVE)
    b = make_line(north, "CL-0002", nominated_on=days_ago(60), status=LineStatus.ACTIVE)
    for line, on in ((a, 50), (b, 20)):
        CountyLineStatusChange.objects.create(
            county_line=line, from_status="nominated", to_status="active", effective_on=days_ago(on)
        )
    CountyLineStatusChange.objects.create(
        county_line=a, from_status="active", to_status="dismantled", effective_on=days_ago(5)
    )
    CountyLine.objects.filter(pk=a.pk).update(status=LineStatus.DISMANTLED)
    FlexPeriod.objects.create(
        county_line=b, division=central, reason="Central lead", started_on=days_ago(15)
    )
    make_record(lines=[a], claims={"violence": 3}, on=days_ago(40), grading="2B")
    make_record(lines=[b], claims={"violence": 1}, on=days_ago(30), grading="2B")
    make_record(
        lines=[b], claims={"violence": 3}, on=days_ago(8), grading="2B"
    )  # after the first as-of date

    recompute_all(as_of=days_ago(10))
    assert list(
        RankHistory.objects.filter(on=days_ago(10)).values_list(
            "partition", "county_line__reference", "rank", "total"
        )
    ) == [("CENTRAL", "CL-0002", 1, 1 + 2), ("NORTH", "CL-0001", 1, 5 + 1)]  # + recency
    snapshot = ForceSnapshot.objects.get(on=days_ago(10))
    assert (snapshot.active_lines, snapshot.total_trh) == (2, 9)
    assert not Score.objects.exists()
    assert not Ranking.objects.exists()

    recompute_all(as_of=days_ago(30))  # b active from 20 days ago, a only
    assert ForceSnapshot.objects.get(on=days_ago(30)).active_lines == 1


def test_recompute_as_of_ocg_status_history(force):
    north = force["divisions"]["north"]
    ocg = make_ocg(north, "OCG-0001", status=OcgStatus.MAPPED, nominated_on=days_ago(90))
    OcgStatusChange.objects.create(
        ocg=ocg, from_status="in_development", to_status="mapped", effective_on=days_ago(30)
    )
    recompute_all(as_of=days_ago(40))
    assert ForceSnapshot.objects.get(on=days_ago(40)).mapped_ocgs == 0
    recompute_all(as_of=days_ago(20))
    assert ForceSnapshot.objects.get(on=days_ago(20)).mapped_ocgs == 1
    assert RankHistory.objects.filter(on=days_ago(20), ocg=ocg).count() == 2  # FORCE + NORTH


def test_recompute_refuses_a_future_date(force):
    with pytest.raises(ValidationError):
        recompute_all(as_of=today() + datetime.timedelta(days=1))


def test_recompute_all_command(force, capsys):
    make_line(
        force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    call_command("recompute_all", "--no-progress")
    assert "1 lines and 0 OCGs scored" in capsys.readouterr().out
    call_command("recompute_all", "--as-of", days_ago(3).isoformat(), "--no-progress")
    assert ForceSnapshot.objects.filter(on=days_ago(3)).exists()
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("recompute_all", "--as-of", "yesterday")


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_bursts_coalesce_into_one_queued_rescore(force, monkeypatch):
    from kentsoc.matrix import tasks

    sent = []
    monkeypatch.setattr(tasks.rescore_subject, "delay", lambda **kw: sent.append(kw))
    line = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    broker.rescore_pending_release(subject_type="county_line", subject_id=line.pk)
    for _ in range(3):
        broker.enqueue_rescore("county_line", line.pk)
    assert sent == [{"subject_type": "county_line", "subject_id": line.pk}]
    # Once the task has started (and released the marker) a new change enqueues again.
    broker.rescore_pending_release(subject_type="county_line", subject_id=line.pk)
    broker.enqueue_rescore("county_line", line.pk)
    assert len(sent) == 2
    broker.rescore_pending_release(subject_type="county_line", subject_id=line.pk)


def test_recompute_all_for_one_force_leaves_the_others_alone(force):
    from tests.factories import other_force

    north = force["divisions"]["north"]
    elsewhere = other_force()["divisions"]["north"]
    mine = make_line(north, "CL-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365))
    theirs = make_line(elsewhere, "WX-0001", status=LineStatus.ACTIVE, nominated_on=days_ago(365))
    make_record(lines=[mine, theirs], claims={"violence": 2}, on=days_ago(3), grading="2B")
    recompute_all()
    their_ranking = list(Ranking.objects.filter(county_line=theirs).values_list("pk", "ranked_at"))
    make_record(lines=[mine, theirs], claims={"weapons": 2}, on=days_ago(2), grading="2B")

    summary = recompute_all(force_id=north.force_id)

    assert (summary.lines_scored, summary.ocgs_scored, summary.scores_written) == (1, 0, 1)
    assert (
        Score.objects.get(county_line=mine, is_current=True).total
        > Score.objects.get(county_line=theirs, is_current=True).total
    ), "the other force's line keeps its score until its own force is recomputed"
    assert (
        list(Ranking.objects.filter(county_line=theirs).values_list("pk", "ranked_at"))
        == their_ranking
    )
    assert ForceSnapshot.objects.filter(on=today()).count() == 2  # its own rewritten, not added
    assert recompute_all().scores_written == 1  # now the other force's


def _lock_waiters() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        # This test database's waiters only: other xdist workers' tests take advisory locks too.
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


def _in_thread(work):
    """Run `work` on its own database connection; returns the thread and a list that receives
    its exception, if any."""
    import threading

    from django.db import connection

    errors = []

    def run():
        try:
            work()
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def _wait_for(condition, seconds=10.0):
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_rescore_takes_the_ranking_lock_before_its_line(force):
    """The deadlock recompute_all and a worker's rescore could make: the rescore locked its line's
    row, then waited for the ranking lock recompute_all held while recompute_all waited for that
    row. Now the rescore waits for the lock holding no row: while it waits, the line is free."""
    from django.db import connection, transaction

    from kentsoc.matrix import ranking

    line = make_line(force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE)
    make_record(lines=[line], claims={"violence": 2}, on=days_ago(3), grading="2B")
    with transaction.atomic():
        ranking.lock_everything()  # what recompute_all holds while it writes
        thread, errors = _in_thread(lambda: rescore_line(line))
        _wait_for(lambda: _lock_waiters() == 1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM countylines_countyline WHERE id = %s FOR UPDATE NOWAIT", [line.pk]
            )  # raises if the waiting rescore held the row
    thread.join(10)
    assert not errors
    assert Ranking.objects.filter(county_line=line).exists()


@pytest.mark.django_db(transaction=True)
def test_recompute_all_takes_the_ranking_locks_before_any_row(force):
    from django.db import connection, transaction

    from kentsoc.matrix import ranking

    line = make_line(force["divisions"]["north"], "CL-0001", status=LineStatus.ACTIVE)
    make_record(lines=[line], claims={"violence": 2}, on=days_ago(3), grading="2B")
    rescore_line(line)
    CountyLine.objects.filter(pk=line.pk).update(score_stale_since=timezone.now())
    make_record(lines=[line], claims={"weapons": 2}, on=days_ago(2), grading="2B")
    with transaction.atomic():
        ranking.lock_for_rescore("county_line")  # a worker's rescore under way
        thread, errors = _in_thread(recompute_all)
        _wait_for(lambda: _lock_waiters() == 1)
        with connection.cursor() as cursor:
            for table in ("countylines_countyline", "matrix_score"):
                cursor.execute(f"SELECT id FROM {table} FOR UPDATE NOWAIT")  # noqa: S608
    thread.join(30)
    assert not errors
    assert Score.objects.get(county_line=line, is_current=True).total > 0
    assert not CountyLine.objects.filter(score_stale_since__isnull=False).exists()
