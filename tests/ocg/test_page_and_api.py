"""Every OCG change the API can make, the page makes the same way: each test makes one change
through the page on one OCG and through the API on a twin, and compares what was written (the
record, its history, its audit trail) or, for a refusal, the message."""

import datetime
from typing import Any

import pytest

from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from ocg.choices import OcgStatus
from ocg.models import OCG, Membership, Nominal, OcgStatusChange, PlanAction
from tests.clients import api, web
from tests.factories import evidence_all, make_nominal, make_ocg

TWIN_FIELDS = (
    "status",
    "name",
    "summary",
    "division_id",
    "managing_team_id",
    "lead_responsible_officer_id",
    "mapped_on",
    "adopted_on",
    "closed_on",
    "closure_reason",
    "version",
)


def _audit(obj) -> list[tuple[str, list[str], str]]:
    """What the trail says happened to a record: action, which fields, why. Reads are left out
    (the page and the API read differently before they write)."""
    events = AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).exclude(action__in=["view", "read", "export", "search"])
    return [(e.action, sorted(e.changes), e.reason) for e in events.order_by("id")]


def snapshot(ocg: OCG) -> dict[str, Any]:
    ocg.refresh_from_db()
    return {
        **{name: getattr(ocg, name) for name in TWIN_FIELDS},
        "submitted": ocg.mapping_submitted_at is not None,
        "criminality": sorted(ocg.criminality.values_list("code", flat=True)),
        "members": sorted(
            (m.nominal_id, m.role, m.from_date, m.to_date) for m in ocg.memberships.all()
        ),
        "history": [
            (c.from_status, c.to_status, c.effective_on, c.reason)
            for c in OcgStatusChange.objects.filter(ocg=ocg).order_by("id")
        ],
        "audit": _audit(ocg),
    }


def twins(north, status: str = OcgStatus.NOMINATED, **fields: Any) -> tuple[OCG, OCG]:
    """Two OCGs alike in everything but their id: one for the page, one for the API."""
    shared = [make_nominal() for _ in range(2)]
    made = []
    for _ in range(2):
        ocg = make_ocg(division=north, status=status, name="Twin Crew", members=0, **fields)
        for nominal, role in zip(shared, ("principal", "member"), strict=True):
            Membership.objects.create(ocg=ocg, nominal=nominal, role=role, from_date=today())
        made.append(ocg)
    return made[0], made[1]


def refused_on_page(response) -> list[str]:
    """The messages a refused page shows: flashed, or on its form."""
    messages = [str(m) for m in response.context["messages"]] if response.context else []
    form = response.context.get("form") if response.context else None
    if form is not None:
        messages += [e for errors in form.errors.values() for e in errors]
    return messages


# --- lifecycle moves ------------------------------------------------------------------------------


def test_nominating_on_the_page_and_through_the_api_writes_the_same_group(coordinator, north):
    a, b = make_nominal(), make_nominal()
    response = web(coordinator).post(
        "/ocgs/new/",
        {
            "name": "Twin Crew",
            "criminality": ["drug_supply", "fraud"],
            "division": north.pk,
            "summary": "Fictional",
            "member_nominal": [a.pk, b.pk],
            "member_role": ["principal", "member"],
        },
    )
    assert response.status_code == 302
    by_page = OCG.objects.get(name="Twin Crew")
    by_page.name = "Twin Crew (page)"
    by_page.save(update_fields=["name"])
    created = api(coordinator).post(
        "/api/ocgs/",
        {
            "name": "Twin Crew",
            "criminality": ["drug_supply", "fraud"],
            "division": north.pk,
            "summary": "Fictional",
            "members": [
                {"nominal": a.pk, "role": "principal"},
                {"nominal": b.pk, "role": "member"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    by_api = OCG.objects.get(pk=created.json()["id"])
    page_state, api_state = snapshot(by_page), snapshot(by_api)
    page_state.pop("name"), api_state.pop("name")
    assert page_state == api_state
    assert api_state["status"] == OcgStatus.NOMINATED and len(api_state["members"]) == 2


def test_a_nomination_refused_says_the_same_on_the_page_and_in_the_api(coordinator, north):
    solo = make_nominal()
    response = web(coordinator).post(
        "/ocgs/new/",
        {
            "name": "Solo",
            "criminality": ["fraud"],
            "division": north.pk,
            "member_nominal": [solo.pk],
            "member_role": ["principal"],
        },
    )
    refused = api(coordinator).post(
        "/api/ocgs/",
        {
            "name": "Solo",
            "criminality": ["fraud"],
            "division": north.pk,
            "members": [{"nominal": solo.pk, "role": "principal"}],
        },
        format="json",
    )
    assert response.status_code == 400 and refused.status_code == 400
    assert response.context["form"].errors["members"] == refused.json()["members"]
    assert not OCG.objects.exists()


@pytest.mark.parametrize(
    "status,page_url,api_url,body,actor",
    [
        (OcgStatus.NOMINATED, "start-development/", "start-development/", {}, "coordinator"),
        (OcgStatus.IN_DEVELOPMENT, "submit/", "map/", {}, "researcher"),
        (OcgStatus.NOMINATED, "reject/", "reject/", {"reason": "Not a group"}, "coordinator"),
    ],
)
def test_a_move_on_the_page_and_through_the_api_writes_the_same(
    request, north, status, page_url, api_url, body, actor
):
    user = request.getfixturevalue(actor)
    on_page, on_api = twins(north, status=status)
    evidence_all(on_page), evidence_all(on_api)
    assert web(user).post(f"/ocgs/{on_page.pk}/{page_url}", body).status_code == 302
    response = api(user).post(f"/api/ocgs/{on_api.pk}/{api_url}", body, format="json")
    assert response.status_code == 200, response.json()
    assert snapshot(on_page) == snapshot(on_api)
    assert snapshot(on_api)["version"] > 1


def test_adding_a_member_moves_a_nomination_into_development_on_both_doors(researcher, north):
    on_page, on_api = twins(north)
    person = make_nominal()
    sent = {"nominal": person.pk, "role": "enabler", "from_date": today().isoformat()}
    assert web(researcher).post(f"/ocgs/{on_page.pk}/members/", sent).status_code == 302
    assert api(researcher).post(f"/api/ocgs/{on_api.pk}/members/", sent).status_code == 201
    assert snapshot(on_page) == snapshot(on_api)
    assert snapshot(on_api)["status"] == OcgStatus.IN_DEVELOPMENT


def test_approving_returning_adopting_and_closing_write_the_same(supervisor, lro, force, north):
    on_page, on_api = twins(north, status=OcgStatus.IN_DEVELOPMENT)
    for ocg in (on_page, on_api):
        evidence_all(ocg)
        ocg.mapping_submitted_at = datetime.datetime.now(datetime.UTC)
        ocg.save(update_fields=["mapping_submitted_at"])
    boss_page, boss_api = web(supervisor), api(supervisor)

    assert boss_page.post(f"/ocgs/{on_page.pk}/return/", {"reason": "More"}).status_code == 302
    assert boss_api.post(f"/api/ocgs/{on_api.pk}/return/", {"reason": "More"}).status_code == 200
    assert snapshot(on_page) == snapshot(on_api)

    for ocg in (on_page, on_api):
        OCG.objects.filter(pk=ocg.pk).update(
            mapping_submitted_at=datetime.datetime.now(datetime.UTC)
        )
    assert boss_page.post(f"/ocgs/{on_page.pk}/approve/").status_code == 302
    assert boss_api.post(f"/api/ocgs/{on_api.pk}/approve-mapping/").status_code == 200
    assert snapshot(on_page) == snapshot(on_api)

    adopt = {"managing_team": force["teams"]["north_local"].pk, "lead_responsible_officer": lro.pk}
    assert boss_page.post(f"/ocgs/{on_page.pk}/adopt/", adopt).status_code == 302
    assert boss_api.post(f"/api/ocgs/{on_api.pk}/adopt/", adopt).status_code == 200
    assert snapshot(on_page) == snapshot(on_api)

    close = {"status": "dismantled", "date": today().isoformat(), "reason": "All charged"}
    assert boss_page.post(f"/ocgs/{on_page.pk}/close/", close).status_code == 302
    assert boss_api.post(f"/api/ocgs/{on_api.pk}/close/", close).status_code == 200
    assert snapshot(on_page) == snapshot(on_api)
    assert snapshot(on_api)["status"] == OcgStatus.DISMANTLED


def test_a_refused_move_says_the_same_on_the_page_and_in_the_api(researcher, north):
    on_page, on_api = twins(north, status=OcgStatus.IN_DEVELOPMENT)
    response = web(researcher).post(f"/ocgs/{on_page.pk}/submit/", follow=True)
    refused = api(researcher).post(f"/api/ocgs/{on_api.pk}/map/")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"] == refused_on_page(response)
    assert snapshot(on_page) == snapshot(on_api)
    assert snapshot(on_api)["version"] == 1


def test_an_adoption_refused_says_the_same_on_the_page_and_in_the_api(
    supervisor, lro, force, north
):
    on_page, on_api = twins(north, status=OcgStatus.MAPPED)
    # A line-gang team may not manage OCGs: the service's rule, in the same words on both doors.
    sent = {"managing_team": force["teams"]["clgt_north"].pk, "lead_responsible_officer": lro.pk}
    response = web(supervisor).post(f"/ocgs/{on_page.pk}/adopt/", sent)
    refused = api(supervisor).post(f"/api/ocgs/{on_api.pk}/adopt/", sent, format="json")
    assert response.status_code == 400 and refused.status_code == 400
    assert response.context["form"].errors["managing_team"] == refused.json()["managing_team"]
    assert snapshot(on_page) == snapshot(on_api)
    assert snapshot(on_api)["status"] == OcgStatus.MAPPED


# --- edits ----------------------------------------------------------------------------------------


def test_editing_on_the_page_and_through_the_api_writes_the_same(coordinator, force, north):
    on_page, on_api = twins(north)
    east = force["divisions"]["east"].pk
    response = web(coordinator).post(
        f"/ocgs/{on_page.pk}/edit/",
        {
            "name": "Twin Crew",
            "criminality": ["fraud"],
            "division": east,
            "summary": "Moved east",
            "version": 1,
        },
    )
    assert response.status_code == 302
    changed = api(coordinator).patch(
        f"/api/ocgs/{on_api.pk}/",
        {
            "name": "Twin Crew",
            "criminality": ["fraud"],
            "division": east,
            "summary": "Moved east",
            "version": 1,
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert snapshot(on_page) == snapshot(on_api)
    assert snapshot(on_api)["division_id"] == east


def test_a_stale_edit_is_refused_with_the_same_message(coordinator, north):
    on_page, on_api = twins(north)
    OCG.objects.filter(pk__in=[on_page.pk, on_api.pk]).update(version=2)
    sent = {"name": "Late", "criminality": ["fraud"], "division": north.pk, "version": 1}
    response = web(coordinator).post(f"/ocgs/{on_page.pk}/edit/", {**sent, "summary": ""})
    refused = api(coordinator).patch(f"/api/ocgs/{on_api.pk}/", sent, format="json")
    assert response.status_code == 400 and refused.status_code == 400
    assert response.context["form"].non_field_errors() == refused.json()["version"]


def test_the_4p_plan_on_the_page_and_through_the_api_writes_the_same(supervisor, lro, force, north):
    team = force["teams"]["north_local"]
    on_page, on_api = twins(
        north, status=OcgStatus.ADOPTED, managing_team=team, lead_responsible_officer=lro
    )
    action = {
        "strand": "pursue",
        "description": "Warrant",
        "owner": lro.pk,
        "due_on": (today() + datetime.timedelta(days=7)).isoformat(),
        "status": "open",
    }
    assert web(lro).post(f"/ocgs/{on_page.pk}/plan/", action).status_code == 302
    assert api(lro).post(f"/api/ocgs/{on_api.pk}/plan/", action).status_code == 201
    page_action = PlanAction.objects.get(ocg=on_page)
    api_action = PlanAction.objects.get(ocg=on_api)
    moved = {"status": "in_progress", "version": 1}
    assert web(lro).post(f"/ocgs/{on_page.pk}/plan/{page_action.pk}/", moved).status_code == 302
    assert (
        api(lro)
        .patch(f"/api/ocgs/{on_api.pk}/plan/{api_action.pk}/", moved, format="json")
        .status_code
        == 200
    )
    fields = ("strand", "description", "owner_id", "due_on", "status", "version")
    page_action.refresh_from_db(), api_action.refresh_from_db()
    assert [getattr(page_action, f) for f in fields] == [getattr(api_action, f) for f in fields]
    assert _audit(page_action) == _audit(api_action)
    assert api_action.status == "in_progress" and api_action.version == 2


# --- people ---------------------------------------------------------------------------------------


def test_recording_and_changing_a_person_on_the_page_and_through_the_api_match(coordinator):
    person = {"first_name": "Kit", "last_name": "Twin", "date_of_birth": "1990-05-05"}
    assert (
        web(coordinator)
        .post("/nominals/new/", {**person, "aliases": "", "custody_status": "at_liberty"})
        .status_code
        == 302
    )
    created = api(coordinator).post("/api/nominals/", person, format="json")
    assert created.status_code == 201, created.json()
    by_page, by_api = Nominal.objects.filter(last_name="Twin").order_by("id")
    # The API answers with the person the page recorded first as a likely duplicate.
    assert [d["id"] for d in created.json()["possible_duplicates"]] == [by_page.pk]

    change = {"aliases": "Kitty", "custody_status": "in_prison", "version": 1}
    assert (
        web(coordinator).post(f"/nominals/{by_page.pk}/edit/", {**person, **change}).status_code
        == 302
    )
    assert (
        api(coordinator).patch(f"/api/nominals/{by_api.pk}/", change, format="json").status_code
        == 200
    )
    fields = ("first_name", "last_name", "aliases", "date_of_birth", "custody_status", "version")
    by_page.refresh_from_db(), by_api.refresh_from_db()
    assert [getattr(by_page, f) for f in fields] == [getattr(by_api, f) for f in fields]
    page_trail, api_trail = _audit(by_page), _audit(by_api)
    assert [a for a, _, _ in page_trail] == [a for a, _, _ in api_trail] == ["create", "update"]
    assert page_trail[1] == api_trail[1] == ("update", ["aliases", "custody_status"], "")
