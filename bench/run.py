"""Matrix benchmark: `make bench`.

1. Creates (once) the `kentsoc_bench` PostgreSQL database and fills it with a national-scale
   synthetic data set (bench/generate.py).
2. Times `recompute_all` (every score and ranking rebuilt).
3. Starts a real Celery worker on Redis and measures, over 100 changes, the latency from an
   intelligence record saved through the intel service to the line's new rank being readable.

Environment (the Makefile sets it): DATABASE_URL pointing at kentsoc_bench, REDIS_URL.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")

CHANGES = int(os.environ.get("BENCH_CHANGES", "100"))


def ensure_database() -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = cfg["NAME"]
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to benchmark in {name!r}: the database name must end in _bench.")
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.generate import Scale, generate
    from countylines.choices import LineStatus
    from countylines.models import CountyLine
    from kentsoc.celery import app
    from kentsoc.intel.services import intelligence_create
    from kentsoc.matrix.models import Ranking
    from kentsoc.matrix.recompute import recompute_all

    call_command("migrate", verbosity=0, interactive=False)
    if not CountyLine.objects.exists():
        started = time.perf_counter()
        counts = generate(Scale())
        print(f"generated {counts} in {time.perf_counter() - started:.1f}s")
    else:
        print("using the existing bench data set")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    started = time.perf_counter()
    summary = recompute_all()
    recompute_seconds = time.perf_counter() - started
    print(
        f"recompute_all: {recompute_seconds:.1f}s ({summary.lines_scored} lines, "
        f"{summary.ocgs_scored} OCGs, {summary.scores_written} new scores, "
        f"{summary.ranked} rank rows)"
    )
    started = time.perf_counter()
    recompute_all()
    print(f"recompute_all again (nothing changed): {time.perf_counter() - started:.1f}s")

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    app.conf.task_always_eager = False
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "kentsoc",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"},
        start_new_session=True,
    )
    try:
        actor, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_superuser": True, "is_staff": True}
        )
        lines = list(
            CountyLine.objects.filter(status=LineStatus.ACTIVE).values_list("pk", flat=True)
        )
        rnd = random.Random(7)
        latencies = []
        for i in range(CHANGES + 1):
            line_id = rnd.choice(lines)
            saved = timezone.now()
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
            deadline = t0 + 60
            while time.perf_counter() < deadline:
                if Ranking.objects.filter(
                    county_line_id=line_id,
                    ranked_at__gte=saved,
                    county_line__score_stale_since__isnull=True,
                ).exists():
                    break
                time.sleep(0.002)
            else:
                sys.exit(f"change {i}: the rank never became readable")
            if i:  # the first change warms the worker's connections
                latencies.append(time.perf_counter() - t0)
        latencies.sort()
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
        print(
            f"intelligence saved -> new rank readable, {len(latencies)} changes: "
            f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
