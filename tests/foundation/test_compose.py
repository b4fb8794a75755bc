"""docker-compose.yml cannot run here (no Docker engine), so it is checked as data: the services
a deployment needs, their images and commands, and that their configuration hangs together with
.env.example, the Dockerfile and the variables settings.py reads."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
SHARED = ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "CELERY_TASK_ALWAYS_EAGER"]
# ${NAME}, ${NAME:?message}, ${NAME:-default}; "$${NAME}" is for the container's shell instead.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?:[:?\-][^}]*)?\}")


@pytest.fixture(scope="module")
def text():
    return (ROOT / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def compose(text):
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def env_example():
    lines = (ROOT / ".env.example").read_text().splitlines()
    active = {}
    for line in lines:
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            active[name] = value
    # Commented-out lines document variables compose sets itself or only the demo/tests use.
    documented = set(re.findall(r"^#? ?([A-Z_][A-Z0-9_]*)=", "\n".join(lines), re.M))
    return {"active": active, "documented": documented}


def _command(service) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_the_services_of_a_deployment(services):
    assert set(services) == {"postgres", "redis", *APP_SERVICES}


def test_images_and_commands(services):
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert _command(services["web"]).startswith("gunicorn kentsoc.wsgi:application")
    assert "--bind=0.0.0.0:8000" in _command(services["web"])
    assert _command(services["worker"]).startswith("celery -A kentsoc worker")
    assert _command(services["beat"]).startswith("celery -A kentsoc beat")
    assert _command(services["migrate"]) == "python manage.py migrate --no-input"
    assert services["web"]["ports"] == ["8000-8009:8000"]


def test_web_and_worker_scale_out(services):
    """`docker compose up --scale web=3 --scale worker=2`: no replica may need a name or a host
    port of its own (a fixed "8000:8000" would refuse the second web)."""
    for name in ("web", "worker"):
        service = services[name]
        assert "container_name" not in service
        assert "hostname" not in service
        for port in service.get("ports", []):
            host = str(port).rsplit(":", 1)[0]
            assert "-" in host, f"{name} publishes one fixed host port: {port}"


def test_every_kentsoc_process_runs_one_image_built_here(services):
    images = {(services[name]["image"], services[name]["build"]) for name in APP_SERVICES}
    assert images == {("kentsoc:latest", ".")}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "\nFROM python:3.11-slim" in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic --no-input" in dockerfile
    assert "\nUSER kentsoc" in dockerfile  # not root
    for source in ["manage.py", "kentsoc", "ocg", "countylines", "disruptions", "templates"]:
        assert f"COPY {source} " in dockerfile, source
        assert (ROOT / source).exists(), source


def test_web_worker_and_beat_share_their_settings(services):
    envs = [services[name]["environment"] for name in APP_SERVICES]

    for variable in SHARED:
        assert len({env[variable] for env in envs}) == 1, variable
    env = envs[0]
    assert env["DEBUG"] == "false"
    assert env["CELERY_TASK_ALWAYS_EAGER"] == "false"
    # The URLs point at the compose services: the app's own login, with the password the
    # postgres service gives that login.
    assert env["DATABASE_URL"] == (
        "postgres://kentsoc_app:${KENTSOC_DB_APP_PASSWORD:?set KENTSOC_DB_APP_PASSWORD in .env}"
        "@postgres:5432/${POSTGRES_DB}"
    )
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    pg = services["postgres"]["environment"]
    assert (pg["POSTGRES_USER"], pg["POSTGRES_DB"]) == ("${POSTGRES_USER}", "${POSTGRES_DB}")
    assert pg["KENTSOC_DB_APP_PASSWORD"].startswith("${KENTSOC_DB_APP_PASSWORD:?")
    assert {services[name]["env_file"] for name in APP_SERVICES} == {".env"}


def test_start_order_and_health(services):
    for name in ["web", "worker", "beat"]:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["restart"] == "no"
    for name in ["postgres", "redis", "web", "worker"]:
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_data_lives_in_named_volumes(compose, services):
    assert set(compose["volumes"]) == {"pgdata", "redisdata"}
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]


def test_every_interpolated_variable_is_in_env_example(text, env_example):
    used = set(INTERPOLATION.findall(text))

    assert used == {"SECRET_KEY", "POSTGRES_USER", "POSTGRES_DB", "KENTSOC_DB_APP_PASSWORD"}
    assert used <= set(env_example["active"])


def test_env_example_lists_every_variable_settings_reads(env_example):
    settings_py = (ROOT / "kentsoc" / "settings.py").read_text()
    read = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z_][A-Z0-9_]*)\"", settings_py))

    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= read
    assert read <= env_example["documented"], read - env_example["documented"]


def test_env_example_is_safe_to_start_from(env_example):
    active = env_example["active"]

    assert active["DEBUG"] == "false"
    assert active["CELERY_TASK_ALWAYS_EAGER"] == "false"
    assert "change-me" in active["SECRET_KEY"]
    assert "change-me" in active["KENTSOC_DB_APP_PASSWORD"]
    assert "127.0.0.1" in active["ALLOWED_HOSTS"].split(",")  # the web healthcheck's host


# --- two database logins: the owner migrates, the app may not rewrite the audit trail ------------

ROLES_SCRIPT = ROOT / "docker" / "postgres" / "10-kentsoc-roles.sh"


def test_only_migrate_logs_in_as_the_database_owner(services):
    migrate = services["migrate"]
    assert migrate["environment"]["MIGRATE_DATABASE_URL"] == (
        "postgres://kentsoc_owner@postgres:5432/${POSTGRES_DB}"
    )
    assert migrate["environment"]["MIGRATE_DATABASE_PASSWORD_FILE"] == (
        "/run/secrets/db_owner_password"
    )
    assert migrate["secrets"] == ["db_owner_password"]
    for name in ["web", "worker", "beat"]:
        env = services[name]["environment"]
        assert not any(variable.startswith("MIGRATE_") for variable in env), name
        assert "secrets" not in services[name], name
        assert env["DATABASE_URL"].startswith("postgres://kentsoc_app:"), name


def test_no_kentsoc_container_reads_the_superuser_or_owner_password(compose, services, text):
    """Every kentsoc container reads .env; those two passwords are files only the postgres
    service (and, for the owner's, migrate) is given."""
    assert compose["secrets"] == {
        "postgres_password": {"file": "./secrets/postgres_password"},
        "db_owner_password": {"file": "./secrets/db_owner_password"},
    }
    pg = services["postgres"]
    assert pg["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert pg["environment"]["KENTSOC_DB_OWNER_PASSWORD_FILE"] == "/run/secrets/db_owner_password"
    assert sorted(pg["secrets"]) == ["db_owner_password", "postgres_password"]
    assert "POSTGRES_PASSWORD" not in text.replace("POSTGRES_PASSWORD_FILE", "")
    env_example = (ROOT / ".env.example").read_text()
    active = [line for line in env_example.splitlines() if line and not line.startswith("#")]
    assert not [line for line in active if "PASSWORD" in line and "APP_PASSWORD" not in line]
    for ignore in (".gitignore", ".dockerignore"):
        assert re.search(r"^secrets/?$", (ROOT / ignore).read_text(), re.M), ignore


def test_postgres_makes_the_two_logins_on_first_start(services):
    assert "./docker/postgres:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    assert ROLES_SCRIPT.stat().st_mode & 0o111, "the postgres image sources non-executables"
    result = subprocess.run(["bash", "-n", str(ROLES_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    script = ROLES_SCRIPT.read_text()
    for statement in [
        "CREATE ROLE kentsoc_owner;",
        "CREATE ROLE kentsoc_app;",
        "ALTER ROLE kentsoc_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE",
        "ALTER ROLE kentsoc_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE",
        "PASSWORD :'owner_password'",
        "PASSWORD :'app_password'",
        'ALTER DATABASE :"database" OWNER TO kentsoc_owner;',
    ]:
        assert statement in script, statement
    assert '"${KENTSOC_DB_OWNER_PASSWORD_FILE:?' in script
    assert '"${KENTSOC_DB_APP_PASSWORD:?' in script


def test_the_roles_script_runs_on_postgresql(tmp_path):
    """The script as the postgres image runs it (the superuser, a fresh database), twice: it makes
    both logins and hands the database to the owner, and running it again changes nothing."""
    import psycopg

    from kentsoc.audit.database import owner_credentials

    owner = owner_credentials()
    database = f"kentsoc_roles_check_{os.getpid()}"
    (tmp_path / "owner_password").write_text("fictional-owner-password\n")
    env = {
        "PATH": os.environ["PATH"],
        "PGHOST": owner["HOST"],
        "PGPORT": str(owner["PORT"] or 5432),
        "PGPASSWORD": owner["PASSWORD"] or "",
        "POSTGRES_USER": owner["USER"],
        "POSTGRES_DB": database,
        "KENTSOC_DB_OWNER_PASSWORD_FILE": str(tmp_path / "owner_password"),
        "KENTSOC_DB_APP_PASSWORD": "fictional-app-password",
    }
    connect = {k.lower(): v for k, v in owner.items() if k in ("HOST", "USER")}
    with psycopg.connect(**connect, port=owner["PORT"] or 5432, dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f'CREATE DATABASE "{database}"')
        try:
            for _ in range(2):
                result = subprocess.run(
                    [str(ROLES_SCRIPT)], env=env, capture_output=True, text=True, timeout=60
                )
                assert result.returncode == 0, result.stderr
            row = conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            assert row == ("kentsoc_owner",)
            roles = conn.execute(
                "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                "WHERE rolname IN ('kentsoc_owner', 'kentsoc_app') ORDER BY rolname"
            ).fetchall()
            assert roles == [
                ("kentsoc_app", True, False, False, False),
                ("kentsoc_owner", True, False, False, False),
            ]
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
