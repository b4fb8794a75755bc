"""The list pages and API lists at national scale (issue 18 item 3, issue 19 item 3): `make bench`
with BENCH_PARTS including `lists`.

One force's supervisor (the bench's, of force F00) requests each list page and each API list of 50
rows in process (Django's test Client: server time, no network), as bench/run.py times the
dashboard: median and p95 of BENCH_PAGE_REQUESTS requests after two warm-ups, the SQL queries of
one request and its size, and the ratio to the bare page (the dashboard's template rendered with
no data behind the same decorators). A list reads its force's rows, so with 5, 45 or 90 forces
(BENCH_FORCES="5 45 90") its figures must stay the same: bench/run.py prints them side by side.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

# (label, path, figure name for the side-by-side table)
LISTS = (
    ("OCG list", "/ocgs/", "ocgs"),
    ("county-line list", "/county-lines/", "lines"),
    ("nominal list", "/nominals/", "nominals"),
    ("intelligence list", "/intelligence/", "intel"),
    ("disruption list", "/disruptions/", "disruptions"),
    ("API OCGs", "/api/ocgs/?page_size=50", "api_ocgs"),
    ("API county lines", "/api/county-lines/?page_size=50", "api_lines"),
    ("API nominals", "/api/nominals/?page_size=50", "api_nominals"),
    ("API intelligence", "/api/intelligence/?page_size=50", "api_intel"),
    ("API disruptions", "/api/disruptions/?page_size=50", "api_disruptions"),
)
BARE = "/bench/bare-dashboard/"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def bench_lists(supervisor, requests: int, record: Callable[..., None]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    figures: dict[str, object] = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        bare_median = bare_p95 = None
        for label, path, name in (("bare page", BARE, "bare"), *LISTS):

            def get(path: str = path) -> object:
                response = client.get(path)
                if response.status_code != 200:
                    sys.exit(f"GET {path}: HTTP {response.status_code}")
                return response

            for _ in range(2):  # warm caches (templates, reversed URLs, connections)
                get()
            queries[0] = 0
            with connection.execute_wrapper(count):
                response = get()
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                get()
                samples.append(time.perf_counter() - started)
            median, p95 = _percentiles(samples)
            if bare_median is None:
                bare_median, bare_p95 = median, p95
                ratio = ""
            else:
                ratio = f", x{median / bare_median:.1f} bare (p95 x{p95 / bare_p95:.1f})"
                figures[f"list_{name}_p95_ms"] = round(p95)
            print(
                f"{label} {path}, {requests} requests: median {median:.0f} ms, p95 {p95:.0f} ms "
                f"({queries[0]} queries, {len(response.content) / 1024:.0f} KB{ratio})"
            )
    slowest = max((v, k) for k, v in figures.items())
    print(f"lists: slowest p95 {slowest[0]} ms ({slowest[1]}); goal < 100 ms")
    record(**figures)
