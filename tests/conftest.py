"""Shared fixtures: a small fictional force and one user per role.

Every test runs on PostgreSQL (the test command refuses anything else).
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.services import officer_sync_group
from tests.database import (  # noqa: F401  (the test database is the owner's; tests run as the app)
    django_db_modify_db_settings,
    django_db_setup,
    drop_template,
    require_two_logins,
)
from tests.factories import (
    DistrictFactory,
    DivisionFactory,
    OfficerFactory,
    TeamFactory,
    UserFactory,
)


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            "kentsoc tests run on PostgreSQL only. Set DATABASE_URL="
            "postgres://kentsoc_app@127.0.0.1:5432/kentsoc (make test does this for you)."
        )
    require_two_logins()


def pytest_sessionfinish(session):
    """The xdist controller drops the template its workers copied their databases from."""
    config = session.config
    xdist_controller = not hasattr(config, "workerinput") and config.getoption("numprocesses", None)
    if xdist_controller and not config.getoption("reuse_db", False):
        drop_template(connection.creation._get_test_db_name())


def pytest_collection_modifyitems(config, items):
    """`make test` spreads tests over pytest-xdist workers one by one (--dist loadgroup); the
    tests of a file that share one of our fixtures wider than a test but narrower than the
    session (the leak matrix's world, built once per module) form one group, so one worker
    builds it once."""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures and any(
            definitions[-1].scope in ("class", "module", "package")
            and definitions[-1].func.__module__.startswith("tests.")
            for definitions in fixtures.name2fixturedefs.values()
        ):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Every test user's password is hashed with MD5, not production's PBKDF2 (a million
    iterations, a good part of a second of CPU per user). No test is about the hasher; the
    password validators stay as configured, and subprocess tests (check --deploy) see the real
    settings. Session-wide so module-scoped worlds built outside any test are fast too."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """Every test client (and live server) builds its own middleware, and WhiteNoise's lists and
    stats every static file of every finder when it is made: tens of milliseconds, thousands of
    times a run. The files do not change while the tests run, so each listing after the first,
    for the same URL prefix and finder settings, reuses the first one's files (served exactly as
    before: the same StaticFile objects)."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed: dict[tuple, dict] = {}
    list_files = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            tuple(map(str, settings.STATICFILES_DIRS)),
            tuple(settings.STATICFILES_FINDERS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            files, self.files = self.files, {}
            list_files(self)
            listed[key], self.files = self.files, files
        self.files.update(listed[key])

    patch = pytest.MonkeyPatch()
    patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
    yield
    patch.undo()


@pytest.fixture
def force(db):
    north = DivisionFactory(code="NORTH", name="North")
    east = DivisionFactory(code="EAST", name="East")
    west = DivisionFactory(code="WEST", name="West")
    central = DivisionFactory(code="CENTRAL", name="Central", is_central=True)
    districts = {
        "medway": DistrictFactory(code="MED", name="Medway", division=north),
        "dartford": DistrictFactory(code="DAR", name="Dartford", division=north),
        "canterbury": DistrictFactory(code="CAN", name="Canterbury", division=east),
        "thanet": DistrictFactory(code="THA", name="Thanet", division=east),
        "maidstone": DistrictFactory(code="MAI", name="Maidstone", division=west),
    }
    teams = {
        "soc": TeamFactory(code="SOC", name="Serious Organised Crime", kind=TeamKind.SOC),
        "ocgmu": TeamFactory(code="OCGMU", name="OCG Management Unit", kind=TeamKind.OCGMU),
        "clgt_north": TeamFactory(
            code="CLGT-N", name="North CLGT", kind=TeamKind.CLGT, division=north
        ),
        "clgt_east": TeamFactory(
            code="CLGT-E", name="East CLGT", kind=TeamKind.CLGT, division=east
        ),
        "central_clgt": TeamFactory(code="CLGT-C", name="Central CLGT", kind=TeamKind.CENTRAL_CLGT),
        "north_local": TeamFactory(
            code="NORTH-LOCAL",
            name="North local team",
            kind=TeamKind.DIVISION_LOCAL,
            division=north,
        ),
        "bureau": TeamFactory(code="FIB", name="Force Intelligence Bureau", kind=TeamKind.FIB),
    }
    return {
        "divisions": {"north": north, "east": east, "west": west, "central": central},
        "districts": districts,
        "teams": teams,
    }


def _officer(force, role, team_key, username, rank=Rank.DC, division_key=None):
    return OfficerFactory(
        user=UserFactory(username=username),
        role=role,
        rank=rank,
        team=force["teams"][team_key],
        division=force["divisions"][division_key] if division_key else None,
    ).user


@pytest.fixture
def coordinator(force):
    return _officer(force, Role.COORDINATOR, "ocgmu", "coordinator", Rank.DC, "north")


@pytest.fixture
def researcher(force):
    return _officer(force, Role.RESEARCHER, "ocgmu", "researcher", Rank.PC, "north")


@pytest.fixture
def lro(force):
    return _officer(force, Role.LRO, "north_local", "lro", Rank.DS)


@pytest.fixture
def clgt_officer(force):
    return _officer(force, Role.CLGT_OFFICER, "clgt_north", "clgt", Rank.DC)


@pytest.fixture
def central_officer(force):
    return _officer(force, Role.CLGT_OFFICER, "central_clgt", "central", Rank.DC)


@pytest.fixture
def clio(force):
    return _officer(force, Role.CLIO, "clgt_north", "clio", Rank.PC)


@pytest.fixture
def east_clio(force):
    return _officer(force, Role.CLIO, "clgt_east", "clio_east", Rank.PC)


@pytest.fixture
def clio_coordinator(force):
    """The CLIO coordinator: a CLIO of a force-wide team, with no division of their own."""
    return _officer(force, Role.CLIO, "central_clgt", "clio_coordinator", Rank.PS)


@pytest.fixture
def supervisor(force):
    return _officer(force, Role.SUPERVISOR, "ocgmu", "supervisor", Rank.DS, "north")


@pytest.fixture
def east_supervisor(force):
    return _officer(force, Role.SUPERVISOR, "ocgmu", "supervisor_east", Rank.DS, "east")


@pytest.fixture
def force_supervisor(force):
    """A supervisor of a force-wide unit with no division: no division's children either."""
    return _officer(force, Role.SUPERVISOR, "soc", "supervisor_soc", Rank.DI)


@pytest.fixture
def analyst(force):
    return _officer(force, Role.ANALYST, "bureau", "analyst", Rank.STAFF)


@pytest.fixture
def regional(force):
    """A supervisor of an NCA / ERSOU team: the national view's reader."""
    force["teams"]["ersou"] = TeamFactory(
        code="ERSOU", name="Regional organised crime unit", kind=TeamKind.NCA_ERSOU
    )
    return _officer(force, Role.SUPERVISOR, "ersou", "regional", Rank.DI)


@pytest.fixture
def auditor(force):
    return _officer(force, Role.AUDITOR, "bureau", "auditor", Rank.STAFF)


@pytest.fixture
def outsider(db):
    """A signed-in user with no officer profile: must see nothing."""
    return UserFactory(username="outsider")


@pytest.fixture
def administrator(force):
    """An Administrator officer: staff (for /admin/) by role, never a superuser; sees no police
    data."""
    officer = OfficerFactory(
        user=UserFactory(username="administrator", first_name="Ada", last_name="Minister"),
        role=Role.ADMINISTRATOR,
        rank=Rank.STAFF,
        team=TeamFactory(code="ADMIN", name="Administration", kind=TeamKind.ADMINISTRATION),
    )
    officer_sync_group(officer=officer)
    return officer.user
