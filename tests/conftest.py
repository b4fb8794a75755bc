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


# The slowest tests (a node id, or a prefix of one: a directory, a file, a parametrized test),
# with the seconds each took in a whole run on the shared 2-core machine (1 Dec 2026, load about
# 18, 4 workers: 61 min for what takes 26 alone; the security route walks that now sign each user
# in once scaled by what that saved them alone, 2 Dec). Only the order of the run uses them
# (pytest_collection_modifyitems): a figure too high or too low costs a little of the run's end,
# never a result.
SLOW: dict[str, float] = {
    # The read probes of the leak matrix: 2070 s in all before they were split into parts.
    "tests/security/test_leak_matrix.py::test_no_user_sees_a_marker_they_may_not[north]": 690,
    "tests/security/test_leak_matrix.py::test_no_user_sees_a_marker_they_may_not[east]": 690,
    "tests/security/test_leak_matrix.py::test_no_user_sees_a_marker_they_may_not[south]": 690,
    "tests/demo/test_seed_story.py::test_a_story_ending_today_reads_the_same_figures_now": 829,
    "tests/security/test_leak_matrix.py::test_no_unexpected_write": 814,
    "tests/demo/test_seed_story.py::"
    "test_seed_demo_tells_the_seed_story_ending_on_the_given_day": 631,
    "tests/architecture/test_migrations.py::"
    "test_a_database_built_by_the_last_release_migrates_to_today": 486,
    "tests/pages/test_inventory.py::"
    "test_every_page_opens_for_every_role_as_the_roles_table_says": 447,
    "tests/security/test_access.py::test_lists_and_searches_hold_only_what_the_user_may_see": 180,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[supervisor]": 384,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[coordinator]": 266,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[analyst]": 255,
    "tests/security/test_access.py::"
    "test_handling_conditions_only_for_the_owning_team_and_supervisors": 90,
    "tests/security/test_admin_separation.py::"
    "test_administrator_and_superuser_see_no_police_data_on_any_route": 110,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[clgt_officer]": 219,
    "tests/security/test_access.py::test_record_without_need_to_know_is_not_found": 150,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[lro]": 186,
    "tests/foundation/test_api_schema_fuzz.py::"
    "test_schemathesis_finds_nothing_as_a_supervisor": 180,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[clio]": 136,
    "tests/security/test_access.py::test_routes_work_for_their_users": 75,
    "tests/security/test_admin_separation.py::"
    "test_a_superuser_officer_sees_what_their_role_gives_and_no_more": 50,
    "tests/integration/test_many_processes.py": 111,
    "tests/e2e/test_accessibility.py::test_forms_showing_their_errors_pass_axe": 109,
    "tests/security/test_audit.py::test_every_csv_download_is_audited": 93,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[administrator]": 91,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[researcher]": 87,
    "tests/e2e/test_ocg.py::test_nominate_develop_map_explain_adopt_and_plan": 80,
    "tests/e2e/test_countylines.py::test_nominate_evidence_approve_and_flex": 77,
    "tests/e2e/test_accessibility.py::test_tabbing_to_a_control_shows_a_focus_outline": 75,
    "tests/e2e/test_accessibility.py::test_an_lro_logs_a_disruption_with_the_keyboard_alone": 72,
    "tests/e2e/test_dashboard.py::"
    "test_dashboard_tables_charts_and_live_update_from_a_real_worker": 52,
    "tests/integration/test_matrix_worker.py": 45,
    "tests/security/test_access.py::test_user_without_role_sees_nothing": 45,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[regional]": 44,
    "tests/e2e/test_evidence_checklist.py": 43,
    "tests/e2e/test_disruptions.py::test_lro_logs_supervisor_approves_and_the_report_changes": 42,
    "tests/e2e/test_accessibility.py::"
    "test_a_supervisor_works_the_dashboard_with_the_keyboard_alone": 41,
    "tests/e2e/test_accessibility.py::test_every_page_of_the_role_passes_axe_and_fits_a_phone"
    "[auditor]": 39,
}
# A test that waits on a browser, a live server or a real worker, or empties the database after
# itself, and is not in SLOW: a guess of its seconds, more than any ordinary test takes.
TRANSACTIONAL_GUESS = 10.0


def _expected_seconds(item: pytest.Item) -> float:
    nodeid = item.nodeid
    for prefix, seconds in SLOW.items():
        if nodeid == prefix or nodeid.startswith((prefix + "::", prefix + "[", prefix + "/")):
            return seconds
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    fixtures = getattr(item, "fixturenames", ())
    if transactional or {"live_server", "transactional_db", "browser"} & set(fixtures):
        return TRANSACTIONAL_GUESS
    return 0.0


def _group(item: pytest.Item) -> str:
    marker = item.get_closest_marker("xdist_group")
    if marker is None:
        return item.nodeid
    return marker.args[0] if marker.args else marker.kwargs.get("name", "default")


def pytest_collection_modifyitems(config, items):
    """`make test` spreads tests over pytest-xdist workers one by one (--dist loadgroup); the
    tests of a file that share one of our fixtures wider than a test but narrower than the
    session (the leak matrix's world, built once per module) form one group, so one worker
    builds it once.

    Then the longest first (the workers take tests in this order, --no-loadscope-reorder): a
    run ends when its last test does, and one of minutes handed out near the end kept the other
    workers idle for its length. Slow groups and tests by their measured seconds (SLOW), then the
    other browser, live-server and transactional tests, then the rest, each kind in the order
    collected."""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures and any(
            definitions[-1].scope in ("class", "module", "package")
            and definitions[-1].func.__module__.startswith("tests.")
            for definitions in fixtures.name2fixturedefs.values()
        ):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    seconds: dict[str, float] = {}
    for item in items:
        group = _group(item)
        seconds[group] = seconds.get(group, 0.0) + _expected_seconds(item)
    items.sort(key=lambda item: -seconds[_group(item)])


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Every test user's password is hashed with MD5, not production's Argon2 (100 MiB and a
    good part of a second of CPU per user). Only tests/foundation/
    test_password_hasher.py is about the project's own hasher; the password validators stay as
    configured, and subprocess tests (check --deploy) see the real settings. Session-wide so
    module-scoped worlds built outside any test are fast too."""
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
