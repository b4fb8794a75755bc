"""Merging two records of one person (issue 17 item 7): every kind of link moves, clashes are set
aside and put back, undo restores exactly or refuses saying why, and every step is audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from countylines.choices import LineRole
from countylines.models import CountyLine, LineNominal
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.gangs.models import Gang, GangMembership
from kentsoc.lifetime.choices import PeriodStatus, ScpoStatus
from kentsoc.lifetime.models import Condition, CustodyPeriod, Scpo
from kentsoc.people.models import NominalMerge
from kentsoc.people.services import merge_undo, nominal_merge, relations
from ocg.choices import MembershipRole
from ocg.models import Membership, Nominal
from tests.factories import (
    make_disruption,
    make_line,
    make_nominal,
    make_ocg,
    make_record,
    make_sentence,
)

BORN = datetime.date(1994, 3, 2)


def _snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table that points at a person, and every person: the state an undo
    must give back exactly."""
    state = {
        r.label: set(r.model._base_manager.values_list(*_columns(r.model))) for r in relations()
    }
    state["ocg.nominal"] = set(Nominal._base_manager.values_list(*_columns(Nominal)))
    return state


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


@pytest.fixture
def pair(force, coordinator, clgt_officer):
    """Two records of one person, each with some of every kind of link, and two clashes: both
    are current members of one OCG, and both are named on one intelligence record."""
    north = force["divisions"]["north"]
    keep = make_nominal("John", "Smith", BORN)
    gone = make_nominal("Jon", "Smyth", BORN)
    shared_ocg = make_ocg(north, name="Harbour Crew", members=0)
    other_ocg = make_ocg(north, name="Quay Crew", members=0)
    Membership.objects.create(ocg=shared_ocg, nominal=keep, role=MembershipRole.PRINCIPAL)
    twin = Membership.objects.create(ocg=shared_ocg, nominal=gone, role=MembershipRole.MEMBER)
    own = Membership.objects.create(ocg=other_ocg, nominal=gone, role=MembershipRole.ENABLER)
    line = make_line(districts=[force["districts"]["medway"]], name="BLAZE")
    runner = LineNominal.objects.create(county_line=line, nominal=gone, role=LineRole.RUNNER)
    shared_record = make_record(ocgs=[shared_ocg])
    shared_record.nominals.set([keep, gone])
    own_record = make_record(ocgs=[other_ocg])
    own_record.nominals.set([gone])
    disruption = make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        status="submitted",
        nominals=[gone],
        lines=[line],
    )
    sentence = make_sentence(disruption, gone, 3, 4, clgt_officer)
    period = CustodyPeriod.objects.create(
        nominal=gone,
        status=PeriodStatus.IN_PRISON,
        started_on=datetime.date(2024, 1, 5),
        created_by=coordinator,
    )
    scpo = Scpo.objects.create(
        nominal=gone,
        status=ScpoStatus.APPLIED,
        applied_on=datetime.date(2024, 2, 1),
        created_by=coordinator,
    )
    gang = Gang.objects.create(name="Eastgate Boys", area="Eastgate estate", division=north)
    GangMembership.objects.create(gang=gang, nominal=gone)
    return {
        "keep": keep,
        "gone": gone,
        "twin": twin,
        "own": own,
        "runner": runner,
        "line": line,
        "shared_record": shared_record,
        "own_record": own_record,
        "disruption": disruption,
        "sentence": sentence,
        "period": period,
        "scpo": scpo,
        "gang": gang,
    }


def _merge(actor, pair, reason="Same PNC number 99/123456X") -> NominalMerge:
    return nominal_merge(
        actor=actor, survivor=pair["keep"].pk, merged=pair["gone"].pk, reason=reason
    )


def test_every_kind_of_link_moves_to_the_survivor(coordinator, pair):
    keep, gone = pair["keep"], pair["gone"]
    merge = _merge(coordinator, pair)

    assert not Nominal.objects.filter(pk=gone.pk).exists()
    for relation in relations():  # nothing anywhere still names the merged person
        assert not relation.model._base_manager.filter(**{relation.field.attname: gone.pk})
    assert Membership.objects.get(pk=pair["own"].pk).nominal_id == keep.pk
    assert LineNominal.objects.get(pk=pair["runner"].pk).nominal_id == keep.pk
    assert set(pair["own_record"].nominals.all()) == {keep}
    assert set(pair["shared_record"].nominals.all()) == {keep}
    assert set(pair["disruption"].nominals.all()) == {keep}
    pair["sentence"].refresh_from_db()
    pair["period"].refresh_from_db()
    pair["scpo"].refresh_from_db()
    assert pair["sentence"].nominal_id == pair["period"].nominal_id == keep.pk
    assert pair["scpo"].nominal_id == keep.pk
    assert GangMembership.objects.get(gang=pair["gang"]).nominal_id == keep.pk
    # The twin membership (both current members of one OCG) is set aside, kept whole.
    assert not Membership.objects.filter(pk=pair["twin"].pk).exists()
    assert [d["row"]["id"] for d in merge.dropped if d["model"] == "ocg.membership"] == [
        pair["twin"].pk
    ]
    assert merge.merged_row["first_name"] == "Jon"
    # A line whose runners changed is rescored.
    assert CountyLine.objects.get(pk=pair["line"].pk).score_stale_since is not None


def test_undo_restores_every_row_exactly(coordinator, supervisor, pair):
    before = _snapshot()
    merge = _merge(coordinator, pair)
    assert _snapshot() != before

    merge_undo(actor=supervisor, merge=merge, reason="Custody photos show two people")

    assert _snapshot() == before
    merge.refresh_from_db()
    assert merge.undone_by == supervisor and merge.undone_at is not None
    assert merge.undo_reason == "Custody photos show two people"


def test_merge_and_undo_are_audited(coordinator, supervisor, pair):
    keep, gone = pair["keep"], pair["gone"]
    merge = _merge(coordinator, pair)
    events = AuditEvent.objects.filter(actor=coordinator).exclude(action=AuditAction.VIEW)
    made = {(e.action, e.object_type, e.object_id) for e in events}
    assert (AuditAction.CREATE, "people.nominalmerge", str(merge.pk)) in made
    assert (AuditAction.DELETE, "ocg.nominal", str(gone.pk)) in made
    assert (AuditAction.UPDATE, "ocg.nominal", str(keep.pk)) in made
    created = events.get(action=AuditAction.CREATE)
    assert created.reason == "Same PNC number 99/123456X"
    assert created.changes["moved"]["ocg.membership"] == 1
    assert created.changes["set_aside"] == {
        "ocg.membership": 1,
        "intel.intelligencerecord_nominals": 1,
    }

    merge_undo(actor=supervisor, merge=merge, reason="Two people")
    undone = {
        (e.action, e.object_type, e.object_id) for e in AuditEvent.objects.filter(actor=supervisor)
    }
    assert (AuditAction.UPDATE, "people.nominalmerge", str(merge.pk)) in undone
    assert (AuditAction.CREATE, "ocg.nominal", str(gone.pk)) in undone
    assert (AuditAction.UPDATE, "ocg.nominal", str(keep.pk)) in undone


@pytest.mark.parametrize("role", ["researcher", "lro", "clgt_officer", "clio", "analyst"])
def test_only_coordinators_and_supervisors_may_merge(request, role, pair):
    with pytest.raises(PermissionDenied):
        _merge(request.getfixturevalue(role), pair)
    assert Nominal.objects.filter(pk=pair["gone"].pk).exists()


def _refusal(fn, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        fn(**kwargs)
    return caught.value.message_dict


def test_bad_input_is_refused_with_a_message(coordinator, pair):
    keep = pair["keep"]
    errors = _refusal(
        nominal_merge, actor=coordinator, survivor=keep.pk, merged=keep.pk, reason="x"
    )
    assert "themselves" in errors["merged"][0]
    errors = _refusal(nominal_merge, actor=coordinator, survivor=keep.pk, merged=987654, reason="x")
    assert "no person with id 987654" in errors["merged"][0]
    errors = _refusal(nominal_merge, actor=coordinator, survivor="7", merged=None, reason=" ")
    assert set(errors) == {"survivor", "merged", "reason"}
    assert NominalMerge.objects.count() == 0


def test_a_person_merged_already_is_named_with_whom(coordinator, pair):
    _merge(coordinator, pair)
    third = make_nominal("Johnny", "Smith", BORN)
    errors = _refusal(
        nominal_merge,
        actor=coordinator,
        survivor=third.pk,
        merged=pair["gone"].pk,
        reason="Same person",
    )
    assert "already merged into" in errors["merged"][0]
    assert pair["keep"].reference in errors["merged"][0]


def test_undo_twice_is_refused(coordinator, pair):
    merge = _merge(coordinator, pair)
    merge_undo(actor=coordinator, merge=merge, reason="Two people")
    errors = _refusal(merge_undo, actor=coordinator, merge=merge, reason="Again")
    assert "already undone" in errors["__all__"][0]


def test_undo_is_refused_once_the_survivor_is_merged_again(coordinator, pair):
    first = _merge(coordinator, pair)
    later_survivor = make_nominal("John", "Smithe", BORN)
    later = nominal_merge(
        actor=coordinator, survivor=later_survivor.pk, merged=pair["keep"].pk, reason="Same"
    )
    errors = _refusal(merge_undo, actor=coordinator, merge=first, reason="Two people")
    assert f"merge #{later.pk}" in errors["__all__"][0]
    assert "undo that merge first" in errors["__all__"][0]
    # Undoing the later merge first makes the earlier one safe again.
    merge_undo(actor=coordinator, merge=later, reason="Two people")
    merge_undo(actor=coordinator, merge=first, reason="Two people")
    assert Nominal.objects.filter(pk__in=[pair["keep"].pk, pair["gone"].pk]).count() == 2


def test_undo_is_refused_when_a_moved_row_has_gone(coordinator, pair):
    merge = _merge(coordinator, pair)
    LineNominal.objects.filter(pk=pair["runner"].pk).delete()
    before = _snapshot()
    errors = _refusal(merge_undo, actor=coordinator, merge=merge, reason="Two people")
    assert "line nominals" in errors["__all__"][0]
    assert "deleted or moved to someone else" in errors["__all__"][0]
    assert _snapshot() == before
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_a_clash_with_records_of_its_own_is_refused_before_anything_moves(coordinator, pair):
    # Both in custody at once: the merged person's open custody period clashes with the
    # survivor's, and conditions hang off it, so it cannot simply be set aside.
    CustodyPeriod.objects.create(
        nominal=pair["keep"],
        status=PeriodStatus.REMANDED,
        started_on=datetime.date(2024, 1, 6),
        created_by=coordinator,
    )
    Condition.objects.create(
        nominal=pair["gone"],
        period=pair["period"],
        kind="prison",
        text="No contact with the Quay Crew",
        imposed_on=datetime.date(2024, 1, 10),
        requested_by=coordinator,
        partner="none",
        created_by=coordinator,
    )
    before = _snapshot()
    errors = _refusal(_merge, actor=coordinator, pair=pair)
    assert "custody period" in errors["merged"][0]
    assert "conditions" in errors["merged"][0]
    assert _snapshot() == before


def test_a_row_that_no_longer_fits_refuses_the_undo_with_a_message(coordinator, pair):
    merge = _merge(coordinator, pair)
    # The OCG of the membership set aside is gone since (its row kept in the merge names it).
    row = next(d for d in merge.dropped if d["model"] == "ocg.membership")
    row["row"]["ocg_id"] = 987654
    merge.save(update_fields=["dropped"])
    before = _snapshot()
    errors = _refusal(merge_undo, actor=coordinator, merge=merge, reason="Two people")
    assert "cannot be put back" in errors["__all__"][0]
    assert _snapshot() == before
