"""Server time and cost of every list, detail, dashboard and report page and API list (issue 18):
`make bench-pages`.

1. Creates the `kentsoc_pages` PostgreSQL database, migrates it and loads the demo force
   (`seed_demo`, DEBUG off) the first time; later runs migrate it and reuse it (rebuilt when
   DATA_VERSION changes, or with --rebuild).
2. Signs in each role's North demo officer with Django's test client (a session, as after the
   sign-in page) and requests each page in process with production settings: DEBUG off, the
   cached template loader, no network. Per page it prints the median and p95 server time of N
   requests (after two warm-ups), the median time spent running its SQL (of the server time:
   what fewer Python calls cannot save), the SQL queries, the templates rendered (every
   {% include %} and {% extends %} is one) and the Python function calls of one request
   (cProfile's count: unlike the time, these do not move when the machine is busy).
3. `--profile <path>` instead prints cProfile's top entries for that page (as `--role`).

Environment (the Makefile sets it): DATABASE_URL naming a database called kentsoc_pages.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

# Bump when the demo data changes shape: the stored database is then dropped and rebuilt.
DATA_VERSION = "kentsoc pages data v1"
DATABASE_NAME = "kentsoc_pages"


@dataclass(frozen=True)
class Page:
    label: str
    role: str
    # A path, or a function of the role's user giving one (a detail page of a record they see).
    path: str | Callable[[object], str]


def _first(model_path: str, user, order: str = "pk", **filters) -> int:
    from django.apps import apps

    model = apps.get_model(model_path)
    manager = model.objects
    queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    pk = queryset.filter(**filters).order_by(order).values_list("pk", flat=True).first()
    if pk is None:
        sys.exit(f"the demo has no {model_path} {filters} that this user sees")
    return pk


def _busiest_ocg(user) -> int:
    from django.db.models import Count

    from ocg.models import OCG

    return (
        OCG.objects.visible_to(user)
        .annotate(n=Count("memberships"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _busiest_line(user) -> int:
    from django.db.models import Count

    from countylines.models import CountyLine

    return (
        CountyLine.objects.visible_to(user)
        .annotate(n=Count("people_at_risk"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def pages() -> list[Page]:
    from django.urls import reverse

    def detail(name: str, find: Callable[[object], int]) -> Callable[[object], str]:
        return lambda user: reverse(name, args=[find(user)])

    api50 = "?page_size=50"
    return [
        Page("home", "supervisor", "/"),
        Page("home", "analyst", "/"),
        Page("home", "coordinator", "/"),
        Page("home", "lro", "/"),
        Page("home", "clgt_officer", "/"),
        Page("home", "clio", "/"),
        Page("home", "auditor", "/"),
        Page("matrix dashboard", "supervisor", "/matrix/"),
        Page("dashboard live figures", "supervisor", "/matrix/live/"),
        Page("reports", "supervisor", "/reports/"),
        Page("OCG list", "supervisor", "/ocgs/"),
        Page("nominal list", "supervisor", "/nominals/"),
        Page("county-line list", "supervisor", "/county-lines/"),
        Page("people at risk", "clio", "/county-lines/people-at-risk/"),
        Page("intelligence list", "analyst", "/intelligence/"),
        Page("disruption list", "supervisor", "/disruptions/"),
        Page("my disruptions", "clgt_officer", "/disruptions/mine/"),
        Page("approvals", "supervisor", "/disruptions/approvals/"),
        Page("court results", "supervisor", "/disruptions/court-results/"),
        Page("operations", "supervisor", "/operations/"),
        Page("releases", "coordinator", "/lifetime/releases/"),
        Page("SCPOs expiring", "coordinator", "/lifetime/scpos/expiring/"),
        Page("SCPO breaches", "coordinator", "/lifetime/scpos/breaches/"),
        Page("in prison", "coordinator", "/lifetime/in-prison/"),
        Page("untrained LROs", "coordinator", "/lifetime/untrained-lros/"),
        Page("LRO training", "coordinator", "/lifetime/training/"),
        Page("audit trail", "auditor", "/audit/"),
        # The header's search box as the load test types in it (bench/locustfile.py): htmx's
        # suggestions for the first letters, then the whole name, then the results page.
        Page("search suggestions", "supervisor", "/search/suggest/?q=BLA"),
        Page("search suggestions", "supervisor", "/search/suggest/?q=BLAZE"),
        Page("search suggestions", "analyst", "/search/suggest/?q=BLAZE"),
        Page("search results", "supervisor", "/search/?q=BLAZE"),
        Page("search results", "analyst", "/search/?q=BLAZE"),
        Page("an OCG", "supervisor", detail("ocg:detail", _busiest_ocg)),
        Page("an OCG's network", "supervisor", detail("ocg:network", _busiest_ocg)),
        Page("a county line", "supervisor", detail("countylines:detail", _busiest_line)),
        Page("a line's history", "supervisor", detail("countylines:history", _busiest_line)),
        Page(
            "a nominal",
            "supervisor",
            detail("ocg:nominal-detail", lambda u: _first("ocg.Nominal", u)),
        ),
        Page(
            "a person at risk",
            "clio",
            detail("countylines:person", lambda u: _first("countylines.PersonAtRisk", u)),
        ),
        Page(
            "an intelligence record",
            "analyst",
            detail("intel:detail", lambda u: _first("intel.IntelligenceRecord", u)),
        ),
        Page(
            "a disruption",
            "supervisor",
            detail("disruptions:detail", lambda u: _first("disruptions.Disruption", u)),
        ),
        Page(
            "an operation",
            "supervisor",
            detail("disruptions:operation-detail", lambda u: _first("disruptions.Operation", u)),
        ),
        Page(
            "a nominal's lifetime",
            "coordinator",
            detail("lifetime:nominal", lambda u: _first("ocg.Nominal", u)),
        ),
        Page("API OCGs", "supervisor", f"/api/ocgs/{api50}"),
        Page("API nominals", "supervisor", f"/api/nominals/{api50}"),
        Page("API county lines", "supervisor", f"/api/county-lines/{api50}"),
        Page("API people at risk", "clio", f"/api/people-at-risk/{api50}"),
        Page("API intelligence", "analyst", f"/api/intelligence/{api50}"),
        Page("API intelligence", "supervisor", f"/api/intelligence/{api50}"),
        Page("API matrix lines", "supervisor", f"/api/matrix/county-lines/{api50}"),
        Page("API matrix OCGs", "supervisor", f"/api/matrix/ocgs/{api50}"),
        Page("API disruptions", "supervisor", f"/api/disruptions/{api50}"),
        Page("API operations", "supervisor", f"/api/operations/{api50}"),
        Page("API court results", "supervisor", f"/api/court-results/{api50}"),
        Page("API releases", "coordinator", f"/api/lifetime/releases/{api50}"),
        Page("API in prison", "coordinator", f"/api/lifetime/in-prison/{api50}"),
        Page("API audit", "auditor", f"/api/audit/{api50}"),
        Page(
            "API activity summary",
            "supervisor",
            "/api/reports/activity-summary/?from=2000-01-01&to=2099-12-31",
        ),
    ]


# --- the database ---------------------------------------------------------------------------


def _connect_admin():
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if cfg["NAME"] != DATABASE_NAME:
        sys.exit(f"Refusing to seed {cfg['NAME']!r}: bench/pages.py uses {DATABASE_NAME!r}.")
    return psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )


# Held from "is the demo seeded?" until it is migrated and seeded: runs started together (several
# people measuring at once) wait for one seeding instead of each dropping the database another run
# is still seeding (it has no DATA_VERSION comment until the end). A session lock: it goes with
# the connection, whichever way the run ends.
SETUP_LOCK = 7_364_901


def lock_setup():
    conn = _connect_admin()
    conn.execute("SELECT pg_advisory_lock(%s)", [SETUP_LOCK])
    return conn


def ensure_database(rebuild: bool) -> bool:
    """Create the database if needed; True when it already holds the current demo."""
    with _connect_admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [DATABASE_NAME],
        ).fetchone()
        if row is not None and row[0] == DATA_VERSION and not rebuild:
            return True
        if row is not None:
            print(f"rebuilding {DATABASE_NAME} (it holds {row[0]!r})")
            conn.execute(f'DROP DATABASE "{DATABASE_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return False


def mark_database_current() -> None:
    with _connect_admin() as conn:
        conn.execute(f"COMMENT ON DATABASE \"{DATABASE_NAME}\" IS '{DATA_VERSION}'")


def role_users() -> dict[str, object]:
    """Each role's North demo officer (the first by username where a role has no North one)."""
    from kentsoc.org.models import Officer

    users = {}
    for officer in Officer.objects.select_related("user", "division").order_by("user__username"):
        current = users.get(officer.role)
        is_north = officer.division is not None and officer.division.name.lower().startswith(
            "north"
        )
        if current is None or (is_north and not current[1]):
            users[officer.role] = (officer.user, is_north)
    return {role: user for role, (user, _) in users.items()}


# --- measuring ------------------------------------------------------------------------------


class Counters:
    """Queries, their time in the database driver, and templates rendered during one request."""

    def __init__(self) -> None:
        self.queries = 0
        self.templates = 0
        self.sql_seconds = 0.0

    def __enter__(self) -> Counters:
        from django.db import connection
        from django.template.base import Template

        self._original = Template._render
        counters = self

        def counted(template, context):
            counters.templates += 1
            return counters._original(template, context)

        def count(execute, sql, params, many, context):
            self.queries += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.sql_seconds += time.perf_counter() - started

        Template._render = counted
        self._wrapper = connection.execute_wrapper(count)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        from django.template.base import Template

        self._wrapper.__exit__(*exc)
        Template._render = self._original


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def fetch(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"GET {path}: HTTP {response.status_code}")
    return response


def measure(client, path: str, n: int) -> dict[str, float]:
    for _ in range(2):  # warm: templates compiled, URLs reversed, session and permission caches
        fetch(client, path)
    with Counters() as counted:
        response = fetch(client, path)
    profiler = cProfile.Profile()
    profiler.enable()
    fetch(client, path)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls
    samples, sql = [], []
    for _ in range(n):
        with Counters() as timed:
            started = time.perf_counter()
            fetch(client, path)
            samples.append((time.perf_counter() - started) * 1000)
        sql.append(timed.sql_seconds * 1000)
    return {
        "median": statistics.median(samples),
        # The statements' share of the median (sent, run by PostgreSQL, rows read back): what
        # fewer Python calls cannot save.
        "sql": statistics.median(sql),
        "p95": percentile(samples, 0.95),
        "queries": counted.queries,
        "templates": counted.templates,
        "calls": calls,
        "kb": len(response.content) / 1024,
    }


def profile(client, path: str, top: int) -> None:
    for _ in range(3):
        fetch(client, path)
    profiler = cProfile.Profile()
    runs = 10
    profiler.enable()
    for _ in range(runs):
        fetch(client, path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(f"cProfile of GET {path}, {runs} requests: {stats.total_calls / runs:,.0f} calls each")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def print_queries(client, path: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch(client, path)
    for i, query in enumerate(captured.captured_queries, 1):
        print(f"{i:>3}. {query['time']}s {query['sql'][:400]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("PAGES_N", "10")))
    parser.add_argument("--only", default="", help="measure only pages whose label contains this")
    parser.add_argument("--profile", metavar="PATH", help="print cProfile's top entries for PATH")
    parser.add_argument("--sql", action="store_true", help="with --profile: print its queries")
    parser.add_argument("--role", default="supervisor", help="who requests --profile's page")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="drop and re-seed the database")
    parser.add_argument(
        "--seed-only", action="store_true", help="make sure the database is seeded, then stop"
    )
    args = parser.parse_args()

    setup_lock = lock_setup()
    current = ensure_database(args.rebuild)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.template import engines

    if settings.DEBUG:
        sys.exit("bench/pages.py measures production settings: run it with DEBUG=false")
    # Every run: a migration another change added since the demo was seeded applies to it; one
    # that cannot apply to the seeded data is no reason to stop: the demo is seeded afresh.
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except DatabaseError as error:
        if args.rebuild:
            raise
        print(f"{DATABASE_NAME} does not migrate ({str(error).splitlines()[0]}): seeding it afresh")
        # Start again in a clean process, the database dropped before Django connects to it.
        os.execv(sys.executable, [sys.executable, *sys.argv, "--rebuild"])  # noqa: S606
    if not current:
        started = time.perf_counter()
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        mark_database_current()
        print(f"migrated and seeded {DATABASE_NAME} in {time.perf_counter() - started:.0f} s")
    # As autovacuum leaves a live database (bench/run.py does the same): planner statistics and
    # the visibility map. Servers with autovacuum off (CI's) would otherwise plan every query
    # on guesses of one row per table, slower plans than production ever runs.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    setup_lock.close()
    if args.seed_only:
        return
    loaders = [type(loader).__name__ for loader in engines["django"].engine.template_loaders]
    users = role_users()

    if args.profile:
        client = client_for(users[args.role])
        profile(client, args.profile, args.top)
        if args.sql:
            print_queries(client, args.profile)
        return

    load = os.getloadavg()
    print(
        f"{len(os.sched_getaffinity(0))} cores, load average {load[0]:.1f} {load[1]:.1f}; "
        f"DEBUG off; template loaders {loaders}; {args.n} requests per page"
    )
    header = (
        f"{'page':<26} {'role':<13} {'median':>7} {'p95':>7} {'sql':>7} {'queries':>7} "
        f"{'templates':>9} {'py calls':>9} {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    clients: dict[str, object] = {}
    worst = 0.0
    for page in pages():
        if args.only and args.only.lower() not in page.label.lower():
            continue
        user = users[page.role]
        client = clients.setdefault(page.role, client_for(user))
        path = page.path(user) if callable(page.path) else page.path
        m = measure(client, path, args.n)
        worst = max(worst, m["median"])
        print(
            f"{page.label:<26} {page.role:<13} {m['median']:>5.1f}ms {m['p95']:>5.1f}ms "
            f"{m['sql']:>5.1f}ms "
            f"{m['queries']:>7} {m['templates']:>9} {m['calls']:>9,} {m['kb']:>6.0f}"
        )
    print(f"slowest median: {worst:.1f} ms")


if __name__ == "__main__":
    main()
