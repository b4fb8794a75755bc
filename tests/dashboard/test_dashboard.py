"""The matrix dashboard page: access, the matrices, movement, history, attention, exports."""

import datetime
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.services import approvals
from disruptions.services import disruptions as disruption_services
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.dashboard.board import dashboard_get
from kentsoc.dashboard.rankings import matrix_rankings
from kentsoc.dashboard.rows import movement
from kentsoc.lifetime.choices import CustodyEventKind, ScpoStatus
from kentsoc.lifetime.models import CustodyPeriod, Scpo, ScpoBreach
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.matrix.models import ForceSnapshot, RankHistory
from kentsoc.matrix.recompute import recompute_all
from kentsoc.trh.choices import RankedSubject
from ocg.choices import OcgStatus
from tests.dashboard.builders import approved_disruption, scored_line, scored_ocg
from tests.factories import (
    ForceFactory,
    MembershipFactory,
    NominalFactory,
    days_ago,
    disruption_values,
    make_line,
    make_ocg,
    other_force,
)

pytestmark = pytest.mark.django_db

URL = reverse("matrix:dashboard")


def today():
    return timezone.localdate()


@pytest.mark.parametrize(
    "rank, previous, label, css",
    [
        (1, 4, "↑3", "tag--green"),
        (5, 2, "↓3", "tag--red"),
        (3, 3, "=", "tag--grey"),
        (7, None, "new", "tag--blue"),
    ],
)
def test_movement_labels(rank, previous, label, css):
    moved = movement(rank, previous)
    assert (moved.label, moved.css) == (label, css)


def test_movement_against_rank_a_week_ago_in_the_same_partition(force, supervisor):
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    top = scored_line(north, points=3)
    middle = scored_line(north, points=2)
    bottom = scored_line(north, points=1)
    moved_in = scored_line(east, points=1)
    recompute_all()
    week_ago = today() - datetime.timedelta(days=7)
    history = [(top, "NORTH", 3), (middle, "NORTH", 2), (bottom, "NORTH", 1)]
    # Eight days ago it ranked elsewhere: that is not "a week ago" and must be ignored.
    RankHistory.objects.create(
        on=week_ago - datetime.timedelta(days=1),
        subject_type=RankedSubject.COUNTY_LINE,
        county_line=moved_in,
        partition="EAST",
        rank=9,
        total=1,
    )
    history.append((moved_in, "NORTH", 1))  # a week ago it ranked in North, not East
    for line, partition, rank in history:
        RankHistory.objects.update_or_create(
            on=week_ago,
            partition=partition,
            county_line=line,
            defaults={"subject_type": RankedSubject.COUNTY_LINE, "rank": rank, "total": 1},
        )
    rankings = matrix_rankings(user=supervisor)
    rows = {r.subject_id: r for p in rankings.lines for r in p.top}
    assert [rows[line.pk].movement.label for line in (top, middle, bottom)] == ["↑2", "=", "↓2"]
    assert rows[moved_in.pk].movement.label == "new"


def test_supervisor_sees_each_division_top30_and_the_rest_collapsed(client, force, supervisor):
    north, central = force["divisions"]["north"], force["divisions"]["central"]
    lines = [scored_line(north, points=1 + i % 3) for i in range(32)]
    flexed = scored_line(
        force["divisions"]["east"],
        points=3,
        flexed_division=central,
        flex_reason="Cross-border: Central CLGT leads",
    )
    make_line(north, status=LineStatus.NOMINATED, nominated_on=days_ago(365))  # not on the matrix
    recompute_all()
    client.force_login(supervisor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    board = response.context["board"]
    parts = {p.code: p for p in board.rankings.lines}
    assert [p.name for p in board.rankings.lines] == ["North", "East", "West", "Central"]
    assert (len(parts["NORTH"].top), len(parts["NORTH"].rest)) == (30, 2)
    assert [r.rank for r in parts["NORTH"].top] == list(range(1, 31))
    assert parts["CENTRAL"].top[0].subject_id == flexed.pk
    assert parts["CENTRAL"].top[0].flexed
    assert not parts["NORTH"].top[0].flexed
    assert parts["NORTH"].top[0].days_on_matrix == 40
    assert 'data-testid="line-top30-NORTH"' in html and "2 more lines below the top 30" in html
    # The rows below the top 30 load when the collapsed list is opened.
    assert 'data-testid="line-rest-NORTH"' not in html
    rest = client.get(reverse("matrix:partition", args=["lines", "NORTH"]), {"part": "rest"})
    rest_html = rest.content.decode()
    assert 'data-testid="line-rest-NORTH"' in rest_html
    assert rest_html.count('data-testid="line-row"') == 2
    assert board.rankings.totals.active_lines == 33
    assert board.rankings.totals.total_trh == sum(1 + i % 3 for i in range(32)) + 3
    assert len(lines) == 32


def test_only_the_first_tab_comes_with_the_page_the_others_load_when_opened(
    client, force, supervisor
):
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    scored_line(north, points=2, reference="CL-9201")
    scored_line(east, points=1, reference="CL-9202")
    scored_ocg(east, reference="OCG-9203")
    recompute_all()
    client.force_login(supervisor)
    html = client.get(URL).content.decode()
    assert 'data-reference="CL-9201"' in html  # North: the first lines tab
    assert 'data-reference="OCG-9203"' in html  # Force: the first OCG tab
    assert 'data-reference="CL-9202"' not in html
    lazy = reverse("matrix:partition", args=["lines", "EAST"])
    assert f'data-lazy="{lazy}"' in html
    panel = client.get(lazy)
    assert panel.status_code == 200
    assert 'data-reference="CL-9202"' in panel.content.decode()
    east_ocgs = client.get(reverse("matrix:partition", args=["ocgs", "EAST"])).content.decode()
    assert 'data-reference="OCG-9203"' in east_ocgs
    # A past date's tabs load that day's history.
    past = days_ago(3)
    RankHistory.objects.create(
        on=past,
        subject_type=RankedSubject.COUNTY_LINE,
        county_line_id=panel.context["p"].top[0].subject_id,
        partition="EAST",
        rank=1,
        total=9,
    )
    html = client.get(URL, {"as_of": past.isoformat()}).content.decode()
    assert f'data-lazy="{lazy}?as_of={past.isoformat()}"' in html
    old = client.get(lazy, {"as_of": past.isoformat()})
    assert [r.total for r in old.context["p"].top] == [9]
    for group, code in (("lines", "NOWHERE"), ("charts", "EAST"), ("lines", "FORCE")):
        assert client.get(reverse("matrix:partition", args=[group, code])).status_code == 404


def test_totals_split_ocgs_between_division_and_scd(force, supervisor):
    north = force["divisions"]["north"]
    local = force["teams"]["north_local"]
    scd = force["teams"]["soc"]
    for team in (local, scd, scd, None):
        scored_ocg(north, managing_team=team)
    recompute_all()
    totals = matrix_rankings(user=supervisor).totals
    assert (totals.mapped_ocgs, totals.ocgs_on_division, totals.ocgs_with_scd) == (4, 1, 2)
    ocgs = {p.code: p for p in matrix_rankings(user=supervisor).ocgs}
    assert ocgs["FORCE"].count == 4 and ocgs["NORTH"].count == 4
    assert {r.managed_by for r in ocgs["FORCE"].top} == {"Division", "SCD", ""}


def test_last_disruption_and_quiet_lines(force, supervisor):
    north = force["divisions"]["north"]
    busy, quiet, never = (scored_line(north, points=p) for p in (3, 2, 1))
    approved_disruption(force, days_ago(3), lines=[busy])
    approved_disruption(force, days_ago(40), lines=[quiet])
    recompute_all()
    board = dashboard_get(user=supervisor)
    rows = {r.subject_id: r for r in board.rankings.lines[0].top}
    assert rows[busy.pk].last_disruption == days_ago(3) and not rows[busy.pk].quiet
    assert rows[quiet.pk].last_disruption == days_ago(40) and rows[quiet.pk].quiet
    assert rows[never.pk].last_disruption is None and rows[never.pk].quiet
    assert len(board.rankings.quiet_lines) == 2


def test_an_approval_shows_as_the_lines_last_disruption_at_once(
    client, force, supervisor, clgt_officer
):
    north = force["divisions"]["north"]
    line = scored_line(north)
    approved_disruption(force, days_ago(40), lines=[line])
    recompute_all()
    client.force_login(supervisor)

    def shown():
        rankings = client.get(URL).context["rankings"]
        (row,) = rankings.lines[0].top
        return row.last_disruption, row.quiet

    assert shown() == (days_ago(40), True)
    d = disruption_services.disruption_create(
        actor=clgt_officer, values=disruption_values(None, date=days_ago(2)), county_lines=[line]
    )
    d = disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
    assert shown() == (days_ago(40), True)  # submitted, not approved: no change
    approvals.disruption_approve(actor=supervisor, disruption=d)
    # No re-rank in between: the page reads the line's date, not the cached rankings.
    assert shown() == (days_ago(2), False)


def test_a_past_day_shows_the_last_disruption_up_to_that_day(client, force, supervisor):
    north = force["divisions"]["north"]
    line = scored_line(north)
    approved_disruption(force, days_ago(40), lines=[line])
    approved_disruption(force, days_ago(3), lines=[line])
    recompute_all()
    past = days_ago(5)
    RankHistory.objects.create(
        on=past,
        subject_type=RankedSubject.COUNTY_LINE,
        county_line=line,
        partition="NORTH",
        rank=1,
        total=1,
    )
    client.force_login(supervisor)
    then = client.get(URL, {"as_of": past.isoformat()}).context["rankings"]
    now = client.get(URL).context["rankings"]
    assert then.lines[0].top[0].last_disruption == days_ago(40)
    assert now.lines[0].top[0].last_disruption == days_ago(3)


def test_needs_attention_counts_for_a_supervisor(client, force, supervisor):
    north = force["divisions"]["north"]
    make_line(north, status=LineStatus.NOMINATED, nominated_on=days_ago(365))
    behind, just_stale = scored_line(north), scored_line(north)
    recompute_all()
    now = timezone.now()
    CountyLine.objects.filter(pk=behind.pk).update(score_stale_since=now - timedelta(minutes=2))
    CountyLine.objects.filter(pk=just_stale.pk).update(score_stale_since=now)
    client.force_login(supervisor)
    response = client.get(URL)
    items = {i.label: i.count for i in response.context["board"].attention}
    assert items["County line nominations waiting for approval"] == 1
    assert items["Submitted disruptions waiting for approval"] == 0
    # Both are stale (the live notice says so); only the one the sweeper gave up waiting for
    # means the worker is behind.
    assert response.context["rankings"].stale == 2
    assert items["Scores stale for over a minute (the worker is behind)"] == 1
    assert 'data-testid="stale"' in response.content.decode()


def test_stale_scores_are_counted_per_division_of_the_force_alone(client, force, supervisor):
    """Read per division of the supervisor's force (partial indexes): another force's backlog of
    stale lines and OCGs is neither counted nor read, and an OCG stale for over a minute means
    the worker is behind as a line does."""
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    line, ocg = scored_line(north), scored_ocg(east)
    elsewhere = other_force()["divisions"]["north"]
    their_lines = [scored_line(elsewhere) for _ in range(3)]
    recompute_all()
    now = timezone.now()
    CountyLine.objects.filter(pk=line.pk).update(score_stale_since=now)
    type(ocg).objects.filter(pk=ocg.pk).update(score_stale_since=now - timedelta(minutes=5))
    CountyLine.objects.filter(pk__in=[x.pk for x in their_lines]).update(
        score_stale_since=now - timedelta(hours=1)
    )
    client.force_login(supervisor)
    response = client.get(URL)
    rankings = response.context["rankings"]
    assert (rankings.stale_lines, rankings.stale_ocgs) == (1, 1)
    assert rankings.stale_since == now - timedelta(minutes=5)
    items = {i.label: i.count for i in response.context["board"].attention}
    assert items["Scores stale for over a minute (the worker is behind)"] == 1


def test_releases_and_scpos_due_count_what_the_lifetime_lists_show(
    client, force, supervisor, coordinator
):
    """The counts use the lifetime lists' selectors and windows (both ends included), and each
    item links to its list."""
    today = timezone.localdate()
    ocg = make_ocg(force["divisions"]["north"], status=OcgStatus.MAPPED, nominated_on=days_ago(365))
    for offset in (0, 90, 91):
        nominal = MembershipFactory(ocg=ocg).nominal
        custody_event_record(
            actor=coordinator,
            nominal=nominal,
            kind=CustodyEventKind.SENTENCED,
            on_date=today - timedelta(days=300),
        )
        period = CustodyPeriod.objects.get(nominal=nominal, ended_on__isnull=True)
        custody_dates_update(
            actor=coordinator,
            period=period,
            version=period.version,
            sentence_date=period.sentence_date,
            expected_release_date=today + timedelta(days=offset),
            licence_end_date=None,
            establishment="HMP Invented",
        )
    scpos = [
        Scpo.objects.create(
            nominal=NominalFactory(),
            status=ScpoStatus.MADE,
            applied_on=today - timedelta(days=400),
            made_on=today - timedelta(days=380),
            court="Invented Crown Court",
            duration_months=24,
            conditions="No more than one mobile phone.",
            expires_on=today + timedelta(days=days_left),
            created_by=coordinator,
        )
        for days_left in (45, 200)
    ]
    for days_since in (10, 100):
        ScpoBreach.objects.create(
            scpo=scpos[1],
            breached_on=today - timedelta(days=days_since),
            action_taken="Fictional: arrested.",
            recorded_by=coordinator,
        )
    client.force_login(supervisor)
    items = {i.label: i for i in client.get(URL).context["board"].attention}
    releases = items["Releases from custody in the next 90 days"]
    expiring = items["SCPOs expiring in the next 90 days"]
    breaches = items["SCPO breaches in the last 90 days"]
    assert (releases.count, expiring.count, breaches.count) == (2, 1, 1)
    assert releases.url == reverse("lifetime:releases")
    assert expiring.url == reverse("lifetime:scpos-expiring")
    assert breaches.url == reverse("lifetime:scpo-breaches")


def test_a_flexed_line_is_marked_in_both_divisions(client, force, supervisor):
    east, central = force["divisions"]["east"], force["divisions"]["central"]
    scored_line(east, points=2)
    flexed = scored_line(
        east, points=1, reference="CL-9100", flexed_division=central, flex_reason="Fictional"
    )
    recompute_all()
    client.force_login(supervisor)
    response = client.get(URL)
    parts = {p.code: p for p in response.context["rankings"].lines}
    # Ranked in Central, where the Central CLGT works it, and listed (not ranked) in East.
    assert [r.subject_id for r in parts["CENTRAL"].top] == [flexed.pk]
    assert parts["CENTRAL"].top[0].flexed
    assert flexed.pk not in [r.subject_id for r in parts["EAST"].top]
    assert [(name, row.subject_id) for name, row in parts["EAST"].flexed_out] == [
        ("Central", flexed.pk)
    ]
    assert not parts["CENTRAL"].flexed_out and not parts["NORTH"].flexed_out
    east = client.get(reverse("matrix:partition", args=["lines", "EAST"])).content.decode()
    assert 'data-testid="flexed-out-EAST"' in east and "flexed to Central" in east
    central = client.get(reverse("matrix:partition", args=["lines", "CENTRAL"])).content.decode()
    assert "flexed from East" in central and "flexed-out" not in central


def test_one_tab_read_alone_equals_that_tab_of_the_whole_matrix(force, supervisor):
    north, east, central = (force["divisions"][k] for k in ("north", "east", "central"))
    for points in (3, 1, 2):
        scored_line(north, points=points)
        scored_line(east, points=points)
        scored_ocg(east if points > 1 else north)
    scored_line(east, points=2, flexed_division=central, flex_reason="Fictional")
    scored_line(north, points=1, flexed_division=east, flex_reason="Fictional")
    approved_disruption(force, days_ago(4), lines=[scored_line(north, points=3)])
    recompute_all(as_of=days_ago(7))
    recompute_all()

    def rows(partition):
        return [
            (r.rank, r.subject_id, r.total, r.movement.label, r.last_disruption, r.flexed)
            for r in partition.top + partition.rest
        ]

    whole = matrix_rankings(user=supervisor)
    for group in ("lines", "ocgs"):
        for full in getattr(whole, group):
            alone = matrix_rankings(user=supervisor, partition=full.code)
            tab = next(p for p in getattr(alone, group) if p.code == full.code)
            assert rows(tab) == rows(full)
            assert [(d, r.subject_id) for d, r in tab.flexed_out] == [
                (d, r.subject_id) for d, r in full.flexed_out
            ]
    assert any(p.flexed_out for p in whole.lines)
    # The page reads rows for the OCG tab it opens on (force-wide) and counts for the others.
    page = dashboard_get(user=supervisor).rankings
    assert [(p.code, p.count) for p in page.ocgs] == [(p.code, p.count) for p in whole.ocgs]
    assert rows(page.ocgs[0]) == rows(whole.ocgs[0]) and page.ocgs[0].code == "FORCE"
    assert all(not p.top for p in page.ocgs[1:]) and any(p.count for p in page.ocgs[1:])
    assert [rows(p) for p in page.lines] == [rows(p) for p in whole.lines]


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_roles_without_the_matrix_are_refused(client, request, force, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("matrix:live")).status_code == 403
    assert client.get(reverse("matrix:partition", args=["lines", "NORTH"])).status_code == 403
    assert client.get(reverse("matrix:export", args=["lines"])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, force):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_lro_sees_only_the_lines_of_their_ocgs(client, force, lro):
    north = force["divisions"]["north"]
    scored_line(north, points=3)  # ties with the next (3 with the OCG link) and ranks first
    mine = scored_ocg(north, managing_team=force["teams"]["north_local"])
    theirs = scored_line(north, points=1, ocg=mine)
    recompute_all()
    client.force_login(lro)
    board = client.get(URL).context["board"]
    shown = [r.subject_id for p in board.rankings.lines for r in p.top]
    assert shown == [theirs.pk]
    # The rank is the line's rank in the division, not in what the LRO can see.
    assert board.rankings.lines[0].top[0].rank == 2


def test_as_of_reads_rank_history_and_that_days_snapshot(client, force, supervisor):
    north = force["divisions"]["north"]
    line = scored_line(north, points=2)
    recompute_all()
    past = days_ago(5)
    RankHistory.objects.create(
        on=past,
        subject_type=RankedSubject.COUNTY_LINE,
        county_line=line,
        partition="NORTH",
        rank=1,
        total=7,
    )
    ForceSnapshot.objects.create(
        force=ForceFactory(), on=past, active_lines=1, total_trh=7, mapped_ocgs=0
    )
    client.force_login(supervisor)
    response = client.get(URL, {"as_of": past.isoformat()})
    rankings = response.context["rankings"]
    assert not rankings.is_current
    row = rankings.lines[0].top[0]
    assert (row.total, row.threat, row.confidence) == (7, None, None)
    assert (rankings.totals.active_lines, rankings.totals.total_trh) == (1, 7)
    html = response.content.decode()
    assert 'data-testid="history-notice"' in html
    # A past day's matrix does not follow the worker (the header's search box has its own
    # hx-trigger, so only the live part is read).
    live = re.search(r'<div id="matrix-live"[^>]*>', html).group(0)
    assert "hx-trigger" not in live and "hx-get" not in live


@pytest.mark.parametrize(
    "value, message",
    [
        ("2026-02-31", "Enter a real date"),
        ("yesterday", "Enter a real date"),
        ("2999-01-01", "no figures for a future date"),
    ],
)
def test_bad_as_of_is_a_field_message_over_todays_matrix(client, force, supervisor, value, message):
    client.force_login(supervisor)
    response = client.get(URL, {"as_of": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["rankings"].is_current


def test_live_fragment_is_204_until_the_worker_re_ranks(client, force, supervisor):
    north = force["divisions"]["north"]
    scored_line(north, points=1)
    recompute_all()
    client.force_login(supervisor)
    token = client.get(URL).context["rankings"].token
    live = reverse("matrix:live")
    assert client.get(live, {"token": token}).status_code == 204
    scored_line(north, points=3)
    recompute_all()
    response = client.get(live, {"token": token})
    assert response.status_code == 200
    assert response.context["rankings"].token != token
    assert response.content.decode().count('data-testid="line-row"') == 2


def test_csv_exports_are_audited(client, force, supervisor):
    north = force["divisions"]["north"]
    scored_line(north, points=2, reference="CL-9001")
    recompute_all()
    approved_disruption(force, days_ago(10))
    client.force_login(supervisor)
    response = client.get(reverse("matrix:export", args=["lines"]))
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("Matrix,Rank,Reference,Name,Score")
    assert "North,1,CL-9001" in body
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "matrix.dashboard.lines" and event.changes["rows"] == 1
    for name in ("ocgs", "trend", "ocg-growth", "disruptions"):
        assert client.get(reverse("matrix:export", args=[name])).status_code == 200
    assert client.get(reverse("matrix:export", args=["nothing"])).status_code == 404


def _live_part(html: str) -> str:
    start = html.index('<div id="matrix-live"')
    return html[start : html.index('aria-labelledby="trend-heading"', start)]


def test_live_part_is_rendered_once_per_content_and_is_never_stale(client, force, supervisor):
    """The rankings part is kept rendered under a hash of what it shows: the same rankings are
    not rendered again, and a change the worker does not re-rank for shows at once."""
    cache.clear()
    north = force["divisions"]["north"]
    line = scored_line(north, points=2)
    recompute_all()
    client.force_login(supervisor)
    live = "matrix/partials/live.html"
    first = client.get(URL)
    assert live in [t.name for t in first.templates]
    again = client.get(URL)
    assert live not in [t.name for t in again.templates]
    assert _live_part(again.content.decode()) == _live_part(first.content.decode())
    # An approved disruption changes the line's "last disruption", not its rank or the token.
    approved_disruption(force, days_ago(2), lines=[line])
    after = client.get(URL)
    assert after.context["rankings"].token == first.context["rankings"].token
    assert live in [t.name for t in after.templates]
    assert f"{days_ago(2):%-d %b %Y}" in _live_part(after.content.decode())
    assert f"{days_ago(2):%-d %b %Y}" not in _live_part(first.content.decode())
