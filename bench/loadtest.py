"""Fifty officers at once on this machine (issue 18): `make loadtest`.

1. Copies the demo force's database (`kentsoc_pages`, seeded by bench/pages.py if need be) to
   `kentsoc_loadtest`, fresh each run, so what the officers add does not pile up between runs.
2. Gives it LOADTEST_USERS officers (50) of mixed roles (MIX), most of the demo force and a share
   of a second force (LOADTEST_SECOND_FORCE, default MX, which Kent-shire lends a line to), each
   with a demo officer's team and division of their force, a password (hashed with the
   project's own hasher at its full strength; one hash shared by all, so setting up does not
   spend a hash per officer) and a confirmed authenticator app.
3. Starts gunicorn on 127.0.0.1 (gunicorn.conf.py: workers = 2 x cores + 1, two threads each;
   production settings: DEBUG off, the second factor on) and a Celery worker for the rescores
   the writes ask for (Redis database LOADTEST_REDIS_URL, default 13), then runs locust
   headless for LOADTEST_SECONDS (60) with every officer signing in and working through their
   role's pages, API lists and writes, and typing in the header's search box
   (bench/locustfile.py).
4. Prints requests/s, p50/p95 per page and the errors, and the CPU seconds the machine spent
   during the run, how many of them gunicorn, Celery and their PostgreSQL backends had (on a
   machine shared with other work a slow run says so), then stops everything it started.

Environment (the Makefile sets it): DATABASE_URL naming kentsoc_pages; LOCUST, the locust
executable (its own virtualenv, `pip install '.[load]'`). Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")

USERS = int(os.environ.get("LOADTEST_USERS_COUNT", "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
SPAWN_RATE = float(os.environ.get("LOADTEST_SPAWN_RATE", "5"))
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE = "kentsoc_loadtest"
PASSWORD = "fictional-load-test-password-7"  # noqa: S105 (a bench login on a throwaway copy)

# Officers in the mix (50), by force and role: who works the matrix, who writes. Most are the
# demo force's (Kent-shire); a share are a second force's (issue 19: two forces' officers mixed),
# each modelled on that force's own demo officer, so they see their own force's pages and lists
# and what Kent-shire lends them, and never Kent-shire's own records.
DEMO_FORCE = "KS"
SECOND_FORCE = os.environ.get("LOADTEST_SECOND_FORCE", "MX")
MIX = [
    (DEMO_FORCE, "supervisor", 8),
    (DEMO_FORCE, "analyst", 6),
    (DEMO_FORCE, "clgt_officer", 6),
    (DEMO_FORCE, "coordinator", 6),
    (DEMO_FORCE, "lro", 6),
    (DEMO_FORCE, "clio", 6),
    (DEMO_FORCE, "researcher", 3),
    (DEMO_FORCE, "auditor", 3),
    (SECOND_FORCE, "supervisor", 2),
    (SECOND_FORCE, "analyst", 2),
    (SECOND_FORCE, "clgt_officer", 2),
]

# (request name, URL name, which record id it takes) per role; every role also opens home.
ROLE_PAGES: dict[str, list[tuple[str, str, str | None]]] = {
    "supervisor": [
        ("matrix dashboard", "matrix:dashboard", None),
        ("OCG list", "ocg:list", None),
        ("county-line list", "countylines:list", None),
        ("disruption list", "disruptions:list", None),
        ("approvals", "disruptions:approvals", None),
        ("reports", "disruptions:reports", None),
        ("an OCG", "ocg:detail", "ocg"),
        ("a county line", "countylines:detail", "line"),
        ("API OCGs", "api:ocg-list", None),
        ("API county lines", "api:county-line-list", None),
    ],
    "analyst": [
        ("intelligence list", "intel:list", None),
        ("an intelligence record", "intel:detail", "record"),
        ("API intelligence", "api:intelligence-list", None),
        ("OCG list", "ocg:list", None),
        ("a county line", "countylines:detail", "line"),
    ],
    "clgt_officer": [
        ("county-line list", "countylines:list", None),
        ("a county line", "countylines:detail", "line"),
        ("my disruptions", "disruptions:mine", None),
        ("API disruptions", "api:disruption-list", None),
    ],
    "coordinator": [
        ("OCG list", "ocg:list", None),
        ("nominal list", "ocg:nominal-list", None),
        ("an OCG", "ocg:detail", "ocg"),
        ("a nominal", "ocg:nominal-detail", "nominal"),
        ("releases", "lifetime:releases", None),
        ("API nominals", "api:nominal-list", None),
    ],
    "lro": [("OCG list", "ocg:list", None), ("an OCG", "ocg:detail", "ocg")],
    "clio": [
        ("people at risk", "countylines:people", None),
        ("a person at risk", "countylines:person", "person"),
        ("API people at risk", "api:person-at-risk-list", None),
    ],
    "researcher": [("OCG list", "ocg:list", None), ("an OCG", "ocg:detail", "ocg")],
    "auditor": [("audit trail", "audit:list", None), ("API audit", "api:audit-event-list", None)],
}
# An officer whose force is lent a line or OCG (a live share) also opens what is lent.
LENT_PAGES: list[tuple[str, str, str | None]] = [
    ("shares lent to us", "sharing:list", None),
    ("a shared line or OCG", "sharing:detail", "share"),
]


def _admin_connection():
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if cfg["NAME"] != "kentsoc_pages":
        sys.exit(f"Refusing: bench/loadtest.py copies kentsoc_pages, not {cfg['NAME']!r}.")
    conn = psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    return conn, cfg


def copy_database() -> str:
    """kentsoc_loadtest as a fresh copy of the seeded demo; its URL."""
    conn, cfg = _admin_connection()
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        # A template must have no other connection while it is copied.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = 'kentsoc_pages' AND pid <> pg_backend_pid()"
        )
        conn.execute(f'CREATE DATABASE "{DATABASE}" TEMPLATE kentsoc_pages')
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else "")
    return f"postgres://{auth}@{cfg['HOST']}:{cfg['PORT'] or 5432}/{DATABASE}"


def make_officers(path: Path) -> None:
    """The officers, their apps and what each opens, written to `path` for locust."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from countylines.models import CountyLine, PersonAtRisk
    from disruptions.models import Disruption
    from kentsoc.intel.models import IntelligenceRecord
    from kentsoc.org.models import Officer
    from kentsoc.org.scoping import CONTRIBUTE, READ
    from kentsoc.org.services import officer_sync_group
    from kentsoc.search.context import may_search
    from kentsoc.sharing.selectors import lent_to
    from ocg.models import OCG, Nominal

    User = get_user_model()
    encoded = make_password(PASSWORD)
    templates: dict[tuple[str, str], list[Officer]] = {}
    for officer in Officer.objects.select_related("team__force", "division").order_by("pk"):
        templates.setdefault((officer.team.force.code, officer.role), []).append(officer)

    def first(queryset) -> int | None:
        return queryset.order_by("pk").values_list("pk", flat=True).first()

    def search_terms(user) -> list[str]:
        """What this officer would type in the header's search box: names they can see."""
        names = [
            *CountyLine.objects.visible_to(user, lent=READ)
            .order_by("pk")
            .values_list("name", flat=True)[:3],
            *Nominal.objects.visible_to(user)
            .order_by("pk")
            .values_list("last_name", flat=True)[:3],
        ]
        return [n for n in names if n and len(n) >= 4] or ["Fictional"]

    plan = []
    n = 0
    for force, role, count in MIX:
        models = templates.get((force, role))
        if not models:
            sys.exit(f"the demo has no {role} in force {force} to model load-test officers on")
        for i in range(count):
            n += 1
            model = models[i % len(models)]
            user = User.objects.create(
                username=f"load.{force.lower()}.{role}.{i + 1}",
                first_name="Load",
                last_name=f"Officer {n}",
                password=encoded,
            )
            officer = Officer.objects.create(
                user=user,
                collar_number=f"L{n:04d}",
                rank=model.rank,
                role=role,
                team=model.team,
                division=model.division,
            )
            officer_sync_group(officer=officer)
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
            ids = {
                "ocg": first(OCG.objects.visible_to(user)),
                "line": first(
                    CountyLine.objects.visible_to(user).filter(status="active")
                    if role in ("analyst", "clgt_officer")
                    else CountyLine.objects.visible_to(user)
                ),
                # The line their writes name: one they may add intelligence and disruptions to
                # (their own force's, or one lent to it to contribute to); none, no writes.
                "write_line": first(
                    CountyLine.objects.visible_to(user, lent=CONTRIBUTE).filter(status="active")
                ),
                "nominal": first(Nominal.objects.visible_to(user)),
                "record": first(IntelligenceRecord.objects.visible_to(user)),
                "person": first(PersonAtRisk.objects.visible_to(user)),
                "disruption": first(Disruption.objects.visible_to(user)),
                "share": first(lent_to(user=user)),
            }
            pages = [("home", reverse("home"))]
            wanted = ROLE_PAGES[role] + (LENT_PAGES if ids["share"] is not None else [])
            for name, url_name, takes in wanted:
                if takes is None:
                    path_ = reverse(url_name)
                    if url_name.startswith("api:"):
                        path_ += "?page_size=50"
                    pages.append((name, path_))
                elif ids[takes] is not None:
                    pages.append((name, reverse(url_name, args=[ids[takes]])))
            plan.append(
                {
                    "username": user.username,
                    "force": force,
                    "role": role,
                    "totp_key": key,
                    "ids": ids,
                    "pages": pages,
                    "search_terms": search_terms(user) if may_search(role) else [],
                    "dashboard": reverse("matrix:dashboard") if role == "supervisor" else "",
                    "live": reverse("matrix:live"),
                }
            )
    # Round-robin by role, so a run with fewer users (LOADTEST_USERS_COUNT) still mixes them.
    by_role: dict[tuple[str, str], list[dict]] = {}
    for entry in plan:
        by_role.setdefault((entry["force"], entry["role"]), []).append(entry)
    mixed = [
        entry
        for group in itertools.zip_longest(*by_role.values())
        for entry in group
        if entry is not None
    ]
    path.write_text(json.dumps({"password": PASSWORD, "users": mixed}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback, our own server)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def _cpu_seconds(groups: list[int]) -> dict[str, float]:
    """CPU seconds so far of the whole machine (busy, all cores), of the processes in each
    process group of `groups` (gunicorn and its workers; the Celery worker, the last, also on its
    own) and of the PostgreSQL backends serving the load-test database: on a shared machine the
    share the app had is what says whether a run measured it or its neighbours."""
    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    totals = {
        "machine": (sum(fields[:8]) - fields[3] - fields[4]) / tick,
        "app": 0.0,
        "celery": 0.0,
        "db": 0.0,
    }
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read()
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2 :].split()
        used = (int(rest[11]) + int(rest[12])) / tick
        if int(rest[2]) in groups:
            totals["app"] += used
            if int(rest[2]) == groups[-1]:
                totals["celery"] += used
        elif command.startswith(b"postgres: ") and DATABASE.encode() in command:
            totals["db"] += used
    return totals


def _children_cpu() -> float:
    """CPU seconds of this process's waited-for children: locust's own, read across its run
    (gunicorn and Celery are reaped only after it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(prefix: str, seconds: int, workers: int, cpu: dict[str, float]) -> None:
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv") as handle:
            failures = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print()
    print(
        f"locust: {USERS} officers, {seconds} s, think time 0.5-1.5 s; gunicorn {workers} workers; "
        f"load average {cpu['load_before']:.1f} at the start, {os.getloadavg()[0]:.1f} now, "
        f"on {os.cpu_count()} cores"
    )
    print(f"{'request':<34} {'count':>6} {'fails':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for r in sorted(rows, key=lambda r: r["Name"]):
        if r["Name"] == "Aggregated":
            continue
        print(
            f"{r['Name']:<34} {r['Request Count']:>6} {r['Failure Count']:>5} "
            f"{r['50%']:>7} {r['95%']:>7} {float(r['Max Response Time']):>7.0f}"
        )
    print(
        f"{'all':<34} {total['Request Count']:>6} {total['Failure Count']:>5} "
        f"{total['50%']:>7} {total['95%']:>7} {float(total['Max Response Time']):>7.0f}"
    )
    print(f"requests/s: {float(total['Requests/s']):.1f}   errors: {total['Failure Count']}")
    available = cpu["wall"] * (os.cpu_count() or 1)
    requests = int(total["Request Count"]) or 1
    print(
        f"CPU over the run ({cpu['wall']:.0f} s x {os.cpu_count()} cores = {available:.0f} s): "
        f"machine busy {cpu['machine']:.0f} s; gunicorn + Celery {cpu['app']:.0f} s "
        f"(Celery {cpu['celery']:.1f} s) "
        f"({1000 * cpu['app'] / requests:.1f} ms a request), their PostgreSQL {cpu['db']:.0f} s "
        f"({1000 * cpu['db'] / requests:.1f} ms a request); locust itself {cpu['locust']:.0f} s; "
        f"everything else on the machine "
        f"{cpu['machine'] - cpu['app'] - cpu['db'] - cpu['locust']:.0f} s"
    )
    for f in failures:
        print(f"  error x{f['Occurrences']}: {f['Method']} {f['Name']}: {f['Error'][:160]}")
    timeline(Path(f"{prefix}_timeline.json"))


def timeline(path: Path, window: int = 10) -> None:
    """The run in windows of `window` seconds (by when each request was sent): how many, their
    p50 and p95, and how many took over 500 ms, the sign-in's steps apart."""
    if not path.exists():
        return
    requests = json.loads(path.read_text())
    print(
        f"{'sent at s':<10} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'> 500 ms':>9} {'sign-in':>8}"
    )
    for start in range(0, int(max(t for t, _, _ in requests)) + 1, window):
        times = sorted(ms for t, _, ms in requests if start <= t < start + window)
        if not times:
            continue
        slow = [n for t, n, ms in requests if start <= t < start + window and ms > 500]
        print(
            f"{start:>3}-{start + window:<6} {len(times):>6} {times[len(times) // 2]:>7.0f} "
            f"{times[int(len(times) * 0.95)]:>7.0f} {len(slow):>9} "
            f"{sum(n.startswith('sign in') for n in slow):>8}"
        )


def main() -> None:
    locust = os.environ.get("LOCUST") or "locust"
    # The demo force, seeded once into kentsoc_pages (bench/pages.py), then copied.
    subprocess.run([sys.executable, str(ROOT / "bench" / "pages.py"), "--seed-only"], check=True)
    url = copy_database()
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # gunicorn.conf.py (in ROOT, gunicorn's working directory) sets the workers: 2 x cores + 1.
    workers = 2 * (os.cpu_count() or 1) + 1
    server_env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
        "REQUIRE_2FA": "true",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="kentsoc-loadtest-") as tmp:
        users_file = Path(tmp) / "users.json"
        started = time.perf_counter()
        make_officers(users_file)
        print(f"{USERS} load-test officers ready in {time.perf_counter() - started:.1f} s")
        port = free_port()
        processes = []
        try:
            processes.append(
                subprocess.Popen(
                    [
                        str(bindir / "gunicorn"),
                        "kentsoc.wsgi:application",
                        f"--bind=127.0.0.1:{port}",
                        "--log-level=warning",
                    ],
                    cwd=ROOT,
                    env=server_env,
                    start_new_session=True,
                )
            )
            processes.append(
                subprocess.Popen(
                    [
                        str(bindir / "celery"),
                        "-A",
                        "kentsoc",
                        "worker",
                        "--pool=solo",
                        "--loglevel=WARNING",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        f"--hostname=loadtest-{os.getpid()}@%h",
                    ],
                    cwd=ROOT,
                    env=server_env,
                    start_new_session=True,
                )
            )
            wait_for(f"http://127.0.0.1:{port}/healthz", 60)
            prefix = str(Path(tmp) / "locust")
            groups = [process.pid for process in processes]
            before, started = _cpu_seconds(groups), time.monotonic()
            load_before = os.getloadavg()[0]
            locust_before = _children_cpu()
            subprocess.run(
                [
                    locust,
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    f"--host=http://127.0.0.1:{port}",
                    f"--users={USERS}",
                    f"--spawn-rate={SPAWN_RATE}",
                    f"--run-time={SECONDS}s",
                    "--stop-timeout=5",
                    f"--csv={prefix}",
                    "--only-summary",
                    "--loglevel=WARNING",
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    "LOADTEST_USERS": str(users_file),
                    "LOADTEST_TIMELINE": f"{prefix}_timeline.json",
                },
                check=False,
                timeout=SECONDS + 120,
            )
            after = _cpu_seconds(groups)
            cpu = {key: after[key] - before[key] for key in after}
            cpu["locust"] = _children_cpu() - locust_before
            cpu["wall"] = time.monotonic() - started
            cpu["load_before"] = load_before
            report(prefix, SECONDS, workers, cpu)
        finally:
            for process in processes:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
