"""Issue 13's role x endpoint x method matrix.

Every role in two divisions, the administrators and two superusers GET every route of the URL
resolver and every GET operation of the OpenAPI schema (both divisions' records substituted for
path arguments, CSV and JSON downloads included); a response holding a marker
(tests/security/matrix.py) the user may not see is a leak. Then every unsafe operation of the
schema and every HTML route is sent a plausible body by every user outside the operation's
writers: each must be refused (400/403/404/405, or a redirect for a page) and leave every table
but the audit trail and sign-in bookkeeping exactly as it was. Any 5xx fails too. Each probe runs
in a savepoint rolled back afterwards, so the world is the same for every one.

`pytest tests/security/test_leak_matrix.py -s` (or bench/probe_access.py) prints the figures.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client

from kentsoc.audit.models import AuditEvent
from tests.security.matrix import (
    DIVISIONS,
    NEVER_ON_TRAIL,
    WRITERS,
    MatrixWorld,
    Who,
    build_world,
    fingerprint,
    fingerprint_sql,
    may_see,
)
from tests.security.probes import FormFields, Probe, form_pages, plan

pytestmark = pytest.mark.django_db

REFUSED = {400, 403, 404, 405}
# The OpenAPI schema holds no records, whoever asks, and takes seconds to generate: one user
# reads it (tests/security/test_methods.py checks who may).
STATIC = {"api:schema"}


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker) -> Any:
    """The world, built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            yield world, plan(world)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(world: MatrixWorld, who: Who) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[who.key])
    return client


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _send(client: Client, probe: Probe) -> Any:
    params = dict(probe.params)
    if probe.method == "GET":
        return client.get(probe.url, params)
    if probe.api:
        return client.generic(
            probe.method, probe.url, json.dumps(probe.body or {}), content_type="application/json"
        )
    url = probe.url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    return client.post(url, probe.body or {})


def _report(part: str, figures: dict[str, Any]) -> None:
    """Print the figures (seen with -s) and add them to LEAK_MATRIX_REPORT's JSON if set
    (bench/probe_access.py reads it); each test reports its own, so they may run apart."""
    print(f"\nleak matrix {part}: " + ", ".join(f"{k}: {v}" for k, v in figures.items()))
    if path := os.environ.get("LEAK_MATRIX_REPORT"):
        report = Path(path)
        merged = json.loads(report.read_text()) if report.exists() else {}
        mine = {f"{part}: {k}": v for k, v in figures.items()}
        report.write_text(json.dumps(merged | mine, indent=1))


def _expected_refused(who: Who, probe: Probe) -> bool:
    """Whether `who` must be refused this change: outside the area's writers, or the record it
    touches (North's) is one they may not see."""
    if probe.area is None or who.role not in WRITERS.get(probe.area, ()):
        return True
    return probe.target is not None and not may_see(who, probe.target, "north")


def test_matrix_plan_is_complete(matrix):
    world, p = matrix
    assert not p.unclassified, (
        "write operations the matrix has no body or area for (add them to "
        f"tests/security/probes.py): {p.unclassified}"
    )
    assert not p.unfilled, f"routes with path arguments not in routes.py: {p.unfilled}"
    # Nine roles in each of three divisions (two forces), and the two superusers.
    assert len(world.people) == 29
    assert p.reads and p.writes


def test_no_restricted_marker_on_the_audit_trail(matrix):
    """What the trail holds reaches every reader of it: never a child's details, an
    intelligence summary or handling conditions (it names records by reference)."""
    world, _ = matrix
    trail = " ".join(
        json.dumps([e.object_repr, e.changes, e.reason]) for e in AuditEvent.objects.all()
    ).lower()
    on_trail = [
        marker
        for (kind, _), marker in world.markers.items()
        if kind in NEVER_ON_TRAIL and marker.lower() in trail
    ]
    assert not on_trail, f"on the audit trail: {on_trail}"


# The read probes in parts of a division's users each (the superusers apart), each part a group
# of its own (tests/conftest.py), so `make test` spreads them over its workers, each building
# the world once: together they were a third of the suite's time, on one worker.
PARTS = (*DIVISIONS, "superusers")


def _in_part(who: Who, part: str) -> bool:
    return who.division == part or (part == "superusers" and who.division is None)


def test_every_marker_is_someones_to_see(matrix):
    """With each part's check below (whoever in the part may see a marker, one of them saw it),
    every marker reached someone allowed."""
    world, _ = matrix
    allowed = set().union(*(world.allowed(who) for who in world.people))
    assert not set(world.markers.values()) - allowed
    assert {who.key for who in world.people} == {
        who.key for part in PARTS for who in world.people if _in_part(who, part)
    }


@pytest.mark.parametrize(
    "part",
    [pytest.param(part, marks=pytest.mark.xdist_group(f"leak-matrix-{part}")) for part in PARTS],
)
def test_no_user_sees_a_marker_they_may_not(matrix, part):
    world, p = matrix
    people = [who for who in world.people if _in_part(who, part)]
    started = time.monotonic()
    stats: Counter = Counter()
    # Seconds spent per route, so the figures name where the run's time goes.
    times: Counter = Counter()
    leaks: list[str] = []
    errors: list[str] = []
    seen_by_allowed: set[str] = set()
    saw_something: set[str] = set()
    markers = {m.lower(): m for m in world.markers.values()}
    for who in people:
        client = _client(world, who)
        allowed = {m.lower() for m in world.allowed(who)}
        for probe in p.reads:
            if probe.name in STATIC and who is not world.people[0]:
                continue
            t0 = time.monotonic()
            with transaction.atomic():
                response = _send(client, probe)
                text = _text(response).lower()
                transaction.set_rollback(True)
            times[probe.name] += time.monotonic() - t0
            stats["read probes"] += 1
            if response.status_code >= 500:
                errors.append(f"{who} {probe} -> {response.status_code}")
            for low, marker in markers.items():
                if low in text:
                    if low in allowed:
                        seen_by_allowed.add(marker)
                        saw_something.add(who.key)
                    else:
                        leaks.append(f"{who} {probe}: {marker!r}")
    slowest = ", ".join(f"{name} {secs:.1f}s" for name, secs in times.most_common(5))
    _report(
        f"reads, {part}",
        {
            "users": len(people),
            "GET probes per user": len(p.reads),
            **stats,
            "leaks": len(leaks),
            "read 5xx": len(errors),
            "read seconds": round(time.monotonic() - started, 1),
            "slowest GET routes (all users)": slowest,
        },
    )
    # The routes work: every marker someone of the part may see reached one of them, and every
    # user with a case role saw something (a sign-in or redirect problem would otherwise pass as
    # "no leak").
    theirs = set().union(*(world.allowed(who) for who in people))
    unseen = sorted(theirs - seen_by_allowed)
    blind = sorted(who.key for who in people if world.allowed(who) and who.key not in saw_something)
    problems = [
        *(f"LEAK {x}" for x in leaks),
        *(f"5XX {x}" for x in errors),
        *(f"NEVER SHOWN to an allowed user: {m!r}" for m in unseen),
        *(f"SAW NOTHING though allowed: {k}" for k in blind),
    ]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _with_form_bodies(world: MatrixWorld, writes: list[Probe], stats: Counter) -> list[Probe]:
    """Each page's change probe with the body its form sends, as shown to the first user allowed
    to use it (a form missing its permission check would then really write)."""
    clients: dict[str, Client] = {}
    forms: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
    out = []
    for probe in writes:
        writer = next((w for w in world.people if not _expected_refused(w, probe)), None)
        if probe.api or writer is None:
            out.append(probe)
            continue
        client = clients.setdefault(writer.key, _client(world, writer))
        body = None
        for page in form_pages(world, probe):
            if (writer.key, page) not in forms:
                with transaction.atomic():
                    response = client.get(page)
                    parser = FormFields(page)
                    if response.status_code == 200:
                        parser.feed(_text(response))
                    transaction.set_rollback(True)
                forms[(writer.key, page)] = parser.forms
            body = forms[(writer.key, page)].get(urlsplit(probe.url).path)
            if body is not None:
                break
        stats["HTML forms filled in"] += body is not None
        out.append(replace(probe, body=body) if body is not None else probe)
    return out


def _rows_written_sql(tables: Iterable[str]) -> tuple[str, list[str]]:
    """How many rows of `tables` this transaction has inserted, updated or deleted so far,
    savepoints rolled back included (PostgreSQL's pg_stat_xact counters, which only grow: the
    app's login may not TRUNCATE). Unchanged across a probe, no row of those tables was touched,
    so they hold what they held before it; the full fingerprint is only taken when it grew."""
    names = [connection.ops.quote_name(t) for t in tables]
    return (
        "SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(t) + "
        "pg_stat_get_xact_tuples_updated(t) + pg_stat_get_xact_tuples_deleted(t)), 0) "
        "FROM unnest(%s::text[]::regclass[]) AS t",
        names,
    )


def _rows_written(query: tuple[str, list[str]]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query[0], [query[1]])
        return cursor.fetchone()[0]


def test_no_unexpected_write(matrix):
    world, p = matrix
    started = time.monotonic()
    stats: Counter = Counter()
    writes = _with_form_bodies(world, p.writes, stats)
    sql = fingerprint_sql()
    written_sql = _rows_written_sql(fingerprint(sql))
    # The world was built in this transaction: counters that saw none of it would see no write
    # a probe made either (statistics off), and excuse it.
    assert _rows_written(written_sql) > 0, "pg_stat_xact counts no row written (track_counts?)"
    failures: list[str] = []
    errors: list[str] = []
    # Per operation, whether the first user allowed to do it got it done: proof that the bodies
    # are plausible, so the refusals are about who sent them.
    accepted: dict[str, bool] = {}
    for who in world.people:
        client = _client(world, who)
        # After signing in, which stamps the user's last_login.
        before = fingerprint(sql)
        written = _rows_written(written_sql)
        for probe in writes:
            refuse = _expected_refused(who, probe)
            if not refuse and str(probe) in accepted:
                continue
            with transaction.atomic():
                response = _send(client, probe)
                _text(response)
                prior, written = written, _rows_written(written_sql)
                after = fingerprint(sql) if refuse and written != prior else before
                transaction.set_rollback(True)
            stats["fingerprints taken"] += after is not before
            stats["write probes"] += 1
            status = response.status_code
            if status >= 500:
                errors.append(f"{who} {probe} -> {status}")
                continue
            if not refuse:
                accepted[str(probe)] = 200 <= status < 300 or (not probe.api and status == 302)
                continue
            changed = sorted(t for t in after if after[t] != before.get(t))
            ok_status = status in REFUSED or (not probe.api and status == 302)
            if changed or not ok_status:
                failures.append(f"{who} {probe} -> {status}, changed {changed or 'nothing'}")
            else:
                stats["writes refused"] += 1
    _report(
        "writes",
        {
            "write operations": len(p.writes),
            **stats,
            "unexpected writes": len(failures),
            "write 5xx": len(errors),
            "operations done by their first writer": sum(accepted.values()),
            "write seconds": round(time.monotonic() - started, 1),
        },
    )
    problems = [*(f"WRITE {x}" for x in failures), *(f"5XX {x}" for x in errors)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
