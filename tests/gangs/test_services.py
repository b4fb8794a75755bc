"""Gang services: recorded, changed, members and links, each audited and version-checked; and
who sees which gang."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kentsoc.audit.models import AuditEvent
from kentsoc.gangs.choices import GangKind, GangRole
from kentsoc.gangs.models import Gang
from kentsoc.gangs.search import gang_search
from kentsoc.gangs.services.gangs import gang_create, gang_update
from kentsoc.gangs.services.links import gang_link, gang_unlink
from kentsoc.gangs.services.members import gang_add_member, gang_remove_member
from kentsoc.org.choices import Rank, Role
from tests.conftest import _officer
from tests.factories import make_gang, make_line, make_nominal, make_ocg

pytestmark = pytest.mark.django_db


def _events(gang: Gang) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="gangs.gang", object_id=str(gang.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_clgt_officer_records_a_gang_of_their_division(force, clgt_officer):
    north = force["divisions"]["north"]
    gang = gang_create(
        actor=clgt_officer,
        name="  Eastgate Boys ",
        area="Eastgate estate, Chatham",
        division=north.pk,
        kind=GangKind.STREET_GROUP,
    )
    assert gang.reference == f"GNG-{gang.pk:04d}"
    assert (gang.name, gang.kind, gang.division, gang.created_by) == (
        "Eastgate Boys",
        "street_group",
        north,
        clgt_officer,
    )
    assert _events(gang) == ["create"]


def test_every_wrong_field_is_named_at_once(force, clgt_officer):
    with pytest.raises(ValidationError) as refused:
        gang_create(actor=clgt_officer, name=" ", area="", division=None, kind="crew")
    assert set(refused.value.message_dict) == {"name", "area", "division", "kind"}


def test_a_divisional_officer_cannot_record_a_gang_of_another_division(force, clgt_officer):
    with pytest.raises(ValidationError) as refused:
        gang_create(
            actor=clgt_officer,
            name="Harbour Lot",
            area="Margate",
            division=force["divisions"]["east"].pk,
        )
    assert "own division" in refused.value.message_dict["division"][0]


def test_gangs_are_in_a_territorial_division(force, supervisor):
    with pytest.raises(ValidationError):
        gang_create(actor=supervisor, name="X", area="Y", division=force["divisions"]["central"].pk)


@pytest.mark.parametrize("role_fixture", ["clio", "analyst", "lro", "researcher", "auditor"])
def test_only_clgt_officers_and_supervisors_record_gangs(request, force, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        gang_create(actor=user, name="X", area="Y", division=force["divisions"]["north"].pk)


def test_an_edit_of_a_stale_version_is_refused(force, clgt_officer):
    gang = make_gang(force["divisions"]["north"])
    gang_update(actor=clgt_officer, gang=gang, version=1, area="Luton estate")
    gang.refresh_from_db()
    assert (gang.area, gang.version) == ("Luton estate", 2)
    with pytest.raises(ValidationError) as refused:
        gang_update(actor=clgt_officer, gang=gang, version=1, area="Elsewhere")
    assert "version" in refused.value.message_dict
    assert _events(gang) == ["update"]


def test_members_are_added_once_and_removed_with_the_audit(force, clgt_officer):
    gang = make_gang(force["divisions"]["north"])
    person = make_nominal("Reece", "Fictional")
    member = gang_add_member(actor=clgt_officer, gang=gang, nominal=person.pk, role=GangRole.LEADER)
    assert member.role == "leader"
    with pytest.raises(ValidationError) as refused:
        gang_add_member(actor=clgt_officer, gang=gang, nominal=person.pk, role=GangRole.MEMBER)
    assert "already a member" in refused.value.message_dict["nominal"][0]
    gang_remove_member(actor=clgt_officer, gang=gang, membership_id=member.pk)
    assert not gang.memberships.exists()
    gang.refresh_from_db()
    assert gang.version == 3
    assert _events(gang) == ["update", "update"]


def test_lines_and_ocgs_are_linked_and_unlinked(force, clgt_officer):
    north = force["divisions"]["north"]
    gang = make_gang(north)
    ocg = make_ocg(division=north)
    # A CLGT officer sees the OCGs behind county lines.
    line = make_line(north, ocg=ocg)
    gang_link(actor=clgt_officer, gang=gang, kind="county_lines", target=line.pk)
    gang_link(actor=clgt_officer, gang=gang, kind="ocgs", target=ocg.pk)
    assert list(gang.county_lines.all()) == [line] and list(gang.ocgs.all()) == [ocg]
    with pytest.raises(ValidationError):
        gang_link(actor=clgt_officer, gang=gang, kind="county_lines", target=line.pk)
    with pytest.raises(ValidationError):
        gang_link(actor=clgt_officer, gang=gang, kind="people", target=1)
    gang_unlink(actor=clgt_officer, gang=gang, kind="county_lines", target=line.pk)
    assert not gang.county_lines.exists()
    with pytest.raises(ValidationError):
        gang_unlink(actor=clgt_officer, gang=gang, kind="county_lines", target=line.pk)


def test_an_officer_of_another_division_cannot_change_the_gang(force):
    east_officer = _officer(force, Role.CLGT_OFFICER, "clgt_east", "clgt-east", Rank.DC)
    gang = make_gang(force["divisions"]["north"])
    with pytest.raises(PermissionDenied):
        gang_update(actor=east_officer, gang=gang, version=1, name="Renamed")


def test_who_sees_which_gang(
    force,
    clgt_officer,
    central_officer,
    clio,
    coordinator,
    supervisor,
    analyst,
    lro,
    researcher,
    auditor,
):
    north = make_gang(force["divisions"]["north"], name="North crew")
    east = make_gang(force["divisions"]["east"], name="East crew")
    east_officer = _officer(force, Role.CLGT_OFFICER, "clgt_east", "clgt-east", Rank.DC)

    def seen(user) -> set[str]:
        return set(Gang.objects.visible_to(user).values_list("name", flat=True))

    both = {north.name, east.name}
    assert seen(clgt_officer) == {north.name}
    assert seen(east_officer) == {east.name}
    assert seen(clio) == {north.name}
    assert seen(coordinator) == {north.name}
    assert seen(central_officer) == both
    assert seen(supervisor) == both
    assert seen(analyst) == both
    for user in (lro, researcher, auditor):
        assert seen(user) == set()


def test_the_gang_search_finds_by_name_area_and_loose_reference(force, clgt_officer):
    gang = make_gang(force["divisions"]["north"], name="Luton Young Gunz", area="Luton, Chatham")
    gang.reference = f"GNG-{gang.pk:04d}"
    gang.save()
    make_gang(force["divisions"]["east"], name="Luton lookalike")  # another division: hidden
    assert gang_search(user=clgt_officer, text="young luton") == [gang]
    assert gang_search(user=clgt_officer, text="chatham") == [gang]
    assert gang_search(user=clgt_officer, text=f"gng {gang.pk}") == [gang]
    assert gang_search(user=clgt_officer, text="l") == []
