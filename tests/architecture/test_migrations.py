"""The migration graph follows the layers, and a database built by older migrations upgrades.

1. No app's migration depends on a migration of an app above it in the import-linter layers
   (pyproject.toml): the schema is built in the same direction the code depends.
2. The upgrade: the tree as it was at UPGRADE_FROM (git archive of that commit) migrates a new
   PostgreSQL database with its own migrations and code and loads its demo force into it, as a
   deployment (or a `make run` clone) of that version would have; then today's `manage.py
   migrate` runs on that database, rows and all. It must apply cleanly, leave nothing unapplied,
   end with the same schema (tables, columns, constraints, indexes, triggers) as a database built
   from nothing by today's migrations (this test run's own), and today's `seed_demo` on it must
   find the demo already there and add nothing, as `make run` on an old clone does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from kentsoc.audit.database import app_credentials, owner_credentials

# The last state that was deployed before the apps were re-layered (issue 14).
UPGRADE_FROM = "e6fa5cc"
STORY_END = "2022-10-31"
ROOT = Path(settings.BASE_DIR)


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [
        [module.strip().strip("()") for module in layer.split("|")] for layer in contract["layers"]
    ]


def _layer_of(package: str, layers: list[list[str]]) -> int | None:
    for index, layer in enumerate(layers):
        if any(package == m or package.startswith(m + ".") for m in layer):
            return index
    return None


def test_migrations_depend_only_on_apps_below():
    layers = _layers()
    ours = {
        config.label: (config.name, _layer_of(config.name, layers))
        for config in apps.get_app_configs()
        if _layer_of(config.name, layers) is not None
    }
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    wrong = []
    for key, node in graph.node_map.items():
        if key[0] not in ours:
            continue
        package, layer = ours[key[0]]
        for parent in node.parents:
            other = parent.key[0]
            if other in ours and other != key[0] and ours[other][1] <= layer:
                wrong.append(f"{key[0]}.{key[1]} ({package}) -> {other}.{parent.key[1]}")
    assert not wrong, (
        "Migrations that depend on an app above (or beside) their own in the layers of "
        "pyproject.toml; depend only on lower apps:\n" + "\n".join(sorted(wrong))
    )


def test_every_project_app_is_in_the_layers():
    layers = _layers()
    project = [
        c.name for c in apps.get_app_configs() if c.name.split(".")[0] in {"kentsoc", *_roots()}
    ]
    assert [name for name in project if _layer_of(name, layers) is None] == []


def _roots() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return set(config["root_packages"])


# The upgrade -------------------------------------------------------------------------------------


def _url(credentials: dict, name: str) -> str:
    user = credentials["USER"]
    if credentials.get("PASSWORD"):
        user += ":" + credentials["PASSWORD"]
    host = credentials.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{credentials.get('PORT') or 5432}/{name}"


def _owner_connect(owner: dict, name: str) -> psycopg.Connection:
    return psycopg.connect(
        host=owner.get("HOST") or "127.0.0.1",
        port=owner.get("PORT") or 5432,
        user=owner["USER"],
        password=owner.get("PASSWORD") or None,
        dbname=name,
        autocommit=True,
    )


def _manage(tree: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        # The tree's own packages first: the old tree's code runs the old migrations.
        env={**env, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} in {tree}:\n{result.stderr}"
    return result


SCHEMA_QUERIES = {
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0
          AND NOT a.attisdropped""",
    "constraints": """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "triggers": """
        SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal""",
}


# The demo's subjects, people and records: an upgrade keeps every row, and seeding again adds none.
COUNTED_TABLES = [
    "auth_user",
    "org_officer",
    "ocg_ocg",
    "ocg_nominal",
    "ocg_membership",
    "countylines_countyline",
    "intel_intelligencerecord",
    "disruptions_disruption",
    "lifetime_custodyperiod",
]


def _row_counts(owner: dict, name: str) -> dict[str, int]:
    with _owner_connect(owner, name) as conn:
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in COUNTED_TABLES
        }


def _schema(cursor) -> dict[str, set[tuple]]:
    schema = {}
    for part, query in SCHEMA_QUERIES.items():
        cursor.execute(query)
        schema[part] = set(map(tuple, cursor.fetchall()))
    return schema


@pytest.mark.django_db
def test_a_database_built_by_the_last_release_migrates_to_today():
    have_release = subprocess.run(
        ["git", "cat-file", "-e", f"{UPGRADE_FROM}^{{commit}}"], cwd=ROOT, capture_output=True
    )
    if have_release.returncode != 0:
        # A shallow clone has no history to build the old database from; .ci/run deepens it.
        pytest.skip(f"commit {UPGRADE_FROM} is not in this clone (`git fetch --unshallow`)")
    owner = owner_credentials()
    assert owner is not None, "the upgrade test needs MIGRATE_DATABASE_URL (make test sets it)"
    work = Path(tempfile.mkdtemp(prefix="kentsoc-upgrade-"))
    name = f"kentsoc_upgrade_{uuid.uuid4().hex[:8]}"
    with _owner_connect(owner, "postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        archive = work / "old.tar"
        with archive.open("wb") as out:
            made = subprocess.run(
                ["git", "archive", "--format=tar", UPGRADE_FROM],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.PIPE,
                text=False,
            )
        assert made.returncode == 0, (
            f"git archive {UPGRADE_FROM} failed (a shallow clone? `git fetch --unshallow`): "
            + made.stderr.decode()
        )
        old_tree = work / "old"
        with tarfile.open(archive) as tar:
            tar.extractall(old_tree, filter="data")
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"TEST_DATABASE_NAME", "PYTHONPATH", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(
            DATABASE_URL=_url(app_credentials(), name),
            MIGRATE_DATABASE_URL=_url(owner, name),
        )
        _manage(old_tree, env, "migrate", "--no-input", "-v", "0")
        _manage(old_tree, env, "seed_demo", "--story-end", STORY_END)
        seeded = _row_counts(owner, name)
        assert all(seeded.values()), seeded
        _manage(ROOT, env, "migrate", "--no-input", "-v", "0")
        assert _row_counts(owner, name) == seeded
        # Nothing left to apply, and nothing a model change would add.
        plan = _manage(ROOT, env, "migrate", "--plan")
        assert "No planned migration operations." in plan.stdout, plan.stdout
        with _owner_connect(owner, name) as upgraded, upgraded.cursor() as cursor:
            after_upgrade = _schema(cursor)
        with connection.cursor() as cursor:
            fresh = _schema(cursor)
        for part in SCHEMA_QUERIES:
            assert after_upgrade[part] == fresh[part], (
                f"{part} differ between a database upgraded from {UPGRADE_FROM} and one built "
                f"fresh: only upgraded {sorted(after_upgrade[part] - fresh[part])}, only fresh "
                f"{sorted(fresh[part] - after_upgrade[part])} (with --reuse-db the test database "
                "may predate a new migration: run once with --create-db)"
            )
        _manage(ROOT, env, "seed_demo", "--story-end", STORY_END)
        again = _row_counts(owner, name)
        # Today's demo tells more of the story than the old one (the seed page's staffing, gangs
        # and their intelligence, the named results), so seeding it over the upgraded force may
        # add rows but loses none; that a second run duplicates nothing is test_seed_story's.
        assert all(again[t] >= seeded[t] for t in COUNTED_TABLES), (again, seeded)
    finally:
        with _owner_connect(owner, "postgres") as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        shutil.rmtree(work, ignore_errors=True)
