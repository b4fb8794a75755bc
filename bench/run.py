"""Benchmarks of the matrix engine (issue 4) and the dashboard (issue 8): `make bench`.

1. Creates the `kentsoc_bench` PostgreSQL database and fills it with the national-scale synthetic
   data set (bench/generate.py), plus last week's rank history from `recompute_all --as-of`.
   The data set is kept between runs and rebuilt when DATA_VERSION changes.
2. Times `recompute_all` (every score and ranking rebuilt).
3. Times the dashboard as a supervisor sees it (in-process, Django's test Client: server time,
   no network) against the same template rendered with no data behind the same decorators.
4. Times the list pages and API lists of 50 rows as the same supervisor (bench/lists.py), and the
   search box's type-ahead and results page (bench/search.py), against a bare view.
5. Starts two real Celery workers on Redis and measures, over 100 changes to one force's lines,
   the latency from an intelligence record saved through the intel service to the line's new
   rank being readable, while a stream of changes to the other forces' lines (20 a second) runs:
   a force's rescore must not wait behind the others' backlog (kentsoc.broker's turns).

Environment (the Makefile sets it): DATABASE_URL pointing at a database whose name ends in
_bench, REDIS_URL. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

# Bump when bench/generate.py changes: the stored data set is then dropped and rebuilt.
DATA_VERSION = "kentsoc bench data v3"
CHANGES = int(os.environ.get("BENCH_CHANGES", "100"))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "20"))
WAIT_SECONDS = 60
# How many forces the country has: one size, or several ("5 45 90"), each in its own database.
FORCES = [int(n) for n in os.environ.get("BENCH_FORCES", "45").replace(",", " ").split()]
NATIONAL_FORCES = 45  # the national set: its database is DATABASE_URL's own
PARTS = ("recompute", "dashboard", "lists", "national", "search", "worker")
# Which benchmarks run (all by default), e.g. BENCH_PARTS=recompute,dashboard.
SELECTED = set(os.environ.get("BENCH_PARTS", ",".join(PARTS)).split(","))
# A file the run adds its headline figures to (JSON lines), for the multi-size summary.
FIGURES_FILE = os.environ.get("BENCH_FIGURES_FILE")


def database_url_for(forces: int) -> str:
    """The national set lives in DATABASE_URL's database; another size in one named after it,
    e.g. kentsoc_f90_bench, so each size is built once and kept."""
    url = os.environ["DATABASE_URL"]
    if forces == NATIONAL_FORCES:
        return url
    base, _, name = url.rpartition("/")
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to benchmark in {name!r}: the database name must end in _bench.")
    return f"{base}/{name.removesuffix('_bench')}_f{forces}_bench"


def record(**figures: object) -> None:
    if FIGURES_FILE:
        import json

        with open(FIGURES_FILE, "a") as out:
            out.write(json.dumps(figures, default=str) + "\n")


def _connect_admin():
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if not cfg["NAME"].endswith("_bench"):
        sys.exit(f"Refusing to benchmark in {cfg['NAME']!r}: the database name must end in _bench.")
    conn = psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    return conn, cfg["NAME"]


def ensure_database() -> bool:
    """Create the bench database if needed; True when it holds the current data set."""
    conn, name = _connect_admin()
    with conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] == DATA_VERSION:
            return True
        if row is not None:
            print(f"the bench data set is missing or out of date ({row[0]!r}): rebuilding it")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def mark_database_current() -> None:
    conn, name = _connect_admin()
    with conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{DATA_VERSION}'")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and p95 (nearest rank), in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def bench_users() -> dict:
    """A supervisor who reads the dashboard, and the author and approver of the disruptions."""
    from django.contrib.auth import get_user_model

    from kentsoc.org.choices import Rank, Role, TeamKind
    from kentsoc.org.models import Force, Officer, Team
    from kentsoc.org.services import officer_sync_group

    # The bench's officers work for the first force: what they read is that force's data.
    team, _ = Team.objects.get_or_create(
        code="BENCH-SOC",
        defaults={
            "name": "Bench SOC",
            "kind": TeamKind.SOC,
            "force": Force.objects.get_or_create(code="F00", defaults={"name": "Force 00"})[0],
        },
    )
    # The national view's reader: a supervisor of a regional unit (NCA / ERSOU) team.
    regional, _ = Team.objects.get_or_create(
        code="BENCH-ERSOU",
        defaults={"name": "Bench ERSOU", "kind": TeamKind.NCA_ERSOU, "force": team.force},
    )
    users = {}
    for key, role, unit in (
        ("supervisor", Role.SUPERVISOR, team),
        ("author", Role.CLGT_OFFICER, team),
        ("approver", Role.SUPERVISOR, team),
        ("regional", Role.SUPERVISOR, regional),
    ):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-{key}", defaults={"first_name": "Bench", "last_name": key.title()}
        )
        officer, _ = Officer.objects.get_or_create(
            user=user,
            defaults={"collar_number": f"B-{key}", "rank": Rank.DS, "role": role, "team": unit},
        )
        officer_sync_group(officer=officer)
        users[key] = user
    return users


def time_requests(get: Callable[[], object], n: int) -> list[float]:
    for _ in range(2):  # warm caches (templates, reversed URLs, connections)
        get()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        get()
        samples.append(time.perf_counter() - started)
    return samples


def bench_dashboard(supervisor) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from kentsoc.dashboard.board import dashboard_get
    from kentsoc.org.models import Division

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    second = Division.objects.order_by("is_central", "pk").values_list("code", flat=True)[1]
    pages = {
        "dashboard": "/matrix/",
        "bare": "/bench/bare-dashboard/",
        # What loads when the supervisor opens another division's tab, and the force-wide OCG
        # matrix below its top 30 (the longest list).
        "a division tab": f"/matrix/partition/lines/{second}/",
        "force OCGs below the top 30": "/matrix/partition/ocgs/FORCE/?part=rest",
    }
    results = {}
    counts: dict[str, int] = {}
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    with override_settings(ROOT_URLCONF="bench.urls"):
        for name, url in pages.items():

            def get(url: str = url) -> object:
                response = client.get(url)
                if response.status_code != 200:
                    sys.exit(f"GET {url}: HTTP {response.status_code}")
                return response

            queries[0] = 0
            with connection.execute_wrapper(count):
                response = get()
            samples = time_requests(get, PAGE_REQUESTS)
            results[name] = percentiles(samples)
            detail = f"{len(response.content) / 1e6:.2f} MB, {queries[0]} queries"
            counts[name] = queries[0]
            median, p95 = results[name]
            print(
                f"{name} page server time, {PAGE_REQUESTS} requests: "
                f"median {median:.0f} ms, p95 {p95:.0f} ms ({detail})"
            )
    board = dashboard_get(user=supervisor)
    print(
        f"  the dashboard reads {sum(p.count for p in board.rankings.lines)} ranked lines in "
        f"{len(board.rankings.lines)} division tabs (all of them: top-30 lines with no recent "
        f"disruption are listed), {sum(p.count for p in board.rankings.ocgs)} OCG rankings "
        f"(rows for the force-wide tab it opens on, counts for the others) and "
        f"{board.disruptions.total} approved disruptions in six months; it renders the first "
        "tab of each matrix, the others and the rows below each top 30 load when opened"
    )
    (median, p95), (bare_median, bare_p95) = results["dashboard"], results["bare"]
    print(
        f"dashboard / bare template: median x{median / bare_median:.1f}, p95 x{p95 / bare_p95:.1f}"
    )
    record(
        dashboard_p50_ms=round(median),
        dashboard_p95_ms=round(p95),
        dashboard_queries=counts["dashboard"],
        dashboard_x_bare_p95=round(p95 / bare_p95, 1),
        dashboard_x_bare_p50=round(median / bare_median, 1),
        division_tab_p95_ms=round(results["a division tab"][1]),
        ocgs_below_30_p95_ms=round(results["force OCGs below the top 30"][1]),
    )


def bench_national(regional) -> None:
    """The national view (per force figures) as an NCA / ERSOU supervisor, server time."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(regional)
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    for url in ("/matrix/national/", "/api/reports/national/"):
        queries[0] = 0

        def get(url: str = url) -> object:
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"GET {url}: HTTP {response.status_code}")
            return response

        with connection.execute_wrapper(count):
            get()
        median, p95 = percentiles(time_requests(get, PAGE_REQUESTS))
        print(
            f"national view {url}, {PAGE_REQUESTS} requests: median {median:.0f} ms, "
            f"p95 {p95:.0f} ms ({queries[0]} queries)"
        )
        if url.startswith("/matrix/"):
            record(national_p95_ms=round(p95), national_queries=queries[0])


def _die_with_the_bench() -> None:
    """In the worker before exec: the kernel kills it if the bench dies, even by SIGKILL."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _start_worker(log, n: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "bench.celery_app",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=bench-{os.getpid()}-{n}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_the_bench,
    )


def _stream(line_ids: list[int], rate: float, stopping, sent) -> None:
    """Changes to other forces' lines at `rate` a second (what their officers' saves do to the
    matrix: the line marked stale and its rescore queued after commit), in a process of its
    own so the bench's own saves and polls do not slow it."""
    from django.db import connection, transaction

    from countylines.models import CountyLine
    from kentsoc import broker
    from kentsoc.trh.choices import RankedSubject

    connection.close()  # the parent's, inherited by the fork: this process opens its own
    rnd = random.Random(11)
    started = time.perf_counter()
    while not stopping.is_set():
        with transaction.atomic():
            broker.mark_stale(
                CountyLine, [rnd.choice(line_ids)], subject_type=RankedSubject.COUNTY_LINE
            )
        with sent.get_lock():
            sent.value += 1
        stopping.wait(max(0.0, started + sent.value / rate - time.perf_counter()))
    connection.close()


def bench_worker_latency(actor) -> None:
    """Intelligence saved -> new rank readable, with BENCH_WORKERS real workers (2) while a
    stream of BENCH_STREAM_RATE changes a second (20) to other forces' lines runs."""
    import redis
    from django.db import connection
    from django.utils import timezone

    from bench.celery_app import QUEUE, app
    from countylines.choices import LineStatus
    from countylines.models import CountyLine
    from kentsoc.intel.services.records import intelligence_create
    from kentsoc.matrix.models import Ranking

    workers_wanted = int(os.environ.get("BENCH_WORKERS", "2"))
    rate = float(os.environ.get("BENCH_STREAM_RATE", "20"))
    # Only this benchmark's queue: a test run may be using the same Redis database.
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(QUEUE)
    app.conf.task_always_eager = False
    active = CountyLine.objects.filter(status=LineStatus.ACTIVE)
    # The actor's own force's lines: force isolation refuses any other's.
    lines = list(active.filter(division__force__code="F00").values_list("pk", flat=True))
    others = list(active.exclude(division__force__code="F00").values_list("pk", flat=True))
    # The rank readable: the line re-ranked since the save and no longer stale. Polled every 2 ms
    # as plain SQL: the ORM's query building, 500 times a second, took CPU from the workers
    # being measured on this two-core machine.
    readable = f"""SELECT 1 FROM {Ranking._meta.db_table} r
        JOIN {CountyLine._meta.db_table} l ON l.id = r.county_line_id
        WHERE r.county_line_id = %s AND r.ranked_at >= %s AND l.score_stale_since IS NULL
        LIMIT 1"""  # noqa: S608 (table names from model metadata)
    with tempfile.NamedTemporaryFile("w+", prefix="kentsoc-bench-worker-", suffix=".log") as log:
        workers = [_start_worker(log, n) for n in range(workers_wanted)]
        forks = multiprocessing.get_context("fork")
        stopping, sent = forks.Event(), forks.Value("i", 0)
        stream = forks.Process(target=_stream, args=(others, rate, stopping, sent), daemon=True)
        try:
            rnd = random.Random(7)
            latencies, saves = [], []
            for i in range(CHANGES + 1):
                if i == 1 and rate:
                    connection.close()  # not shared with the fork
                    stream.start()  # after the first change has warmed the workers
                    stream_started = time.perf_counter()
                line_id = rnd.choice(lines)
                started = timezone.now()
                t0 = time.perf_counter()
                intelligence_create(
                    actor=actor,
                    information_date=timezone.localdate(),
                    summary=f"Fictional bench change {i}.",
                    source_evaluation="1",
                    intelligence_assessment="A",
                    handling_code="P",
                    county_lines=[line_id],
                    factor_claims=[{"factor": "violence", "level": rnd.randint(1, 3)}],
                )
                saved = time.perf_counter()  # committed; the rescore is on the queue
                while time.perf_counter() < saved + WAIT_SECONDS:
                    with connection.cursor() as cursor:
                        cursor.execute(readable, [line_id, started])
                        if cursor.fetchone():
                            break
                    time.sleep(0.002)
                else:
                    log.seek(0)
                    sys.exit(f"change {i}: the rank never became readable. Worker:\n{log.read()}")
                if i:  # the first change warms the worker's connections
                    latencies.append(time.perf_counter() - saved)
                    saves.append(saved - t0)
            streamed = ""
            if rate:
                seconds = time.perf_counter() - stream_started
                stopping.set()
                stream.join(30)
                client = redis.Redis.from_url(os.environ["REDIS_URL"])
                backlog = client.llen(QUEUE)
                # The forces' own lists of pending rescores (kentsoc.broker, one turn per force).
                prefix = f"kentsoc:{connection.settings_dict['NAME']}:rescore:force:"
                waiting = sum(client.llen(key) for key in client.scan_iter(f"{prefix}*:subjects"))
                streamed = (
                    f"; meanwhile {sent.value} changes to other forces' lines, "
                    f"{sent.value / seconds:.1f}/s, {backlog} tasks still queued at the end "
                    f"({waiting} rescores waiting in the forces' own lists)"
                )
            median, p95 = percentiles(latencies)
            save_median, _ = percentiles(saves)
            print(
                f"intelligence saved -> new rank readable ({workers_wanted} real workers), "
                f"{len(latencies)} changes: median {median:.0f} ms, p95 {p95:.0f} ms, "
                f"max {max(latencies) * 1000:.0f} ms (the save itself: median "
                f"{save_median:.0f} ms){streamed}"
            )
            record(worker_p50_ms=round(median), worker_p95_ms=round(p95))
        finally:
            if stream.is_alive():
                stopping.set()
                stream.join(30)
            for worker in workers:
                os.killpg(worker.pid, signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(timeout=10)


def bench_recompute() -> None:
    from kentsoc.matrix.models import Score
    from kentsoc.matrix.recompute import recompute_all
    from kentsoc.org.models import Force

    # Every current score made to differ (as a new matrix version would), so the timed run
    # writes every score whether or not the data set was scored before.
    Score.objects.filter(is_current=True).update(matrix_version="bench-old")
    started = time.perf_counter()
    summary = recompute_all()
    seconds = time.perf_counter() - started
    print(
        f"recompute_all: {seconds:.1f}s ({summary.lines_scored} lines, "
        f"{summary.ocgs_scored} OCGs, {summary.scores_written} new scores, "
        f"{summary.ranked} rank rows)"
    )
    started = time.perf_counter()
    recompute_all()
    unchanged = time.perf_counter() - started
    print(f"recompute_all again (nothing changed): {unchanged:.1f}s")
    force = Force.objects.get(code="F00")
    started = time.perf_counter()
    one = recompute_all(force_id=force.pk)
    one_force = time.perf_counter() - started
    print(
        f"recompute_all for one force: {one_force:.2f}s ({one.lines_scored} lines, "
        f"{one.ocgs_scored} OCGs, {one.scores_written} new scores, {one.ranked} rank rows)"
    )
    record(
        recompute_s=round(seconds, 2),
        recompute_scores=summary.scores_written,
        recompute_unchanged_s=round(unchanged, 2),
        recompute_one_force_s=round(one_force, 2),
    )


def compare_sizes() -> None:
    """One run per size (each in its own database), then their headline figures side by side."""
    import json

    with tempfile.NamedTemporaryFile("r", prefix="kentsoc-bench-", suffix=".jsonl") as figures:
        for forces in FORCES:
            print(f"\n===== {forces} forces =====", flush=True)
            env = {**os.environ, "BENCH_FORCES": str(forces), "BENCH_FIGURES_FILE": figures.name}
            if subprocess.run([sys.executable, __file__], env=env, check=False).returncode:
                sys.exit(f"the {forces}-force run failed")
        rows: dict[int, dict] = {}
        forces = 0
        for line in figures:
            row = json.loads(line)
            forces = row.pop("forces", forces)  # each run's first line names its size
            rows.setdefault(forces, {}).update(row)
    columns = sorted({key for row in rows.values() for key in row})
    print("\nforces  " + "  ".join(columns))
    for forces, row in rows.items():
        print(f"{forces:>6}  " + "  ".join(str(row.get(c, "-")).rjust(len(c)) for c in columns))


def main() -> None:
    if len(FORCES) > 1:
        compare_sizes()
        return
    forces = FORCES[0]
    os.environ["DATABASE_URL"] = database_url_for(forces)
    bench_started = time.perf_counter()
    current = ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.generate import Scale, generate
    from bench.lists import bench_lists
    from bench.search import bench_search
    from kentsoc.matrix.recompute import recompute_all

    record(forces=forces)
    print(f"{forces} forces, database {connection.settings_dict['NAME']}; load: {_load()}")
    call_command("migrate", verbosity=0, interactive=False)
    users = bench_users()
    if current:
        print("using the existing bench data set")
    else:
        started = time.perf_counter()
        counts = generate(Scale.for_forces(forces), users=users)
        # Last week's rank history and snapshot, for the dashboard's movement column.
        recompute_all(as_of=timezone.localdate() - datetime.timedelta(days=7))
        mark_database_current()
        print(f"generated {counts} in {time.perf_counter() - started:.1f}s")
    with connection.cursor() as cursor:
        # As autovacuum leaves a live database: statistics, and the visibility map that lets
        # index-only scans (the dashboard's covering indexes) skip the table.
        cursor.execute("VACUUM ANALYZE")

    if "recompute" in SELECTED:
        bench_recompute()
    if "dashboard" in SELECTED:
        bench_dashboard(users["supervisor"])
    if "lists" in SELECTED:
        bench_lists(users["supervisor"], PAGE_REQUESTS, record)
    if "national" in SELECTED:
        bench_national(users["regional"])
    if "search" in SELECTED:
        bench_search(users["supervisor"])
    if "worker" in SELECTED:
        bench_worker_latency(users["supervisor"])
    print(f"bench finished in {time.perf_counter() - bench_started:.0f}s; load: {_load()}")


def _load() -> str:
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


if __name__ == "__main__":
    main()
