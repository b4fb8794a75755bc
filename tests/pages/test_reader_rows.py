"""One subject's rows read through the reader's scope, the statement kept per officer and day
with the subject's id bound (kentsoc/web/reader_rows.py): each officer reads their own scope,
each call its own subject's rows as they are when the statement runs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kentsoc.org.choices import Rank, Role
from kentsoc.org.scoping import access_for
from kentsoc.web.reader_queries import forget_reader_queries
from kentsoc.web.reader_rows import (
    reader_id_rows,
    reader_ids,
    reader_instances,
    subject_instances,
    subject_rows,
)
from ocg.models import OCG, Membership
from tests.factories import OfficerFactory, UserFactory, make_ocg


def _ocg_of(user, pk, builds):
    def build(mark):
        builds.append(mark)
        return OCG.objects.visible_to(user).filter(pk=mark)

    return reader_instances("test.ocg_of", user, OCG, build, pk)


def test_each_officer_reads_their_own_scope_with_the_subject_bound(lro, force):
    other_lro = OfficerFactory(
        user=UserFactory(username="other.lro"),
        role=Role.LRO,
        rank=Rank.DS,
        team=force["teams"]["soc"],
    ).user
    north = force["divisions"]["north"]
    mine = make_ocg(north, reference="OCG-9101", lead_responsible_officer=lro)
    theirs = make_ocg(north, reference="OCG-9102", lead_responsible_officer=other_lro)
    forget_reader_queries()
    builds = []

    for _ in range(2):
        assert [o.reference for o in _ocg_of(lro, mine.pk, builds)] == ["OCG-9101"]
        assert _ocg_of(lro, theirs.pk, builds) == []
        assert _ocg_of(other_lro, mine.pk, builds) == []
        assert [o.reference for o in _ocg_of(other_lro, theirs.pk, builds)] == ["OCG-9102"]
    # Built once per officer, whatever the subject.
    assert len(builds) == 2


def test_the_rows_are_read_as_they_are_when_the_statement_runs(supervisor, force):
    ocg = make_ocg(force["divisions"]["north"], reference="OCG-9103", name="Before")
    forget_reader_queries()
    assert _ocg_of(supervisor, ocg.pk, [])[0].name == "Before"

    OCG.objects.filter(pk=ocg.pk).update(name="After")

    found = _ocg_of(supervisor, ocg.pk, [])
    assert found[0].name == "After"
    # Model instances as the ORM reads them, every column loaded.
    assert found[0].get_deferred_fields() == set()


def test_a_statement_that_does_not_take_the_subject_is_refused(supervisor):
    forget_reader_queries()
    with pytest.raises(RuntimeError, match="does not take the subject"):
        reader_instances("test.every_ocg", supervisor, OCG, lambda mark: OCG.objects.all(), 1)


def test_a_scope_of_none_reads_no_rows(django_user_model):
    nobody = django_user_model.objects.create_user(username="no.officer")
    assert access_for(nobody) is None  # read once, kept on the user
    with CaptureQueriesContext(connection) as captured:
        found = reader_instances(
            "test.none", nobody, OCG, lambda mark: OCG.objects.visible_to(nobody).filter(pk=mark), 1
        )
    assert found == []
    assert len(captured) == 0


def test_ids_are_bound_as_one_list(supervisor, force):
    north = force["divisions"]["north"]
    first, second = make_ocg(north, reference="OCG-9104"), make_ocg(north, reference="OCG-9105")
    forget_reader_queries()

    def build(wanted):
        return (
            OCG.objects.visible_to(supervisor).filter(pk__in=wanted).values_list("pk", "reference")
        )

    assert reader_ids("test.ids", supervisor, build, {first.pk}) == {first.pk}
    assert sorted(reader_id_rows("test.ids", supervisor, build, [second.pk, first.pk, 0])) == [
        (first.pk, "OCG-9104"),
        (second.pk, "OCG-9105"),
    ]
    with CaptureQueriesContext(connection) as captured:
        assert reader_ids("test.ids", supervisor, build, []) == set()
    assert len(captured) == 0


def test_rows_no_scope_applies_to_are_compiled_once_per_process(force):
    ocg = make_ocg(force["divisions"]["north"], reference="OCG-9106")
    other = make_ocg(force["divisions"]["north"], reference="OCG-9107")
    builds = []

    def build(mark):
        builds.append(mark)
        return OCG.objects.filter(pk=mark)

    def references(mark):
        builds.append(mark)
        return OCG.objects.filter(pk=mark).values_list("reference")

    name = f"test.subject.{ocg.pk}"
    assert [o.reference for o in subject_instances(name, OCG, build, ocg.pk)] == ["OCG-9106"]
    assert [o.reference for o in subject_instances(name, OCG, build, other.pk)] == ["OCG-9107"]
    assert subject_rows(f"{name}.rows", references, other.pk) == [("OCG-9107",)]
    assert subject_rows(f"{name}.rows", references, ocg.pk) == [("OCG-9106",)]
    assert len(builds) == 2
    with pytest.raises(RuntimeError, match="does not take the subject"):
        subject_rows(f"{name}.all", lambda mark: Membership.objects.values_list("pk"), ocg.pk)
