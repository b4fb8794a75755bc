"""Statements compiled once per shape (kentsoc.org.batch.compiled): each call's values are bound
where their stand-ins landed, and a value that did not land among the parameters is refused
before anything is kept."""

import datetime

import pytest
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.org import batch
from kentsoc.org.models import Division
from tests.factories import make_line

pytestmark = pytest.mark.django_db


def _divisions(*, division_id: int, code: str) -> list[batch.Statement]:
    # A constant with percent signs (a LIKE pattern) is written into the kept SQL as well.
    return [
        batch.rows_of(
            Division.objects.filter(pk__gte=division_id, code__gte=code)
            .exclude(name__contains="50%_")
            .order_by("pk")
            .values_list("code", "force_id")
        )
    ]


def test_a_statement_is_built_once_and_reads_what_the_orm_reads(force):
    built = []

    def build(**values):
        built.append(values)
        return _divisions(**values)

    key = object()
    for division in Division.objects.all():
        for code in ("", division.code[:2], "N%_'"):
            rows = batch.run(batch.compiled(key, build, division_id=division.pk, code=code))
            assert rows == batch.run(_divisions(division_id=division.pk, code=code))
    assert len(built) == 1


def test_a_value_that_is_none_is_another_shape(force):
    line = make_line(force["divisions"]["north"], "CL-0001")
    since = timezone.now() - datetime.timedelta(minutes=3)
    built = []

    def build(*, line_id: int, since: datetime.datetime | None) -> list[batch.Statement]:
        built.append(since)
        return [
            batch.rows_of(
                CountyLine.objects.filter(pk=line_id, score_stale_since=since).values_list("pk")
            )
        ]

    key = object()
    CountyLine.objects.filter(pk=line.pk).update(score_stale_since=since)
    assert batch.run(batch.compiled(key, build, line_id=line.pk, since=since)) == [[(line.pk,)]]
    assert batch.run(batch.compiled(key, build, line_id=line.pk, since=None)) == [[]]
    CountyLine.objects.filter(pk=line.pk).update(score_stale_since=None)
    assert batch.run(batch.compiled(key, build, line_id=line.pk, since=None)) == [[(line.pk,)]]
    assert batch.run(batch.compiled(key, build, line_id=line.pk, since=since)) == [[]]
    assert len(built) == 2


def test_a_value_written_into_the_sql_is_refused(force):
    def build(*, division_id: int) -> list[batch.Statement]:
        return [batch.sql(f"SELECT id FROM org_division WHERE id = {division_id}")]  # noqa: S608

    with pytest.raises(ValueError, match="written into the SQL"):
        batch.compiled(object(), build, division_id=1)


def test_a_value_the_statements_never_bind_is_refused(force):
    with pytest.raises(ValueError, match="never bind"):
        batch.compiled(
            object(),
            lambda *, division_id, code: _divisions(division_id=division_id, code="N"),
            division_id=1,
            code="N",
        )
