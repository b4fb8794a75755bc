"""The dashboard's statements compiled once per shape (kentsoc/dashboard/compiled.py): building
them reads nothing, so the kept SQL is a function of its key alone, and what it counts is read
afresh on every request."""

import uuid

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from countylines.choices import LineStatus
from kentsoc.dashboard import compiled
from kentsoc.dashboard.attention import _ITEMS, needs_attention
from kentsoc.org.choices import Role
from kentsoc.org.models import Force
from kentsoc.org.scoping import access_for
from tests.factories import OfficerFactory, UserFactory, days_ago, make_line, other_force

pytestmark = pytest.mark.django_db

NOMINATIONS = "County line nominations waiting for approval"


@pytest.fixture(autouse=True)
def _fresh_statements():
    compiled._statements.clear()
    yield
    compiled._statements.clear()


@pytest.mark.parametrize(
    "who", ["supervisor", "analyst", "coordinator", "researcher", "lro", "clgt_officer", "clio"]
)
@pytest.mark.parametrize("shares", [False, True])
def test_building_the_attention_counts_reads_nothing(
    request, force, who, shares, django_assert_num_queries
):
    """Scope rules, selectors and the lifetime lists' FilterSets only add to the SQL: with the
    officer's access and permissions read, the first request runs the counts and nothing else."""
    user = request.getfixturevalue(who)
    Force.objects.filter(pk=force["divisions"]["north"].force_id).update(has_shares=shares)
    access_for(user)
    held = [perm for perm, _, _ in _ITEMS if user.has_perm(perm)]
    with django_assert_num_queries(1 if held else 0):
        _attention(user)


def test_a_kept_statement_counts_todays_rows_and_only_the_officers_force(force, supervisor):
    wx = other_force()
    wx_supervisor = OfficerFactory(
        user=UserFactory(username="wx_supervisor"), role=Role.SUPERVISOR, team=wx["teams"]["ocgmu"]
    ).user
    for user in (supervisor, wx_supervisor):
        assert _counts(user)[NOMINATIONS] == 0  # compiled and kept, one statement each
    make_line(force["divisions"]["north"], status=LineStatus.NOMINATED, nominated_on=days_ago(30))
    make_line(wx["divisions"]["north"], status=LineStatus.NOMINATED, nominated_on=days_ago(30))
    make_line(wx["divisions"]["north"], status=LineStatus.NOMINATED, nominated_on=days_ago(30))
    assert len(compiled._statements) == 2
    assert _counts(supervisor)[NOMINATIONS] == 1
    assert _counts(wx_supervisor)[NOMINATIONS] == 2


def _counts(user) -> dict[str, int]:
    return {item.label: item.count for item in _attention(user)}


def _attention(user) -> list:
    reads = compiled.Reads()
    items = needs_attention(user=user, reads=reads)
    reads.run()
    return items()


def _read(*statements: str) -> list[list[tuple]]:
    reads = compiled.Reads()
    found = [
        reads.add_statement(("prepared test", sql), lambda sql=sql: (sql, [])) for sql in statements
    ]
    reads.run()
    return [rows() for rows in found]


def _sent(*statements: str) -> tuple[list[list[tuple]], str]:
    with CaptureQueriesContext(connection) as queries:
        rows = _read(*statements)
    return rows, " ".join(query["sql"] for query in queries.captured_queries)


def _held() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def statements() -> tuple[str, str, str]:
    """Statements no other test has prepared on this connection (which outlives a test)."""
    tag = uuid.uuid4().hex
    return tuple(f"SELECT {n} AS n, '{tag}' AS tag" for n in (1, 2, 3))


def test_a_statement_is_prepared_once_per_connection_then_executed_by_name(statements):
    one, two, _ = statements
    first, sent = _sent(one, two)
    assert [rows[0][0] for rows in first] == [1, 2]
    assert sent.count("PREPARE ") == 2
    again, sent = _sent(one, two)
    assert again == first
    assert "PREPARE" not in sent and sent.count("EXECUTE ") == 2
    assert {compiled._name(one), compiled._name(two)} <= _held()


def test_after_a_failed_batch_the_connection_says_what_it_holds(statements):
    """A failing statement leaves the PREPAREs before it in place (they outlive a rollback):
    the next batch must neither prepare one again (an error) nor execute one that is not."""
    one, two, _ = statements
    failing = "SELECT 1 / (random() * 0)::int AS never"
    with pytest.raises(DataError), transaction.atomic():
        _read(one, failing)
    assert compiled._name(one) in _held()
    rows, sent = _sent(one, two)
    assert [found[0][0] for found in rows] == [1, 2]
    assert f"PREPARE {compiled._name(one)}" not in sent
    assert f"PREPARE {compiled._name(two)}" in sent


def test_a_full_connection_lets_its_statements_go(monkeypatch, statements):
    one, two, three = statements
    monkeypatch.setattr(compiled, "MAX_PREPARED", 2)
    _read(one, two)
    rows, sent = _sent(three)
    assert rows[0][0][0] == 3
    assert f"DEALLOCATE {compiled._name(one)}" in sent
    assert compiled._name(one) not in _held()


def test_prepared_statements_can_be_turned_off(settings, statements):
    one, two, _ = statements
    settings.DASHBOARD_PREPARED_STATEMENTS = False
    rows, sent = _sent(one, two)
    assert [found[0][0] for found in rows] == [1, 2]
    assert "PREPARE" not in sent and "EXECUTE" not in sent
