"""Every change the API makes to a disruption, an operation or a court result, the page makes
through the same service: each test drives both doors for the same change, on twin records, and
compares what was stored, what the API then shows and what the audit trail says."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disruptions.choices import DisruptionStatus
from disruptions.models import CourtResult, Disruption, Operation
from disruptions.services import disruptions as disruption_services
from kentsoc.audit.models import AuditEvent
from tests.clients import api
from tests.factories import make_disruption

pytestmark = pytest.mark.django_db

LIST = "/api/disruptions/"
# What differs between two twins by nature, not by the door that made them.
OWN = {"id", "reference", "submitted_at", "approved_at", "returned_at"}


def _form(line, officer, *, submit: bool) -> dict:
    data = {
        "date": "2022-06-15",
        "county_lines": [line.pk],
        "team": officer.officer.team_id,
        "officer": officer.pk,
        "strand": "pursue",
        "tactic": "warrant",
        "narrative": "Warrant at a trap house.",
        "impact_grade": "major",
        "impact_rationale": "Line holder remanded.",
        "arrests": "2",
        "prisoners_dealt_with": "2",
        "warrants_executed": "1",
        "warrant_power": "s18",
        "charges": "3",
        "cash_seized": "250.00",
        "weapons-TOTAL_FORMS": "1",
        "weapons-INITIAL_FORMS": "0",
        "weapons-0-kind": "bladed",
        "weapons-0-count": "2",
        "drugs-TOTAL_FORMS": "1",
        "drugs-INITIAL_FORMS": "0",
        "drugs-0-drug_class": "A",
        "drugs-0-drug": "crack cocaine",
        "drugs-0-amount": "12",
        "drugs-0-unit": "g",
        "drugs-0-estimated_value": "1200",
    }
    data["submit" if submit else "save"] = "1"
    return data


def _json(line) -> dict:
    return {
        "date": "2022-06-15",
        "county_lines": [line.pk],
        "strand": "pursue",
        "tactic": "warrant",
        "narrative": "Warrant at a trap house.",
        "impact_grade": "major",
        "impact_rationale": "Line holder remanded.",
        "arrests": 2,
        "prisoners_dealt_with": 2,
        "warrants_executed": 1,
        "warrant_power": "s18",
        "charges": 3,
        "cash_seized": "250.00",
        "weapons": [{"kind": "bladed", "count": 2}],
        "drugs": [
            {
                "drug_class": "A",
                "drug": "crack cocaine",
                "amount": "12",
                "unit": "g",
                "estimated_value": "1200",
            }
        ],
    }


def _page(client, user):
    client.force_login(user)
    return client


def _shown(reader, pk: int) -> dict:
    """The record as the API shows it, less what is each twin's own."""
    body = api(reader).get(f"{LIST}{pk}/").json()
    return {k: v for k, v in body.items() if k not in OWN}


def _trail(pk: int) -> list[tuple[str, object]]:
    """The audit trail of one record: each write's action and what it changed, less the moments
    (reads left out; a creation by the fields it set)."""
    events = AuditEvent.objects.filter(
        object_type="disruptions.disruption", object_id=str(pk), action__in=["create", "update"]
    ).order_by("id")
    return [
        (
            e.action,
            {k: v for k, v in e.changes.items() if not k.endswith("_at")}
            if e.action == "update"
            else sorted(e.changes),
        )
        for e in events
    ]


def _same(supervisor, page_pk: int, api_pk: int) -> None:
    assert _shown(supervisor, page_pk) == _shown(supervisor, api_pk)
    assert _trail(page_pk) == _trail(api_pk)


@pytest.mark.parametrize("submit", [False, True])
def test_log_and_save_and_submit(client, clgt_officer, supervisor, line, submit):
    response = _page(client, clgt_officer).post(
        reverse("disruptions:create"), _form(line, clgt_officer, submit=submit)
    )
    assert response.status_code == 302
    by_page = Disruption.objects.get()
    created = api(clgt_officer).post(LIST, _json(line), format="json")
    assert created.status_code == 201, created.json()
    api_pk = created.json()["id"]
    if submit:
        done = api(clgt_officer).post(f"{LIST}{api_pk}/submit/", {}, format="json")
        assert done.status_code == 200
    expected = DisruptionStatus.SUBMITTED if submit else DisruptionStatus.DRAFT
    assert Disruption.objects.get(pk=by_page.pk).status == expected
    _same(supervisor, by_page.pk, api_pk)


def test_save_and_submit_is_one_transaction(client, clgt_officer, line):
    """A refused submission leaves no draft behind: the page's button is one service call."""
    refused = ValidationError({"status": "Refused for the test."})
    with mock.patch.object(disruption_services, "_submit", side_effect=refused):
        response = _page(client, clgt_officer).post(
            reverse("disruptions:create"), _form(line, clgt_officer, submit=True)
        )
    assert response.status_code == 200
    assert "Refused for the test." in response.content.decode()
    assert not Disruption.objects.exists()
    assert not AuditEvent.objects.filter(object_type="disruptions.disruption").exists()


def _twins(clgt_officer, line, *, submitted: bool = False) -> tuple[Disruption, Disruption]:
    pair = []
    for _ in range(2):
        pk = api(clgt_officer).post(LIST, _json(line), format="json").json()["id"]
        if submitted:
            api(clgt_officer).post(f"{LIST}{pk}/submit/", {}, format="json")
        pair.append(Disruption.objects.get(pk=pk))
    return pair[0], pair[1]


@pytest.mark.parametrize("submit", [False, True])
def test_change_and_change_and_submit(client, clgt_officer, supervisor, line, submit):
    by_page, by_api = _twins(clgt_officer, line)
    form = _form(line, clgt_officer, submit=submit)
    form.update(arrests="4", narrative="Second warrant the next day.", version=by_page.version)
    response = _page(client, clgt_officer).post(
        reverse("disruptions:edit", args=[by_page.pk]), form
    )
    assert response.status_code == 302
    changed = api(clgt_officer).patch(
        f"{LIST}{by_api.pk}/",
        {"arrests": 4, "narrative": "Second warrant the next day.", "version": by_api.version},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    if submit:
        api(clgt_officer).post(f"{LIST}{by_api.pk}/submit/", {}, format="json")
    by_page.refresh_from_db()
    assert by_page.arrests == 4
    assert by_page.status == (DisruptionStatus.SUBMITTED if submit else DisruptionStatus.DRAFT)
    assert _shown(supervisor, by_page.pk) == _shown(supervisor, by_api.pk)
    # The page sends the whole form, the API only what changed: the stored changes agree.
    page_changes = [a for a, _ in _trail(by_page.pk)]
    assert page_changes == [a for a, _ in _trail(by_api.pk)]


def test_submit(client, clgt_officer, supervisor, line):
    by_page, by_api = _twins(clgt_officer, line)
    response = _page(client, clgt_officer).post(
        reverse("disruptions:submit", args=[by_page.pk]), {"version": by_page.version}
    )
    assert response.status_code == 302
    done = api(clgt_officer).post(
        f"{LIST}{by_api.pk}/submit/", {"version": by_api.version}, format="json"
    )
    assert done.status_code == 200
    _same(supervisor, by_page.pk, by_api.pk)
    assert Disruption.objects.get(pk=by_page.pk).status == DisruptionStatus.SUBMITTED


def test_approve(client, clgt_officer, supervisor, line):
    by_page, by_api = _twins(clgt_officer, line, submitted=True)
    _page(client, supervisor).post(
        reverse("disruptions:approve", args=[by_page.pk]), {"version": by_page.version}
    )
    done = api(supervisor).post(
        f"{LIST}{by_api.pk}/approve/", {"version": by_api.version}, format="json"
    )
    assert done.status_code == 200
    _same(supervisor, by_page.pk, by_api.pk)
    assert Disruption.objects.get(pk=by_page.pk).status == DisruptionStatus.APPROVED


def test_return(client, clgt_officer, supervisor, line):
    by_page, by_api = _twins(clgt_officer, line, submitted=True)
    page = _page(client, supervisor)
    blank = page.post(
        reverse("disruptions:return", args=[by_page.pk]), {"reason": " "}, HTTP_HX_REQUEST="true"
    )
    refused = api(supervisor).post(f"{LIST}{by_api.pk}/return/", {"reason": " "}, format="json")
    assert refused.status_code == 400
    assert refused.json()["reason"][0] in blank.content.decode()
    page.post(reverse("disruptions:return", args=[by_page.pk]), {"reason": "Add the times."})
    done = api(supervisor).post(
        f"{LIST}{by_api.pk}/return/", {"reason": "Add the times."}, format="json"
    )
    assert done.status_code == 200
    _same(supervisor, by_page.pk, by_api.pk)
    assert Disruption.objects.get(pk=by_page.pk).return_reason == "Add the times."


def test_a_stale_copy_is_refused_alike(client, clgt_officer, supervisor, line):
    by_page, by_api = _twins(clgt_officer, line, submitted=True)
    stale = by_page.version - 1
    _page(client, supervisor).post(
        reverse("disruptions:approve", args=[by_page.pk]), {"version": stale}
    )
    refused = api(supervisor).post(
        f"{LIST}{by_api.pk}/approve/", {"version": by_api.version - 1}, format="json"
    )
    assert refused.status_code == 400 and "version" in refused.json()
    page_message = [
        str(m) for m in client.get(reverse("disruptions:approvals")).context["messages"]
    ]
    assert refused.json()["version"] == page_message
    for d in (by_page, by_api):
        assert Disruption.objects.get(pk=d.pk).status == DisruptionStatus.SUBMITTED


def test_court_result(client, clgt_officer, supervisor, line, nominal, force):
    d = make_disruption(
        author=clgt_officer, team=force["teams"]["clgt_north"], approver=supervisor, lines=[line]
    )
    result = {
        "nominal": nominal.pk,
        "court": "Maidstone Crown Court",
        "offences": "PWITS class A",
        "outcome": "custodial",
        "sentence_years": 2,
        "sentence_months": 3,
        "result_date": "2022-09-01",
    }
    response = _page(client, clgt_officer).post(
        reverse("disruptions:court-result-create", args=[d.pk]), result
    )
    assert response.status_code == 302
    unnamed = {**result, "disruption": d.pk, "court": ""}
    refused = api(clgt_officer).post("/api/court-results/", unnamed)
    assert refused.status_code == 400 and "court" in refused.json()
    created = api(clgt_officer).post("/api/court-results/", {**result, "disruption": d.pk})
    assert created.status_code == 201, created.json()
    by_page, by_api = CourtResult.objects.order_by("id")
    own = {"id", "created_at"}
    page_shows, api_shows = (
        {
            k: v
            for k, v in api(supervisor).get(f"/api/court-results/{r.pk}/").json().items()
            if k not in own
        }
        for r in (by_page, by_api)
    )
    assert page_shows == api_shows and page_shows["sentence"] == "2yrs 3 months"
    assert page_shows["court"] == "Maidstone Crown Court"
    # The court's name shows on the disruption's page and in the court results list.
    for url in (reverse("disruptions:detail", args=[d.pk]), reverse("disruptions:court-results")):
        assert "Maidstone Crown Court" in _page(client, supervisor).get(url).content.decode()
    trails = [
        AuditEvent.objects.get(object_type="disruptions.courtresult", object_id=str(r.pk)).changes
        for r in (by_page, by_api)
    ]
    assert trails[0] == trails[1]


def test_operation_create_and_change(client, supervisor):
    page = _page(client, supervisor)
    fields = {"start_date": "2022-06-10", "end_date": "2022-06-20", "description": "Trap houses"}
    page.post(reverse("disruptions:operation-create"), {"name": "Op Ember", **fields})
    created = api(supervisor).post("/api/operations/", {"name": "Op Flint", **fields})
    assert created.status_code == 201, created.json()
    by_page, by_api = Operation.objects.get(name="Op Ember"), Operation.objects.get(name="Op Flint")
    change = {"end_date": "2022-06-30"}
    page.post(
        reverse("disruptions:operation-edit", args=[by_page.pk]),
        {"name": "Op Ember", **fields, **change, "version": by_page.version},
    )
    changed = api(supervisor).patch(
        f"/api/operations/{by_api.pk}/", {**change, "version": by_api.version}, format="json"
    )
    assert changed.status_code == 200, changed.json()

    def shown(op):
        body = api(supervisor).get(f"/api/operations/{op.pk}/").json()
        return {k: v for k, v in body.items() if k not in {"id", "name"}}

    assert shown(by_page) == shown(by_api)
    assert shown(by_page)["end_date"] == "2022-06-30" and shown(by_page)["version"] == 2

    def trail(op):
        events = AuditEvent.objects.filter(
            object_type="disruptions.operation", object_id=str(op.pk), action="update"
        )
        return [e.changes for e in events.order_by("id")]

    assert trail(by_page) == trail(by_api) == [{"end_date": ["2022-06-20", "2022-06-30"]}]
