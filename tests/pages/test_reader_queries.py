"""A list's scoped query kept per officer and day (kentsoc/web/reader_queries.py): each officer
reads their own scope from a warm thread, rows are read as they are when the query runs, and a
new day or a new access builds the query afresh. Kept values (the home panels') are the rows the
ORM reads, their statement prepared once per database connection."""

import datetime

import pytest
from django.db import ProgrammingError, connection, transaction
from django.db.models import Count, Window
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kentsoc.org.choices import Rank, Role
from kentsoc.web import reader_queries
from kentsoc.web.reader_queries import (
    forget_reader_queries,
    reader_query,
    reader_sql,
    reader_values,
)
from ocg.models import OCG
from ocg.selectors import ocg_api_rows, ocg_rows
from tests.factories import OfficerFactory, UserFactory, make_ocg
from tests.prepared import every_module_forgets


def _references(queryset) -> set[str]:
    return set(queryset.values_list("reference", flat=True))


def test_a_kept_query_reads_the_rows_as_they_are_when_it_runs(supervisor, force):
    forget_reader_queries()
    before = _references(ocg_rows(user=supervisor))
    make_ocg(force["divisions"]["north"], reference="OCG-9001")

    assert "OCG-9001" not in before
    assert "OCG-9001" in _references(ocg_rows(user=supervisor))
    assert "OCG-9001" in _references(ocg_api_rows(user=supervisor, lent=True))


def test_each_officer_reads_their_own_scope_from_a_warm_thread(lro, force):
    other_lro = OfficerFactory(
        user=UserFactory(username="other.lro"),
        role=Role.LRO,
        rank=Rank.DS,
        team=force["teams"]["soc"],
    ).user
    mine = make_ocg(force["divisions"]["north"], reference="OCG-9002", lead_responsible_officer=lro)
    forget_reader_queries()

    for _ in range(2):
        assert mine.reference in _references(ocg_rows(user=lro))
        assert mine.reference not in _references(ocg_rows(user=other_lro))
        assert mine.reference not in _references(ocg_api_rows(user=other_lro, lent=True))
        assert mine.reference in _references(ocg_api_rows(user=lro, lent=True))


def test_each_call_gets_its_own_query(supervisor):
    forget_reader_queries()
    first, second = ocg_rows(user=supervisor), ocg_rows(user=supervisor)

    assert first is not second and first.query is not second.query
    assert str(first.filter(name="x").query) != str(second.query)
    assert str(ocg_rows(user=supervisor).query) == str(second.query)


def test_a_new_day_or_a_new_access_builds_afresh(supervisor, analyst, monkeypatch):
    forget_reader_queries()
    builds = []

    def build():
        builds.append(1)
        return OCG.objects.visible_to(supervisor)

    reader_query("test", supervisor, build)
    reader_query("test", supervisor, build)
    assert len(builds) == 1
    reader_query("test", analyst, build)
    assert len(builds) == 2
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(reader_queries, "today", lambda: tomorrow)
    reader_query("test", supervisor, build)
    assert len(builds) == 3


def test_a_user_with_no_access_gets_a_query_built_each_time(db):
    nobody = UserFactory(username="no.officer")
    builds = []

    def build():
        builds.append(1)
        return OCG.objects.visible_to(nobody)

    assert not reader_query("test", nobody, build).exists()
    reader_query("test", nobody, build)
    assert len(builds) == 2


def test_a_build_that_reads_the_database_is_never_kept(supervisor, force):
    """A query built from ids read while building (an LRO's OCGs read into a list) would keep
    those ids all day: it is built afresh every time, and so follows the rows."""
    forget_reader_queries()
    north = force["divisions"]["north"]
    first = make_ocg(north, reference="OCG-9101")
    builds = []

    def build():
        builds.append(1)
        return OCG.objects.filter(pk__in=list(OCG.objects.values_list("pk", flat=True)))

    assert "OCG-9101" in _references(reader_query("reading", supervisor, build))
    OCG.objects.filter(pk=first.pk).update(reference="OCG-9102")
    second = make_ocg(north, reference="OCG-9103")
    found = _references(reader_query("reading", supervisor, build))
    assert {"OCG-9102", second.reference} <= found
    assert len(builds) == 2


def test_a_scope_s_sql_is_compiled_once_per_officer_and_day(supervisor, analyst, monkeypatch):
    forget_reader_queries()
    builds = []

    def build(user):
        builds.append(1)
        return OCG.objects.visible_to(user).values("pk")

    first = reader_sql("test", supervisor, lambda: build(supervisor))
    assert reader_sql("test", supervisor, lambda: build(supervisor)) == first
    sql, params = OCG.objects.visible_to(supervisor).values("pk").query.sql_with_params()
    assert first == (sql, tuple(params))
    assert len(builds) == 1
    reader_sql("test", analyst, lambda: build(analyst))
    assert len(builds) == 2
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(reader_queries, "today", lambda: tomorrow)
    reader_sql("test", supervisor, lambda: build(supervisor))
    assert len(builds) == 3


def test_a_scope_s_sql_that_reads_the_database_is_never_kept(supervisor, force):
    forget_reader_queries()
    make_ocg(force["divisions"]["north"], reference="OCG-9201")
    builds = []

    def build():
        builds.append(1)
        return OCG.objects.filter(pk__in=list(OCG.objects.values_list("pk", flat=True)))

    reader_sql("reading", supervisor, build)
    reader_sql("reading", supervisor, build)
    assert len(builds) == 2


def _values_of(user):
    """An OCG list as values, with a date, a moment, a join, an aggregate and a window count."""
    return (
        OCG.objects.visible_to(user)
        .annotate(members=Count("memberships"), listed=Window(Count("pk")))
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "nominated_on",
            "mapping_submitted_at",
            "division__name",
            "members",
            "listed",
        )
    )


def test_kept_values_are_the_rows_the_orm_reads(settings, supervisor, force):
    forget_reader_queries()
    north = force["divisions"]["north"]
    make_ocg(north, reference="OCG-9301", nominated_on=datetime.date(2026, 3, 4))
    make_ocg(
        north,
        reference="OCG-9302",
        members=3,
        status="in_development",
        mapping_submitted_at=timezone.now(),
    )
    for prepared in (True, False):
        settings.DASHBOARD_PREPARED_STATEMENTS = prepared
        for _ in range(2):
            assert reader_values(
                f"test.{prepared}", supervisor, lambda: _values_of(supervisor)
            ) == list(_values_of(supervisor))


def test_kept_values_are_built_once_per_officer_and_day_and_read_afresh(supervisor, analyst, force):
    forget_reader_queries()
    builds = []

    def build(user):
        builds.append(1)
        return OCG.objects.visible_to(user).order_by("reference").values("reference")

    before = reader_values("test", supervisor, lambda: build(supervisor))
    make_ocg(force["divisions"]["north"], reference="OCG-9401")
    after = reader_values("test", supervisor, lambda: build(supervisor))
    assert {"reference": "OCG-9401"} in after and {"reference": "OCG-9401"} not in before
    assert len(builds) == 1
    reader_values("test", analyst, lambda: build(analyst))
    assert len(builds) == 2


def test_a_bound_marker_takes_each_call_s_value(supervisor, force):
    forget_reader_queries()
    marker = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
    ocg = make_ocg(force["divisions"]["north"], reference="OCG-9501")
    OCG.objects.filter(pk=ocg.pk).update(
        status="in_development", mapping_submitted_at=timezone.now()
    )

    def since(moment):
        return reader_values(
            "test.bound",
            supervisor,
            lambda: (
                OCG.objects.visible_to(supervisor)
                .filter(mapping_submitted_at__gte=marker)
                .values("reference")
            ),
            bind={marker: moment},
        )

    assert since(timezone.now() - datetime.timedelta(days=1)) == [{"reference": "OCG-9501"}]
    assert since(timezone.now() + datetime.timedelta(days=1)) == []


def test_a_scope_of_none_reads_no_rows(db):
    nobody = UserFactory(username="no.officer.values")
    assert reader_values("test.none", nobody, lambda: OCG.objects.none().values("pk")) == []


def _sent(user) -> list[str]:
    with CaptureQueriesContext(connection) as ran:
        reader_values("test.prepared", user, lambda: _values_of(user))
    return [query["sql"] for query in ran.captured_queries if "reader_kept_" in query["sql"]]


def test_a_kept_statement_is_prepared_once_per_connection(settings, supervisor):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    forget_reader_queries()
    _deallocate()
    first, second = _sent(supervisor), _sent(supervisor)
    assert "PREPARE" in first[0] and "EXECUTE" in first[0]
    assert "PREPARE" not in second[0] and "EXECUTE" in second[0]


def test_a_connection_that_lost_its_statements_prepares_them_again(settings, supervisor, force):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    forget_reader_queries()
    make_ocg(force["divisions"]["north"], reference="OCG-9601")
    _deallocate()
    rows = reader_values("test.prepared", supervisor, lambda: _values_of(supervisor))
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(ProgrammingError, match="does not exist"), transaction.atomic():
        reader_values("test.prepared", supervisor, lambda: _values_of(supervisor))
    assert "PREPARE" in _sent(supervisor)[0]
    assert reader_values("test.prepared", supervisor, lambda: _values_of(supervisor)) == rows
    _deallocate()  # the other modules' statements went with the DEALLOCATE ALL above


def test_whole_statements_when_connections_keep_no_prepare(settings, supervisor):
    settings.DASHBOARD_PREPARED_STATEMENTS = False
    forget_reader_queries()
    with CaptureQueriesContext(connection) as ran:
        reader_values("test.whole", supervisor, lambda: _values_of(supervisor))
    assert all("PREPARE" not in q["sql"] and "EXECUTE" not in q["sql"] for q in ran)


def _deallocate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    reader_queries._prepared.pop(connection.connection, None)
    every_module_forgets()
