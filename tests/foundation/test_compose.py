"""docker-compose.yml cannot run here (no Docker engine), so it is checked as data: the services
a deployment needs, their images and commands, and that their configuration hangs together with
.env.example, the Dockerfile and the variables settings.py reads."""

import re
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
    assert services["web"]["ports"] == ["8000:8000"]


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
    # The URLs point at the compose services, with the credentials the postgres service gets.
    assert env["DATABASE_URL"] == (
        "postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}"
    )
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    pg = services["postgres"]["environment"]
    assert (pg["POSTGRES_USER"], pg["POSTGRES_DB"]) == ("${POSTGRES_USER}", "${POSTGRES_DB}")
    assert pg["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
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

    assert used == {"SECRET_KEY", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
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
    assert "change-me" in active["POSTGRES_PASSWORD"]
    assert "127.0.0.1" in active["ALLOWED_HOSTS"].split(",")  # the web healthcheck's host
