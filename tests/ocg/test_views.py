"""OCG and nominal pages: access, journeys' server side, field errors, constant query counts."""

import datetime

import pytest

from countylines.models import LineNominal
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix.models import Score
from kentsoc.matrix.services import subject_rescore
from kentsoc.org.choices import Rank, Role
from ocg.choices import OcgStatus
from ocg.models import OCG, Nominal, OcgStatusChange, PlanAction
from ocg.services import lifecycle, memberships, nomination
from tests.clients import web
from tests.conftest import _officer
from tests.factories import evidence_all, make_line, make_nominal, make_ocg, make_record
from tests.ocg.conftest import count_queries


def test_list_needs_login_and_permission(client, outsider, clio):
    assert client.get("/ocgs/").status_code == 302
    assert web(outsider).get("/ocgs/").status_code == 403
    assert web(clio).get("/ocgs/").status_code == 403


def test_list_filters_and_csv_export_is_audited(coordinator, force):
    make_ocg(division=force["divisions"]["north"], name="Northern Lights")
    make_ocg(division=force["divisions"]["east"], name="Eastern Front")
    c = web(coordinator)
    page = c.get("/ocgs/", {"division": force["divisions"]["east"].pk})
    assert b"Eastern Front" in page.content and b"Northern Lights" not in page.content
    partial = c.get("/ocgs/", {"q": "Northern"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"Northern Lights" in partial.content
    csv = c.get("/ocgs/", {"division": force["divisions"]["east"].pk, "format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert "Eastern Front" in body and "Northern Lights" not in body
    assert AuditEvent.objects.filter(action="export", object_type="ocg.ocg").exists()


def test_list_query_count_is_constant(coordinator, north):
    c = web(coordinator)
    make_ocg(division=north)
    one = count_queries(lambda: c.get("/ocgs/"))
    for i in range(8):
        evidence_all(make_ocg(division=north, name=f"Group {i}", members=3))
    assert count_queries(lambda: c.get("/ocgs/")) == one


def test_nominal_list_query_count_is_constant(coordinator, north):
    c = web(coordinator)
    make_ocg(division=north)
    one = count_queries(lambda: c.get("/nominals/"))
    make_ocg(division=north, members=9)
    assert count_queries(lambda: c.get("/nominals/")) == one


def test_nominate_with_one_person_shows_field_error_and_saves_nothing(coordinator, north):
    person = make_nominal()
    response = web(coordinator).post(
        "/ocgs/new/",
        {
            "name": "Lone Wolf",
            "criminality": ["fraud"],
            "division": north.pk,
            "member_nominal": [person.pk],
            "member_role": ["principal"],
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="members-error"' in content and "at least 2 different people" in content
    # The picked person stays on the redisplayed form.
    assert f'data-nominal="{person.pk}"' in content
    assert not OCG.objects.exists()


def test_nominate_missing_fields(coordinator):
    response = web(coordinator).post("/ocgs/new/", {})
    assert response.status_code == 400
    content = response.content.decode()
    for field in ("field-name", "field-criminality", "field-division", "field-members"):
        assert f'id="{field}"' in content
    assert content.count("error-message") >= 4


def test_nominate_creates_and_redirects(coordinator, north):
    a, b = make_nominal(), make_nominal()
    response = web(coordinator).post(
        "/ocgs/new/",
        {
            "name": "Dockside Crew",
            "criminality": ["drug_supply", "firearms"],
            "division": north.pk,
            "summary": "Fictional",
            "member_nominal": [a.pk, b.pk],
            "member_role": ["principal", "member"],
        },
    )
    ocg = OCG.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ocgs/{ocg.pk}/"
    assert ocg.status == OcgStatus.NOMINATED and ocg.memberships.count() == 2


def test_researcher_cannot_open_nominate(researcher):
    assert web(researcher).get("/ocgs/new/").status_code == 403


def test_search_pick_and_inline_create_with_duplicate_warning(coordinator):
    existing = make_nominal("Morgan", "Blackwood", date_of_birth=datetime.date(1988, 3, 4))
    c = web(coordinator)
    results = c.get("/nominals/search/", {"q": "blackw"})
    assert existing.reference in results.content.decode()
    picked = c.get(f"/nominals/{existing.pk}/pick/")
    assert f'name="member_nominal" value="{existing.pk}"' in picked.content.decode()
    created = c.post(
        "/nominals/inline/",
        {
            "new-first_name": "Morgan",
            "new-last_name": "Blackwood",
            "new-date_of_birth": "1988-03-04",
            "new-custody_status": "at_liberty",
        },
    )
    content = created.content.decode()
    assert 'data-testid="duplicate-warning"' in content and existing.reference in content
    assert Nominal.objects.count() == 2
    bad = c.post("/nominals/inline/", {"new-first_name": "", "new-last_name": ""})
    assert bad["HX-Retarget"] == "#new-person" and "error-message" in bad.content.decode()
    assert Nominal.objects.count() == 2


@pytest.mark.parametrize(
    "tab", ["summary", "evidence", "members", "intelligence", "plan", "history"]
)
def test_detail_tabs_render_and_view_is_audited(coordinator, ocg, tab):
    response = web(coordinator).get(f"/ocgs/{ocg.pk}/", {"tab": tab})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="view", object_type="ocg.ocg", object_id=str(ocg.pk)
    ).exists()


def test_detail_hidden_from_lro_who_does_not_manage_it(lro, ocg):
    assert web(lro).get(f"/ocgs/{ocg.pk}/").status_code == 404
    assert web(lro).get(f"/ocgs/{ocg.pk}/network.json").status_code == 404


def test_submit_refusal_names_missing_criteria(researcher, ocg):
    evidence_all(ocg, except_=("serious_crime",))
    response = web(researcher).post(f"/ocgs/{ocg.pk}/submit/", follow=True)
    assert "definition evidence missing for Serious crime" in response.content.decode()
    assert OCG.objects.get(pk=ocg.pk).mapping_submitted_at is None


def test_supervisor_approves_then_score_panel_stops_polling(
    researcher, supervisor, evidenced_ocg, django_capture_on_commit_callbacks
):
    unscorable = make_record(ocgs=[evidenced_ocg], claims=[("firearms", 3)], grading="3AP")
    scorable = make_record(ocgs=[evidenced_ocg], claims=[("violence", 2)], grading="1BP")
    web(researcher).post(f"/ocgs/{evidenced_ocg.pk}/submit/")
    c = web(supervisor)
    summary = c.get(f"/ocgs/{evidenced_ocg.pk}/").content.decode()
    assert 'data-testid="approve-mapping"' in summary
    c.post(f"/ocgs/{evidenced_ocg.pk}/approve/")
    # Mapped, not yet scored: the panel polls itself.
    panel = c.get(f"/ocgs/{evidenced_ocg.pk}/score/").content.decode()
    assert 'hx-trigger="every 2s"' in panel and "Calculating" in panel
    subject_rescore(subject_type="ocg", subject_id=evidenced_ocg.pk)
    assert Score.objects.filter(ocg=evidenced_ocg, is_current=True).exists()
    panel = c.get(f"/ocgs/{evidenced_ocg.pk}/score/").content.decode()
    assert "hx-trigger" not in panel
    assert 'data-testid="score-total">6<' in panel
    assert f'href="/intelligence/{scorable.pk}/"' in panel
    assert unscorable.reference in panel and 'data-testid="unscorable"' in panel


def test_stale_edit_form_is_refused_and_nothing_lost(coordinator, researcher, ocg):
    first = web(coordinator).post(
        f"/ocgs/{ocg.pk}/edit/",
        {"name": "First", "criminality": ["fraud"], "division": ocg.division_id, "version": 1},
    )
    assert first.status_code == 302
    second = web(researcher).post(
        f"/ocgs/{ocg.pk}/edit/",
        {"name": "Second", "criminality": ["cyber"], "division": ocg.division_id, "version": 1},
    )
    assert second.status_code == 400
    assert "Someone else changed this record" in second.content.decode()
    assert OCG.objects.get(pk=ocg.pk).name == "First"


def test_adopt_form_offers_only_lros(supervisor, analyst, mapped_ocg, force):
    response = web(supervisor).post(
        f"/ocgs/{mapped_ocg.pk}/adopt/",
        {"managing_team": force["teams"]["soc"].pk, "lead_responsible_officer": analyst.pk},
    )
    assert response.status_code == 400
    field_html = response.content.decode().split('id="field-lead_responsible_officer"', 1)[1]
    assert "not a Lead Responsible Officer" in field_html.split("</div>", 1)[0]
    assert OCG.objects.get(pk=mapped_ocg.pk).status == OcgStatus.MAPPED
    offered = web(supervisor).get(f"/ocgs/{mapped_ocg.pk}/adopt/").content.decode()
    assert f'value="{analyst.pk}"' not in offered


def test_adopt_close_reject_pages_need_the_right_role(coordinator, researcher, mapped_ocg, ocg):
    assert web(coordinator).get(f"/ocgs/{mapped_ocg.pk}/adopt/").status_code == 403
    assert web(coordinator).get(f"/ocgs/{mapped_ocg.pk}/close/").status_code == 403
    assert web(researcher).get(f"/ocgs/{ocg.pk}/reject/").status_code == 403
    response = web(coordinator).post(f"/ocgs/{ocg.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and OCG.objects.get(pk=ocg.pk).status == "nominated"


def test_lro_home_panel_and_overdue_plan(supervisor, lro, mapped_ocg, force):
    lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )
    c = web(lro)
    response = c.post(
        f"/ocgs/{mapped_ocg.pk}/plan/",
        {
            "strand": "protect",
            "description": "Visit the vulnerable tenants",
            "owner": lro.pk,
            "due_on": (today() - datetime.timedelta(days=3)).isoformat(),
            "status": "open",
        },
    )
    assert response.status_code == 302 and PlanAction.objects.count() == 1
    plan = c.get(f"/ocgs/{mapped_ocg.pk}/", {"tab": "plan"}).content.decode()
    assert 'class="is-overdue"' in plan and 'data-testid="overdue-notice"' in plan
    home = c.get("/").content.decode()
    assert 'data-testid="panel-your-ocgs"' in home and mapped_ocg.reference in home
    assert "1 overdue" in home


def test_supervisor_and_coordinator_home_panels(coordinator, researcher, supervisor, evidenced_ocg):
    assert evidenced_ocg.reference in web(coordinator).get("/").content.decode()
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=evidenced_ocg)
    home = web(supervisor).get("/").content.decode()
    assert 'data-testid="panel-approvals"' in home and evidenced_ocg.reference in home


def test_network_json_links_members_to_other_ocgs(coordinator, north):
    first = make_ocg(division=north, name="First Firm")
    second = make_ocg(division=north, name="Second Firm", members=1)
    shared = first.memberships.first().nominal
    memberships.membership_add(actor=coordinator, ocg=second, nominal=shared.pk, role="enabler")
    data = web(coordinator).get(f"/ocgs/{first.pk}/network.json").json()
    ids = {n["id"] for n in data["nodes"]}
    assert {f"ocg-{first.pk}", f"ocg-{second.pk}", f"nominal-{shared.pk}"} <= ids
    assert {"source": f"nominal-{shared.pk}", "target": f"ocg-{second.pk}"}.items() <= next(
        e for e in data["edges"] if e["target"] == f"ocg-{second.pk}"
    ).items()
    members_tab = web(coordinator).get(f"/ocgs/{first.pk}/", {"tab": "members"})
    assert 'data-testid="network-table"' in members_tab.content.decode()


def test_nominal_page_lists_appearances_and_is_audited(analyst, ocg):
    person = ocg.memberships.first().nominal
    record = make_record(ocgs=[ocg])
    record.nominals.add(person)
    response = web(analyst).get(f"/nominals/{person.pk}/")
    content = response.content.decode()
    assert ocg.reference in content and record.reference in content
    assert AuditEvent.objects.filter(
        action="view", object_type="ocg.nominal", object_id=str(person.pk), actor=analyst
    ).exists()


def test_member_add_form_errors_at_field(researcher, ocg):
    response = web(researcher).post(f"/ocgs/{ocg.pk}/members/", {"role": "member"})
    assert response.status_code == 400
    assert "Choose a person you may see." in response.content.decode()


def test_history_tab_lists_changes_not_views(coordinator, researcher, ocg):
    lifecycle.ocg_start_development(actor=researcher, ocg=ocg)
    c = web(coordinator)
    c.get(f"/ocgs/{ocg.pk}/")
    history = c.get(f"/ocgs/{ocg.pk}/", {"tab": "history"}).content.decode()
    assert "Nominated → In development" in history and "Development started" in history
    assert "Changed" in history and "Viewed" not in history


def test_plan_form_offers_the_lro_as_owner(supervisor, lro, mapped_ocg, force):
    lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )
    plan = web(lro).get(f"/ocgs/{mapped_ocg.pk}/", {"tab": "plan"}).content.decode()
    assert f'<option value="{lro.pk}" selected>' in plan


def _record_form(ocg, **overrides) -> dict:
    return {
        "reference": "",
        "rms_reference": "ATH-24-000777",
        "information_date": (today() - datetime.timedelta(days=1)).isoformat(),
        "summary": "Fictional: cash counted at a lock-up.",
        "source_evaluation": "1",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "ocgs": [ocg.pk],
        "next": f"/ocgs/{ocg.pk}/?tab=intelligence",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"handling_code": "C"}, "handling_conditions", "required for handling code C"),
        ({"claim_firearms": "4"}, "claim_firearms", "Select a valid choice"),
        ({"claim_firearms": "-1"}, "claim_firearms", "Select a valid choice"),
    ],
)
def test_record_from_an_ocg_bad_input_at_the_field_nothing_saved(
    researcher, ocg, overrides, field, message
):
    response = web(researcher).post("/intelligence/new/", _record_form(ocg, **overrides))
    assert response.status_code == 400
    content = response.content.decode()
    field_html = content.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]
    assert message in field_html and "error-message" in field_html
    assert not IntelligenceRecord.objects.exists()


def test_stale_edit_keeps_what_the_second_person_typed(coordinator, researcher, ocg):
    nomination.ocg_update(actor=coordinator, ocg=ocg, version=1, summary="Theirs")
    response = web(researcher).post(
        f"/ocgs/{ocg.pk}/edit/",
        {
            "name": ocg.name,
            "criminality": ["drug_supply"],
            "division": ocg.division_id,
            "summary": "My careful rewrite",
            "version": 1,
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Someone else changed this record" in content and "My careful rewrite" in content
    assert OCG.objects.get(pk=ocg.pk).summary == "Theirs"


def test_adopt_form_neither_offers_nor_takes_an_lro_of_a_team_without_permission(
    supervisor, mapped_ocg, force
):
    clgt_lro = _officer(force, Role.LRO, "clgt_north", "lro_clgt", Rank.DS)
    page = web(supervisor).get(f"/ocgs/{mapped_ocg.pk}/adopt/").content.decode()
    assert f'value="{clgt_lro.pk}"' not in page
    response = web(supervisor).post(
        f"/ocgs/{mapped_ocg.pk}/adopt/",
        {
            "managing_team": force["teams"]["north_local"].pk,
            "lead_responsible_officer": clgt_lro.pk,
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    field_html = content.split('id="field-lead_responsible_officer"', 1)[1]
    assert "a team without permission to manage OCGs" in field_html.split("</div>", 1)[0]
    assert OCG.objects.get(pk=mapped_ocg.pk).status == OcgStatus.MAPPED


def test_evidence_and_history_tabs_render_without_a_recorded_user(coordinator, evidenced_ocg):
    """Rows imported or made before users were recorded have no author: shown as such, no 500."""
    OcgStatusChange.objects.create(
        ocg=evidenced_ocg, from_status="", to_status="nominated", effective_on=today()
    )
    c = web(coordinator)
    evidence = c.get(f"/ocgs/{evidenced_ocg.pk}/", {"tab": "evidence"})
    assert evidence.status_code == 200 and "Recorded by unknown" in evidence.content.decode()
    assert c.get(f"/ocgs/{evidenced_ocg.pk}/", {"tab": "history"}).status_code == 200


def test_close_and_reject_pages_record_date_and_reason(supervisor, coordinator, mapped_ocg, ocg):
    c = web(supervisor)
    bad = c.post(
        f"/ocgs/{mapped_ocg.pk}/close/", {"status": "dismantled", "date": "", "reason": ""}
    )
    assert bad.status_code == 400 and bad.content.decode().count("error-message") >= 2
    closed = c.post(
        f"/ocgs/{mapped_ocg.pk}/close/",
        {"status": "dismantled", "date": today().isoformat(), "reason": "Principals convicted"},
    )
    assert closed.status_code == 302
    mapped_ocg.refresh_from_db()
    assert mapped_ocg.status == OcgStatus.DISMANTLED and mapped_ocg.closed_on == today()
    assert mapped_ocg.closure_reason == "Principals convicted"
    rejected = web(coordinator).post(f"/ocgs/{ocg.pk}/reject/", {"reason": "No structure"})
    assert rejected.status_code == 302
    assert OCG.objects.get(pk=ocg.pk).status == OcgStatus.REJECTED
    history = web(coordinator).get(f"/ocgs/{ocg.pk}/", {"tab": "history"})
    assert "Nominated → Rejected" in history.content.decode()


def test_supervisor_returns_a_submission_with_a_reason(researcher, supervisor, evidenced_ocg):
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=evidenced_ocg)
    c = web(supervisor)
    assert c.post(f"/ocgs/{evidenced_ocg.pk}/return/", {"reason": ""}).status_code == 400
    response = c.post(f"/ocgs/{evidenced_ocg.pk}/return/", {"reason": "Thin on structure"})
    assert response.status_code == 302
    evidenced_ocg.refresh_from_db()
    assert evidenced_ocg.mapping_submitted_at is None
    summary = web(researcher).get(f"/ocgs/{evidenced_ocg.pk}/").content.decode()
    assert 'data-testid="submit-mapping"' in summary
    notice = summary.split('data-testid="returned-notice"', 1)[1].split("</p>", 1)[0]
    assert "Thin on structure" in notice and "Returned: " not in notice
    lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=evidenced_ocg)
    summary = web(researcher).get(f"/ocgs/{evidenced_ocg.pk}/").content.decode()
    assert 'data-testid="returned-notice"' not in summary


def test_record_a_person_warns_of_duplicates_and_empty_post_shows_fields(coordinator):
    existing = make_nominal("Morgan", "Blackwood", date_of_birth=datetime.date(1988, 3, 4))
    c = web(coordinator)
    empty = c.post("/nominals/new/", {})
    assert empty.status_code == 400 and empty.content.decode().count("error-message") >= 2
    response = c.post(
        "/nominals/new/",
        {
            "first_name": "Morgan",
            "last_name": "Blackwood",
            "date_of_birth": "1988-03-04",
            "custody_status": "at_liberty",
        },
        follow=True,
    )
    assert f"Possible duplicate of {existing.reference}" in response.content.decode()
    assert Nominal.objects.count() == 2


def test_person_edit_refuses_a_stale_version_and_keeps_the_input(coordinator, researcher):
    person = make_nominal("Dana", "Marsh")
    form = {"first_name": "Dana", "last_name": "Marsh", "custody_status": "at_liberty"}
    first = web(coordinator).post(
        f"/nominals/{person.pk}/edit/", {**form, "aliases": "DM", "version": 1}
    )
    assert first.status_code == 302
    second = web(researcher).post(
        f"/nominals/{person.pk}/edit/", {**form, "aliases": "Danny M", "version": 1}
    )
    content = second.content.decode()
    assert second.status_code == 400 and "Someone else changed this record" in content
    assert 'value="Danny M"' in content
    assert Nominal.objects.get(pk=person.pk).aliases == "DM"


@pytest.mark.parametrize("role", ["researcher", "supervisor", "analyst", "lro", "clgt_officer"])
def test_every_role_that_sees_an_adopted_ocg_can_open_every_tab(
    request, role, supervisor, lro, mapped_ocg, force
):
    lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )
    line = make_line(districts=[force["districts"]["medway"]], ocg=mapped_ocg)
    LineNominal.objects.create(
        county_line=line, nominal=mapped_ocg.memberships.first().nominal, role="runner"
    )
    make_record(ocgs=[mapped_ocg], claims=[("violence", 2)], grading="1AC")
    subject_rescore(subject_type="ocg", subject_id=mapped_ocg.pk)
    c = web(request.getfixturevalue(role))
    for tab in ("summary", "evidence", "members", "intelligence", "plan", "history"):
        assert c.get(f"/ocgs/{mapped_ocg.pk}/", {"tab": tab}).status_code == 200, tab
    assert c.get(f"/ocgs/{mapped_ocg.pk}/network.json").status_code == 200
    assert c.get(f"/ocgs/{mapped_ocg.pk}/score/").status_code == 200


@pytest.mark.parametrize("url", ["/ocgs/", "/nominals/"])
def test_htmx_partial_carries_the_filtered_csv_link(coordinator, ocg, url):
    partial = web(coordinator).get(url, {"q": "Person"}, HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert "<html" not in content
    assert 'href="?q=Person&amp;format=csv" data-testid="csv"' in content
