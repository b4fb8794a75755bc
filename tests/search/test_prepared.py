"""A kept search statement prepared once per database connection and run by name
(kentsoc.search.compiled.prepared): every text, shape, role and page finds the rows the statement
compiled afresh finds; the second search of a shape sends no PREPARE; and a connection that lost
its prepared statements (a failed message, a DEALLOCATE behind its back) prepares them again."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kentsoc.search import compiled, services
from kentsoc.search.kinds import BY_TYPE
from tests.prepared import every_module_forgets
from tests.search.test_compiled import PAGES, TEXTS, _afresh
from tests.search.test_search import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _prepared_afresh(settings):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    compiled._statements.clear()
    _deallocate()
    yield
    compiled._statements.clear()
    _deallocate()


def _deallocate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    compiled._prepared.pop(connection.connection, None)
    every_module_forgets()


def _by_name(user, text: str, offset: int, limit: int) -> tuple[list[str], list]:
    kinds = [BY_TYPE[t] for t in services.search_types(user)]
    with CaptureQueriesContext(connection) as ran:
        found = services._found(user, text, kinds, offset, limit)
    rows = [(index, *row) for index, kind_rows in sorted(found.items()) for row in kind_rows]
    # The search's own message (loading the officer's access may come before it).
    return [query["sql"] for query in ran.captured_queries if "set_config" in query["sql"]], rows


@pytest.mark.parametrize("who", ["supervisor", "lro"])
def test_run_by_name_finds_what_the_statement_compiled_afresh_finds(request, world, who):  # noqa: F811
    user = request.getfixturevalue(who)
    afresh = {
        (text, offset): sorted(_afresh(user, text, offset, limit)[1], key=lambda row: row[0])
        for text in TEXTS
        for offset, limit in PAGES
    }
    for round_ in range(2):
        for text in TEXTS:
            for offset, limit in PAGES:
                sent, rows = _by_name(user, text, offset, limit)
                assert rows == afresh[text, offset], text
                assert len(sent) == 1
                assert "EXECUTE search_kept_" in sent[0]
                if round_:  # every shape was prepared in the first round
                    assert "PREPARE" not in sent[0], text


def test_a_connection_that_lost_its_statements_prepares_them_again(world, supervisor):  # noqa: F811
    first = _by_name(supervisor, "smith", 0, 4)
    assert "PREPARE" in first[0][0]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(ProgrammingError, match="does not exist"), transaction.atomic():
        _by_name(supervisor, "brown", 0, 4)
    again = _by_name(supervisor, "smith", 0, 4)
    assert "PREPARE" in again[0][0]
    assert again[1] == first[1]


def test_whole_statements_when_connections_keep_no_prepare(settings, world, supervisor):  # noqa: F811
    settings.DASHBOARD_PREPARED_STATEMENTS = False
    sent, rows = _by_name(supervisor, "smith", 0, 4)
    assert "PREPARE" not in sent[0] and "EXECUTE" not in sent[0]
    assert rows == _by_name(supervisor, "smith", 0, 4)[1]
