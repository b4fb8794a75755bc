"""One subject's rows read through the reader's scope, the statement kept per officer and day
with the subject's id bound (kentsoc/web/reader_rows.py): each officer reads their own scope,
each call its own subject's rows as they are when the statement runs."""

import re

import pytest
from django.db import connection
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.org.choices import Rank, Role
from kentsoc.org.scoping import access_for
from kentsoc.web import reader_queries
from kentsoc.web.reader_queries import forget_reader_queries
from kentsoc.web.reader_rows import (
    reader_id_rows,
    reader_ids,
    reader_instances,
    reader_objects,
    subject_id_rows,
    subject_instances,
    subject_objects,
    subject_rows,
)
from ocg.models import OCG, Membership
from tests.factories import OfficerFactory, UserFactory, make_ocg
from tests.prepared import every_module_forgets


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


def _columns(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in type(instance)._meta.fields
    }


def _sent(read):
    with CaptureQueriesContext(connection) as ran:
        found = read()
    return found, [query["sql"] for query in ran.captured_queries if "reader_kept_" in query["sql"]]


def _deallocate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    reader_queries._prepared.pop(connection.connection, None)
    every_module_forgets()


def test_a_kept_statement_is_prepared_once_per_connection_and_planned_once(
    settings, supervisor, force
):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    north = force["divisions"]["north"]
    first, second = make_ocg(north, reference="OCG-9108"), make_ocg(north, reference="OCG-9109")
    forget_reader_queries()
    _deallocate()

    found, sent = _sent(lambda: _ocg_of(supervisor, first.pk, []))
    assert [_columns(o) for o in found] == [_columns(OCG.objects.get(pk=first.pk))]
    assert "PREPARE" in sent[0] and "EXECUTE" in sent[0]
    found, sent = _sent(lambda: _ocg_of(supervisor, second.pk, []))
    assert [_columns(o) for o in found] == [_columns(OCG.objects.get(pk=second.pk))]
    assert len(sent) == 1 and "PREPARE" not in sent[0]
    assert sent[0].endswith(f"({second.pk})")
    # Planned once for any id: a generic plan, never one per id.
    name = re.search(r"EXECUTE (reader_kept_\w+)", sent[0])[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
            [name],
        )
        assert cursor.fetchone() == (2, 0)
    _deallocate()


def test_kept_ids_are_bound_as_one_array_by_name(settings, supervisor, force):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    north = force["divisions"]["north"]
    first, second = make_ocg(north, reference="OCG-9110"), make_ocg(north, reference="OCG-9111")
    forget_reader_queries()
    _deallocate()

    def build(wanted):
        return (
            OCG.objects.visible_to(supervisor).filter(pk__in=wanted).values_list("pk", "reference")
        )

    assert reader_ids("test.kept_ids", supervisor, build, {first.pk}) == {first.pk}
    found, sent = _sent(
        lambda: reader_id_rows("test.kept_ids", supervisor, build, [second.pk, first.pk, 0])
    )
    assert sorted(found) == [(first.pk, "OCG-9110"), (second.pk, "OCG-9111")]
    assert len(sent) == 1 and "PREPARE" not in sent[0] and "EXECUTE reader_kept_" in sent[0]
    _deallocate()


def test_kept_instances_are_converted_as_the_orm_reads_them(settings, supervisor):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    _deallocate()
    event = audit_record(
        actor=supervisor, action=AuditAction.VIEW, object_type="test.row", changes={"a": [1, "b"]}
    )
    found = subject_instances(
        "test.audit_event", AuditEvent, lambda mark: AuditEvent.objects.filter(pk=mark), event.pk
    )
    # The JSON column through its field's converter, as a queryset gives it.
    assert found[0].changes == {"a": [1, "b"]}
    assert [_columns(e) for e in found] == [_columns(AuditEvent.objects.get(pk=event.pk))]
    _deallocate()


def test_whole_statements_when_connections_keep_no_prepare(settings, supervisor, force):
    settings.DASHBOARD_PREPARED_STATEMENTS = False
    ocg = make_ocg(force["divisions"]["north"], reference="OCG-9112")
    forget_reader_queries()
    with CaptureQueriesContext(connection) as ran:
        found = _ocg_of(supervisor, ocg.pk, [])
    assert [o.reference for o in found] == ["OCG-9112"]
    assert ran.captured_queries
    assert all("PREPARE" not in q["sql"] and "EXECUTE" not in q["sql"] for q in ran)


def test_objects_are_read_as_iterating_the_queryset_gives_them(settings, supervisor, force):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    north = force["divisions"]["north"]
    ocg = make_ocg(north, reference="OCG-9113", lead_responsible_officer=supervisor)
    hidden = make_ocg(force["divisions"]["east"], reference="OCG-9114")
    forget_reader_queries()
    _deallocate()
    builds = []

    def build(mark):
        builds.append(mark)
        return (
            OCG.objects.visible_to(supervisor)
            .select_related("division", "lead_responsible_officer")
            .annotate(upper=Upper("reference"))
            .filter(pk=mark)
        )

    def expected(pk):
        return list(build(pk))

    for _ in range(2):
        (found,) = reader_objects("test.objects", supervisor, build, ocg.pk)
        (orm,) = expected(ocg.pk)
        assert _columns(found) == _columns(orm) and found.upper == "OCG-9113"
        # select_related's rows, read with it: no query of their own.
        with CaptureQueriesContext(connection) as ran:
            assert _columns(found.division) == _columns(orm.division)
            assert found.lead_responsible_officer == supervisor
        assert len(ran) == 0
    visible_to_supervisor = list(OCG.objects.visible_to(supervisor).filter(pk=hidden.pk))
    assert reader_objects("test.objects", supervisor, build, hidden.pk) == visible_to_supervisor
    # Compiled once for the officer (the three other builds are the ORM's reads above).
    assert builds.count(-7_364_903) == 1
    _deallocate()


def test_subject_objects_are_compiled_once_per_process(settings, supervisor, force):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    ocg = make_ocg(force["divisions"]["north"], reference="OCG-9115")
    _deallocate()
    builds = []

    def build(mark):
        builds.append(mark)
        return Membership.objects.select_related("nominal").filter(ocg_id=mark)

    name = f"test.subject_objects.{ocg.pk}"
    found = subject_objects(name, build, ocg.pk)
    orm = list(build(ocg.pk))
    assert len(found) == len(orm) > 0
    assert [(_columns(m), _columns(m.nominal)) for m in found] == [
        (_columns(m), _columns(m.nominal)) for m in orm
    ]
    assert subject_objects(name, build, ocg.pk + 10_000) == []
    assert builds.count(-7_364_903) == 1
    with pytest.raises(RuntimeError, match="does not take the subject"):
        subject_objects(f"{name}.all", lambda mark: Membership.objects.all(), ocg.pk)
    _deallocate()


def test_subject_id_rows_are_compiled_once_per_process_with_the_ids_bound(force):
    north = force["divisions"]["north"]
    first, second = make_ocg(north, reference="OCG-9116"), make_ocg(north, reference="OCG-9117")
    builds = []

    def build(wanted):
        builds.append(wanted)
        return OCG.objects.filter(pk__in=wanted).values_list("pk", "reference")

    name = f"test.subject_id_rows.{first.pk}"
    assert subject_id_rows(name, build, [first.pk]) == [(first.pk, "OCG-9116")]
    assert sorted(subject_id_rows(name, build, {second.pk, first.pk, 0})) == [
        (first.pk, "OCG-9116"),
        (second.pk, "OCG-9117"),
    ]
    assert len(builds) == 1
    with CaptureQueriesContext(connection) as ran:
        assert subject_id_rows(name, build, []) == []
    assert len(ran) == 0
