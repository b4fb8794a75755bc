"""Benchmark of the audit trail's hash chain (issue 13): `make bench-audit`.

1. Rebuilds the `kentsoc_audit_bench` database, migrated by the owner (MIGRATE_DATABASE_URL), so
   the app's login (DATABASE_URL) holds exactly the privileges it has in production.
2. Insert cost of the chain trigger: rows/s without it (the trigger switched off by the owner,
   ids from the sequence as the old identity column drew them) and with it, as the app, for
   BENCH_AUDIT_SINGLE single-row transactions (how the app writes: one event per commit) and
   for BENCH_AUDIT_ROWS rows in one INSERT ... SELECT generate_series.
3. `manage.py audit_verify` on those BENCH_AUDIT_ROWS events (default 1,000,000), as the app.
4. The owner alters one event near the end; audit_verify must name it, and the time is shown.

Environment (the Makefile sets it): DATABASE_URL (the app's login) and MIGRATE_DATABASE_URL (the
owner, a superuser: the bench empties the trail between runs with triggers bypassed), both naming
a database that ends in _bench. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "1000000"))
SINGLE = int(os.environ.get("BENCH_AUDIT_SINGLE", "2000"))

# One realistic event: a page of an intelligence list read through the API (20 ids, the query).
EVENT_COLUMNS = (
    "at, actor_id, actor_username, action, object_type, object_id, object_repr, changes, "
    "reason, ip_address, request_id, path"
)
EVENT_VALUES = (
    "now() - (%(rows)s - g) * interval '1 second', NULL, 'bench-analyst', 'list', "
    "'intel.intelligencerecord', '', '20 listed', "
    "jsonb_build_object('ids', (SELECT jsonb_agg(g * 20 + i) FROM generate_series(1, 20) i), "
    "'count', 20, 'query', jsonb_build_object('page', g, 'handling_code', 'P')), "
    "'', ('192.0.2.' || (g %% 250 + 1))::inet, md5(g::text), '/api/intelligence/'"
)


def _connect(url: str, dbname: str | None = None) -> psycopg.Connection:
    cfg = dj_database_url.parse(url)
    return psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname=dbname or cfg["NAME"],
        autocommit=True,
    )


def _manage(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return (result.stdout + result.stderr).strip()


def rebuild_database() -> None:
    name = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]
    if not name.endswith("_bench"):
        sys.exit(f"Refusing to benchmark in {name!r}: the database name must end in _bench.")
    app_role = dj_database_url.parse(os.environ["DATABASE_URL"])["USER"]
    with _connect(os.environ["MIGRATE_DATABASE_URL"], dbname="postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role]).fetchone():
            conn.execute(f'CREATE ROLE "{app_role}" LOGIN')
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"migrating {name} as the owner ...", flush=True)
    _manage("migrate", "--no-input", "-v0")


def empty_trail(owner: psycopg.Connection) -> None:
    """Owner and superuser only, and only here: the triggers refuse TRUNCATE to anyone else."""
    owner.execute("SET session_replication_role = replica")
    owner.execute("TRUNCATE audit_auditevent")
    owner.execute("SET session_replication_role = DEFAULT")
    owner.execute("SELECT setval('audit_auditevent_id_seq', 1, false)")


def _id(explicit: bool) -> tuple[str, str]:
    """With the chain trigger off, the id comes from the sequence as the old identity drew it and
    the two hash columns stay empty."""
    if not explicit:
        return "", ""
    return "id, prev_hash, row_hash, ", "nextval('audit_auditevent_id_seq'), '', '', "


def single_row_inserts(conn: psycopg.Connection, count: int, *, explicit_id: bool) -> float:
    """`count` events, each in its own transaction; rows/s."""
    id_column, id_value = _id(explicit_id)
    statement = (
        f"INSERT INTO audit_auditevent ({id_column}{EVENT_COLUMNS}) "  # noqa: S608
        f"SELECT {id_value}{EVENT_VALUES} FROM (SELECT %(g)s::int AS g) s"
    )
    started = time.perf_counter()
    for g in range(count):
        with conn.transaction():
            conn.execute(statement, {"rows": count, "g": g})
    return count / (time.perf_counter() - started)


def bulk_insert(conn: psycopg.Connection, rows: int, *, explicit_id: bool) -> tuple[float, float]:
    """`rows` events in one INSERT ... SELECT generate_series; (seconds, rows/s)."""
    id_column, id_value = _id(explicit_id)
    started = time.perf_counter()
    conn.execute(
        f"INSERT INTO audit_auditevent ({id_column}{EVENT_COLUMNS}) "  # noqa: S608
        f"SELECT {id_value}{EVENT_VALUES} FROM generate_series(1, %(rows)s) g",
        {"rows": rows},
    )
    seconds = time.perf_counter() - started
    return seconds, rows / seconds


def timed_verify() -> tuple[float, str]:
    started = time.perf_counter()
    output = _manage("audit_verify")
    return time.perf_counter() - started, output


def main() -> None:
    rebuild_database()
    owner = _connect(os.environ["MIGRATE_DATABASE_URL"])
    app = _connect(os.environ["DATABASE_URL"])
    results: list[tuple[str, str]] = []

    print("insert cost without the chain trigger ...", flush=True)
    owner.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_chain")
    plain_single = single_row_inserts(app, SINGLE, explicit_id=True)
    empty_trail(owner)
    plain_seconds, plain_bulk = bulk_insert(app, ROWS, explicit_id=True)
    empty_trail(owner)
    owner.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_chain")

    print("insert cost with the chain trigger ...", flush=True)
    chain_single = single_row_inserts(app, SINGLE, explicit_id=False)
    empty_trail(owner)
    chain_seconds, chain_bulk = bulk_insert(app, ROWS, explicit_id=False)
    owner.execute("VACUUM ANALYZE audit_auditevent")

    results.append(
        (
            f"single-row transactions ({SINGLE:,}), events/s",
            f"{plain_single:,.0f} without the chain, {chain_single:,.0f} with it "
            f"(x{plain_single / chain_single:.2f})",
        )
    )
    results.append(
        (
            f"one INSERT of {ROWS:,} events",
            f"{plain_seconds:.1f} s ({plain_bulk:,.0f}/s) without the chain, "
            f"{chain_seconds:.1f} s ({chain_bulk:,.0f}/s) with it",
        )
    )

    print(f"audit_verify on {ROWS:,} events ...", flush=True)
    seconds, output = timed_verify()
    if not output.startswith(f"OK: {ROWS:,} audit events"):
        sys.exit(f"audit_verify did not pass the intact chain:\n{output}")
    walk = re.search(r"intact \(([\d.]+) s\)", output)
    results.append(
        (
            f"`audit_verify`, {ROWS:,} events, intact",
            f"{walk.group(1)} s walking the chain, {seconds:.1f} s the whole command",
        )
    )

    victim = owner.execute(
        "SELECT id FROM audit_auditevent ORDER BY id OFFSET %s LIMIT 1", [int(ROWS * 0.9)]
    ).fetchone()[0]
    with owner.transaction():
        owner.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        owner.execute("UPDATE audit_auditevent SET reason = 'tidied' WHERE id = %s", [victim])
        owner.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    seconds, output = timed_verify()
    if not re.search(rf"BROKEN at audit event {victim} \(", output):
        sys.exit(f"audit_verify did not name the altered event {victim}:\n{output}")
    results.append((f"`audit_verify`, event {victim:,} altered", f"named in {seconds:.1f} s"))

    print()
    print("| measure | result |")
    print("|---|---|")
    for measure, result in results:
        print(f"| {measure} | {result} |")


if __name__ == "__main__":
    main()
