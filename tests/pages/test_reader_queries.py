"""A list's scoped query kept per officer and day (kentsoc/web/reader_queries.py): each officer
reads their own scope from a warm thread, rows are read as they are when the query runs, and a
new day or a new access builds the query afresh."""

import datetime

from kentsoc.org.choices import Rank, Role
from kentsoc.web import reader_queries
from kentsoc.web.reader_queries import forget_reader_queries, reader_query, reader_sql
from ocg.models import OCG
from ocg.selectors import ocg_api_rows, ocg_rows
from tests.factories import OfficerFactory, UserFactory, make_ocg


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
