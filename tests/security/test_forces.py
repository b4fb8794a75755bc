"""Forces are isolated (issue 19 item 1): every scope starts from the officer's force, "force-wide"
means their own force, and reference data, rankings, snapshots, the audit trail and the
administrator are per force. The leak matrix (test_leak_matrix.py) walks every route with a
second force's officers; these tests name the rules one by one."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from disruptions.models import Operation
from kentsoc.accounts.officers import administrator_create, officer_set_role
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.dashboard.rankings import live_token, matrix_rankings
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix.models import ForceSnapshot, Ranking
from kentsoc.matrix.services import force_snapshot_write, subject_rescore
from kentsoc.org.choices import Rank, Role
from kentsoc.org.models import Division, Officer, Team
from kentsoc.org.scoping import access_for
from kentsoc.org.services import officer_sync_group
from kentsoc.trh.choices import FORCE_PARTITION, RankedSubject
from ocg.choices import OcgStatus
from ocg.models import OCG, Nominal
from ocg.services.nominals import nominal_create
from tests import clients
from tests.factories import (
    OfficerFactory,
    UserFactory,
    make_line,
    make_nominal,
    make_ocg,
    make_record,
    other_force,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wx(force):
    """A second force beside the `force` fixture's Kent-shire."""
    return other_force()


def _wx_officer(wx, role: str, username: str, team: str = "ocgmu"):
    officer = OfficerFactory(
        user=UserFactory(username=username),
        role=role,
        rank=Rank.DS,
        team=wx["teams"][team],
        division=wx["divisions"]["north"],
    )
    officer_sync_group(officer=officer)
    return officer.user


def _subjects(division, name: str):
    ocg = make_ocg(division, name=f"{name} crew", status=OcgStatus.MAPPED)
    line = make_line(division, name=name.upper(), status="active", ocg=ocg)
    record = make_record(ocgs=[ocg], lines=[line], claims=[("violence", 2)])
    return ocg, line, record


def test_the_access_profile_names_the_officers_force(supervisor, wx):
    other = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")

    assert access_for(supervisor).force_id != access_for(other).force_id
    assert access_for(other).force_id == wx["force"].pk


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ANALYST, Role.COORDINATOR])
def test_force_wide_roles_read_their_own_force_only(force, wx, role):
    ks = _subjects(force["divisions"]["north"], "kestrel")
    theirs = _subjects(wx["divisions"]["north"], "wagtail")
    user = _wx_officer(wx, role, f"wx_{role}")

    assert set(OCG.objects.visible_to(user)) == {theirs[0]}
    assert ks[0].pk not in OCG.objects.visible_to(user).values_list("pk", flat=True)
    assert ks[2] not in IntelligenceRecord.objects.visible_to(user)
    assert not Nominal.objects.visible_to(user).filter(memberships__ocg=ks[0]).exists()
    assert set(Division.objects.visible_to(user)) == {wx["divisions"]["north"]}
    assert not Team.objects.visible_to(user).filter(force=force["divisions"]["north"].force)


def test_a_record_an_officer_makes_belongs_to_their_force(force, supervisor, wx):
    other = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")

    made = nominal_create(actor=other, first_name="Robin", last_name="Wessexperson").nominal

    assert made.force == wx["force"]
    assert made in Nominal.objects.visible_to(other)
    assert made not in Nominal.objects.visible_to(supervisor)


def test_another_forces_records_are_not_found_on_pages_or_the_api(force, wx):
    ocg, line, record = _subjects(force["divisions"]["north"], "kestrel")
    user = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")
    web, api = clients.web(user), clients.api(user)

    assert web.get(f"/ocgs/{ocg.pk}/").status_code == 404
    assert web.get(f"/county-lines/{line.pk}/").status_code == 404
    assert api.get(f"/api/intelligence/{record.pk}/").status_code == 404
    assert api.get("/api/ocgs/").json()["count"] == 0
    assert api.get("/api/county-lines/").json()["count"] == 0


def test_reference_data_in_a_request_is_the_officers_force(force, wx):
    user = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")
    api = clients.api(user)

    codes = {d["code"] for d in api.get("/api/divisions/").json()["results"]}
    teams = {t["code"] for t in api.get("/api/teams/").json()["results"]}
    page = clients.web(user).get("/ocgs/").content.decode()

    assert codes == {wx["divisions"]["north"].code}
    assert "OCGMU" not in teams and "WX-OCGMU" in teams
    # The division filter offers the officer's own force's divisions, not Kent-shire's.
    assert wx["divisions"]["north"].name in page
    assert ">North<" not in page and ">East<" not in page


def test_the_ocg_ranking_is_per_force(force, wx):
    ks_ocg = _subjects(force["divisions"]["north"], "kestrel")[0]
    wx_ocg = _subjects(wx["divisions"]["north"], "wagtail")[0]
    for ocg in (ks_ocg, wx_ocg):
        subject_rescore(subject_type=RankedSubject.OCG, subject_id=ocg.pk)

    top = Ranking.objects.filter(partition=FORCE_PARTITION, rank=1)

    assert {(r.force_id, r.ocg_id) for r in top} == {
        (force["divisions"]["north"].force_id, ks_ocg.pk),
        (wx["force"].pk, wx_ocg.pk),
    }


def test_each_force_has_its_own_snapshot_and_reads_only_it(force, supervisor, wx):
    _subjects(force["divisions"]["north"], "kestrel")
    _subjects(wx["divisions"]["north"], "wagtail")
    _subjects(wx["divisions"]["north"], "wren")
    other = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")

    snapshots = force_snapshot_write()

    assert {s.force_id: s.ocgs_by_status for s in snapshots} == {
        force["divisions"]["north"].force_id: {"mapped": 1},
        wx["force"].pk: {"mapped": 2},
    }
    assert [s.force_id for s in ForceSnapshot.objects.visible_to(other)] == [wx["force"].pk]
    assert [s.force_id for s in ForceSnapshot.objects.visible_to(supervisor)] == [
        force["divisions"]["north"].force_id
    ]


def test_auditors_read_their_own_forces_trail(force, auditor, analyst, wx):
    other_auditor = _wx_officer(wx, Role.AUDITOR, "wx_auditor", team="bureau")
    other_analyst = _wx_officer(wx, Role.ANALYST, "wx_analyst", team="bureau")
    ours = audit_record(actor=analyst, action=AuditAction.VIEW, reason="Kent-shire reading")
    theirs = audit_record(actor=other_analyst, action=AuditAction.VIEW, reason="Wessex reading")

    assert ours in AuditEvent.objects.visible_to(auditor)
    assert theirs not in AuditEvent.objects.visible_to(auditor)
    assert set(
        AuditEvent.objects.visible_to(other_auditor).filter(pk__in=[ours.pk, theirs.pk])
    ) == {theirs}
    page = clients.web(other_auditor).get("/audit/").content.decode()
    assert "Wessex reading" in page and "Kent-shire reading" not in page


def test_an_operation_of_another_force_is_not_offered(force, wx, supervisor):
    Operation.objects.create(
        force=force["divisions"]["north"].force,
        name="Operation Kentishonly",
        start_date="2022-01-01",
        end_date="2022-01-31",
    )
    other = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")

    assert "Operation Kentishonly" in clients.web(supervisor).get("/disruptions/").content.decode()
    assert "Operation Kentishonly" not in clients.web(other).get("/disruptions/").content.decode()


# The administrator ---------------------------------------------------------------------------


def _admin_of(wx):
    officer = OfficerFactory(
        user=UserFactory(username="wx_admin"),
        role=Role.ADMINISTRATOR,
        rank=Rank.STAFF,
        team=wx["teams"]["admin"],
    )
    officer_sync_group(officer=officer)
    return officer.user


def test_an_administrator_sees_and_makes_only_their_own_forces_officers(
    force, wx, clgt_officer, administrator
):
    other_admin = _admin_of(wx)
    wx_officer = Officer.objects.get(user=_wx_officer(wx, Role.SUPERVISOR, "wx_supervisor"))
    ks_officer = Officer.objects.get(user=clgt_officer)
    admin = Client()
    admin.force_login(other_admin)

    listing = admin.get("/admin/org/officer/").content.decode()
    assert wx_officer.collar_number in listing and ks_officer.collar_number not in listing
    assert admin.get(f"/admin/org/officer/{ks_officer.pk}/change/").status_code in (302, 404)
    assert "North CLGT" not in admin.get("/admin/org/officer/add/").content.decode()
    assert ">North<" not in admin.get("/admin/org/team/add/").content.decode()
    teams = admin.get("/admin/org/team/").content.decode()
    assert "WX-CLGT" in teams and "CLGT-N" not in teams
    # Kent-shire's administrator, likewise, does not see Wessex's.
    ours = Client()
    ours.force_login(administrator)
    assert wx_officer.collar_number not in ours.get("/admin/org/officer/").content.decode()


def test_an_administrator_cannot_give_an_officer_another_forces_team(force, wx, clgt_officer):
    other_admin = _admin_of(wx)
    wx_officer = Officer.objects.get(
        user=_wx_officer(wx, Role.CLGT_OFFICER, "wx_clgt", "clgt_north")
    )

    with pytest.raises(ValidationError, match="your force's teams"):
        officer_set_role(
            actor=other_admin,
            officer=wx_officer,
            role=Role.CLGT_OFFICER,
            team=force["teams"]["clgt_north"],
        )
    with pytest.raises(PermissionDenied):
        officer_set_role(
            actor=other_admin,
            officer=Officer.objects.get(user=clgt_officer),
            role=Role.SUPERVISOR,
            team=wx["teams"]["soc"],
        )
    wx_officer.refresh_from_db()
    assert wx_officer.team == wx["teams"]["clgt_north"]


def test_a_deployment_with_two_forces_names_the_administrators_force(force, wx):
    with pytest.raises(ValidationError, match="Name the force"):
        administrator_create(username="nobody", password="a-Long-fictional-pass-42", created_by="t")
    officer = administrator_create(
        username="wxadmin",
        password="a-Long-fictional-pass-42",
        force=wx["force"],
        created_by="test",
    )
    assert officer.team == wx["teams"]["admin"]
    with pytest.raises(CommandError, match='No force has the code "ZZ"'):
        call_command("create_administrator", "someone", "--force", "ZZ", stdout=io.StringIO())


def test_make_nominal_takes_a_force(wx):
    assert make_nominal(force=wx["force"]).force == wx["force"]


def test_the_dashboards_totals_are_the_officers_force(force, supervisor, wx):
    for name in ("kestrel", "kite"):
        line = _subjects(force["divisions"]["north"], name)[1]
        subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=line.pk)
    line = _subjects(wx["divisions"]["north"], "wagtail")[1]
    subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=line.pk)
    other = _wx_officer(wx, Role.SUPERVISOR, "wx_supervisor")

    assert matrix_rankings(user=supervisor).totals.active_lines == 2
    assert matrix_rankings(user=other).totals.active_lines == 1
    assert live_token(supervisor) != live_token(other)
