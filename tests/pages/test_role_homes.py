"""Each role's home shows its own work and a next step (issue 15 item 11), names only what the
officer may see, and puts the people and records it names on the audit trail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from countylines.choices import LineStatus
from countylines.models import SafeguardingReferral
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.matrix.recompute import recompute_all
from tests.clients import web
from tests.factories import days_ago, evidence_all, make_line, make_person, make_record

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    response = web(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_analyst_home_shows_changed_scores_recent_intelligence_and_links(force, analyst):
    line = make_line(districts=[force["districts"]["medway"]], name="KESTREL", status="active")
    evidence_all(line)
    record = make_record(lines=[line], claims={"violence": 2})
    recompute_all()
    page = _home(analyst)
    assert 'data-testid="panel-analyst"' in page
    assert "KESTREL" in page and record.reference in page
    for link in ("/intelligence/new/", "/intelligence/", "/matrix/", "/county-lines/"):
        assert f'href="{link}"' in page
    shown = AuditEvent.objects.filter(actor_username=analyst.username, action=AuditAction.LIST)
    assert shown.filter(object_type="intel.intelligencerecord").exists()


def test_analyst_home_counts_stale_scores(force, analyst):
    line = make_line(districts=[force["districts"]["medway"]], status=LineStatus.ACTIVE)
    type(line).objects.filter(pk=line.pk).update(score_stale_since=timezone.now())
    assert "<strong>1 score</strong> waiting for the worker" in _home(analyst)


def test_clio_home_lists_their_people_with_a_next_step(force, clio, clgt_officer):
    north = make_line(districts=[force["districts"]["medway"]], status=LineStatus.ACTIVE)
    east = make_line(districts=[force["districts"]["thanet"]], status=LineStatus.ACTIVE)
    waiting = make_person(north, name="Jordan Fictional")
    SafeguardingReferral.objects.create(
        person=waiting, agency="mcet", referred_on=days_ago(5), created_by=clgt_officer
    )
    make_person(north, name="Closed Fictional", engagement_status="closed")
    make_person(east, name="Other Division Child")
    page = _home(clio)
    assert 'data-testid="panel-people-at-risk"' in page
    assert "Jordan Fictional" in page and "1 referral awaiting an outcome" in page
    assert "Closed Fictional" not in page
    # A child on another division's line is not this CLIO's to see.
    assert "Other Division Child" not in page
    assert 'href="/county-lines/people-at-risk/"' in page
    event = AuditEvent.objects.get(
        actor_username=clio.username, object_type="countylines.personatrisk"
    )
    assert str(waiting.pk) in str(event.changes) or event.object_id == str(waiting.pk)


def test_clio_home_with_nothing_waiting_still_gives_the_next_step(clio):
    page = _home(clio)
    assert "No one you support is waiting" in page
    assert 'href="/county-lines/"' in page


def test_auditor_home_counts_today_and_links_the_filtered_audit_page(auditor, supervisor):
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, actor_username="someone")
    page = _home(auditor)
    assert 'data-testid="panel-auditor"' in page
    assert "<strong>1</strong> refused sign-in (wrong" in page
    assert "action=login_failed&amp;date_after=" in page
    assert "object_type=countylines.personatrisk" in page


@pytest.mark.parametrize("role", ["coordinator", "supervisor", "analyst", "clio", "lro"])
def test_only_auditors_get_the_audit_panel(request, role):
    assert 'data-testid="panel-auditor"' not in _home(request.getfixturevalue(role))


@pytest.mark.parametrize("role", ["auditor", "supervisor", "coordinator", "administrator"])
def test_only_analysts_and_clios_get_their_panels(request, role):
    page = _home(request.getfixturevalue(role))
    assert 'data-testid="panel-analyst"' not in page
    assert 'data-testid="panel-people-at-risk"' not in page


def test_administrator_home_links_user_management(administrator):
    page = _home(administrator)
    for link in ("/admin/auth/user/", "/admin/org/officer/", "/admin/org/team/"):
        assert f'href="{link}"' in page


@pytest.mark.parametrize(
    ("role", "panel"),
    [("analyst", "panel-analyst"), ("clio", "panel-people-at-risk"), ("auditor", "panel-auditor")],
)
def test_the_panel_costs_the_same_queries_with_more_rows(request, force, role, panel):
    user = request.getfixturevalue(role)
    client = web(user)
    client.get("/")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert panel in client.get("/").content.decode()
        return len(captured)

    before = count()
    for name in ("KESTREL", "OSPREY", "HARRIER"):
        line = make_line(districts=[force["districts"]["medway"]], name=name, status="active")
        evidence_all(line)
        make_record(lines=[line], claims={"violence": 1})
        make_person(line, name=f"{name.title()} Fictional")
    recompute_all()
    assert count() == before
