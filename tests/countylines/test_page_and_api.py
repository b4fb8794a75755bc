"""Every change the county-line API makes, the pages make the same way: the same change is driven
through a page on one line and through the API on its twin, and the two lines (fields, version,
deal lines, nominals, history, flexes, audit trail, stale score) must come out the same. A
refusal must say the same thing on both."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from countylines.models import CountyLine, LineNominal, PersonAtRisk, SafeguardingReferral
from countylines.services.lifecycle import MOVES, line_flex, may
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from tests import clients
from tests.factories import UserFactory, evidence_all, make_line, make_nominal, make_person

TODAY = datetime.date.today


def _audit(object_type: str, pk: int) -> list[tuple[str, Any, str]]:
    events = AuditEvent.objects.filter(
        object_type=object_type,
        object_id=str(pk),
        action__in=[AuditAction.CREATE, AuditAction.UPDATE],
    ).order_by("id")
    return [(e.action, e.changes, e.reason) for e in events]


def line_state(line: CountyLine) -> dict[str, Any]:
    line = CountyLine.objects.get(pk=line.pk)
    fields = (
        "name",
        "exporting_area",
        "status",
        "division_id",
        "ocg_id",
        "handsets_seized",
        "review_date",
        "activated_on",
        "closed_on",
        "closure_reason",
        "flexed_division_id",
        "flex_reason",
        "flexed_on",
        "version",
    )
    return {
        **{field: getattr(line, field) for field in fields},
        "stale": line.score_stale_since is not None,
        "districts": list(line.line_districts.values_list("district_id", "is_primary")),
        "deal_lines": sorted(line.deal_lines.values_list("number", "active_from", "active_to")),
        "nominals": sorted(line.line_nominals.values_list("nominal_id", "role")),
        "history": list(
            line.status_changes.values_list("from_status", "to_status", "effective_on", "reason")
        ),
        "flexes": list(
            line.flex_periods.values_list("division_id", "reason", "started_on", "ended_on")
        ),
        "audit": _audit("countylines.countyline", line.pk),
    }


@dataclass
class Change:
    user: str
    page: Callable[[Client, CountyLine, dict], Any]
    api: Callable[[APIClient, CountyLine, dict], Any]
    prepare: Callable[[CountyLine, dict], None] | None = None


def _remove_link(line: CountyLine) -> int:
    return LineNominal.objects.get(county_line=line).pk


def _flexed(line: CountyLine, w: dict) -> None:
    line_flex(actor=w["supervisor"], line=line, division=w["east"], reason="Worked by East")


CHANGES: dict[str, Change] = {
    "edit the details": Change(
        "clgt_officer",
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/edit/",
            {
                "version": line.version,
                "name": "BLAZE II",
                "exporting_area": "Brent",
                "primary_district": w["maidstone"].pk,
                "handsets_seized": 2,
            },
        ),
        api=lambda c, line, w: c.patch(
            f"/api/county-lines/{line.pk}/",
            {
                "version": line.version,
                "name": "BLAZE II",
                "exporting_area": "Brent",
                "importing_districts": [w["maidstone"].pk],
                "handsets_seized": 2,
            },
            format="json",
        ),
    ),
    "add a deal line": Change(
        "clgt_officer",
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/deal-lines/", {"number": "+44 7700 900777"}
        ),
        api=lambda c, line, w: c.post(
            f"/api/county-lines/{line.pk}/deal-lines/",
            {"number": "+44 7700 900777"},
            format="json",
        ),
    ),
    "link a nominal": Change(
        "clgt_officer",
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/nominals/", {"nominal": w["nominal"].pk, "role": "runner"}
        ),
        api=lambda c, line, w: c.post(
            f"/api/county-lines/{line.pk}/nominals/",
            {"nominal": w["nominal"].pk, "role": "runner"},
            format="json",
        ),
    ),
    "unlink a nominal": Change(
        "clgt_officer",
        prepare=lambda line, w: LineNominal.objects.create(
            county_line=line, nominal=w["nominal"], role="runner"
        ),
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/nominals/{_remove_link(line)}/remove/"
        ),
        api=lambda c, line, w: c.delete(
            f"/api/county-lines/{line.pk}/nominals/{_remove_link(line)}/"
        ),
    ),
    "put it on the matrix": Change(
        "supervisor",
        prepare=lambda line, w: evidence_all(line, by=w["evidence_officer"]),
        page=lambda c, line, w: c.post(f"/county-lines/{line.pk}/activate/"),
        api=lambda c, line, w: c.post(f"/api/county-lines/{line.pk}/activate/"),
    ),
    "dismantle it": Change(
        "clgt_officer",
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/dismantle/",
            {"dismantle-date": w["day"].isoformat(), "dismantle-reason": " Holder charged "},
        ),
        api=lambda c, line, w: c.post(
            f"/api/county-lines/{line.pk}/dismantle/",
            {"date": w["day"].isoformat(), "reason": " Holder charged "},
            format="json",
        ),
    ),
    "reject the nomination": Change(
        "supervisor",
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/reject/", {"reject-reason": "Not a county line"}
        ),
        api=lambda c, line, w: c.post(
            f"/api/county-lines/{line.pk}/reject/", {"reason": "Not a county line"}, format="json"
        ),
    ),
    "flex it": Change(
        "supervisor",
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/flex/",
            {"flex-division": w["east"].pk, "flex-reason": "Cross-border supply"},
        ),
        api=lambda c, line, w: c.post(
            f"/api/county-lines/{line.pk}/flex/",
            {"division": "EAST", "reason": "Cross-border supply"},
            format="json",
        ),
    ),
    "end its flex": Change(
        "supervisor",
        prepare=_flexed,
        page=lambda c, line, w: c.post(
            f"/county-lines/{line.pk}/flex/", {"flex-division": "", "flex-reason": ""}
        ),
        api=lambda c, line, w: c.post(
            f"/api/county-lines/{line.pk}/flex/", {"division": None}, format="json"
        ),
    ),
}


@pytest.fixture
def world(force, supervisor):
    d = force["districts"]
    twins = [
        make_line(districts=[d["medway"], d["dartford"]], name="BLAZE", numbers=["07700900123"])
        for _ in range(2)
    ]
    return {
        "twins": twins,
        "maidstone": d["maidstone"],
        "east": force["divisions"]["east"],
        "nominal": make_nominal("Casey", "Inventedname"),
        "supervisor": supervisor,
        "evidence_officer": UserFactory(username="parity-evidence"),
        "day": twins[0].nominated_on + datetime.timedelta(days=20),
    }


@pytest.mark.parametrize("name", list(CHANGES))
def test_page_and_api_make_the_same_change(request, world, name):
    change = CHANGES[name]
    user = request.getfixturevalue(change.user)
    on_page, on_api = world["twins"]
    if change.prepare:
        change.prepare(on_page, world)
        change.prepare(on_api, world)
    assert line_state(on_page) == line_state(on_api)
    before = line_state(on_page)

    page = change.page(clients.web(user), on_page, world)
    assert page.status_code == 302, page.content.decode()[:2000]
    api = change.api(clients.api(user), on_api, world)
    assert api.status_code in (200, 201, 204), api.content

    after = line_state(on_page)
    assert after != before, "the change changed nothing"
    assert after == line_state(on_api)


REFUSALS = {
    # name: (user, page path, page data, api path, api data, api field)
    "on the matrix without evidence": (
        "supervisor",
        "activate/",
        {},
        "activate/",
        {},
        "non_field_errors",
    ),
    "rejected without a reason": (
        "supervisor",
        "reject/",
        {"reject-reason": "  "},
        "reject/",
        {"reason": "  "},
        "reason",
    ),
    "flexed without a reason": (
        "supervisor",
        "flex/",
        {"flex-division": "EAST_PK", "flex-reason": ""},
        "flex/",
        {"division": "EAST", "reason": ""},
        "reason",
    ),
    "dismantled before it was nominated": (
        "clgt_officer",
        "dismantle/",
        {"dismantle-date": "2001-01-01", "dismantle-reason": "Charged"},
        "dismantle/",
        {"date": "2001-01-01", "reason": "Charged"},
        "date",
    ),
    "a number that is no mobile": (
        "clgt_officer",
        "deal-lines/",
        {"number": "01632 960000"},
        "deal-lines/",
        {"number": "01632 960000"},
        "number",
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_refusal_says_the_same_on_both_and_saves_nothing(request, world, name):
    role, page_path, page_data, api_path, api_data, field = REFUSALS[name]
    user = request.getfixturevalue(role)
    on_page, on_api = world["twins"]
    page_data = {k: world["east"].pk if v == "EAST_PK" else v for k, v in page_data.items()}
    before = line_state(on_page)

    api = clients.api(user).post(
        f"/api/county-lines/{on_api.pk}/{api_path}", api_data, format="json"
    )
    assert api.status_code == 400, api.content
    (message,) = api.json()[field]
    message = message.replace(on_api.reference, on_page.reference)
    page = clients.web(user).post(f"/county-lines/{on_page.pk}/{page_path}", page_data)
    assert page.status_code == 400
    assert escape(message) in page.content.decode()

    assert line_state(on_page) == line_state(on_api) == before


# --- safeguarding: people at risk and referrals -------------------------------------------------


def person_state(person: PersonAtRisk) -> dict[str, Any]:
    person = PersonAtRisk.objects.get(pk=person.pk)
    fields = ("name", "kind", "age_band", "setting", "engagement_status", "notes", "review_date")
    referrals = SafeguardingReferral.objects.filter(person=person).order_by("id")
    return {
        **{field: getattr(person, field) for field in fields},
        "version": person.version,
        "audit": _audit("countylines.personatrisk", person.pk),
        "referrals": [
            (
                r.agency,
                r.partner_name,
                r.referred_on,
                r.outcome,
                r.outcome_on,
                [
                    (a, {k: v for k, v in c.items() if k != "person"}, why)
                    for a, c, why in _audit("countylines.safeguardingreferral", r.pk)
                ],
            )
            for r in referrals
        ],
    }


def _without_line(state: dict[str, Any]) -> dict[str, Any]:
    audit = [
        (a, {k: v for k, v in c.items() if k != "county_line"}, why) for a, c, why in state["audit"]
    ]
    return {**state, "audit": audit}


def test_recording_a_person_at_risk_is_the_same_on_both(world, clio):
    on_page, on_api = world["twins"]
    values = {
        "name": "Sam Example",
        "kind": "child",
        "age_band": "15_17",
        "setting": "Fictional Academy",
        "engagement_status": "not_yet_contacted",
        "notes": "Seen at the station",
    }
    page = clients.web(clio).post(
        f"/county-lines/{on_page.pk}/safeguarding/", {**values, "review_date": ""}
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    api = clients.api(clio).post(
        "/api/people-at-risk/", {**values, "county_line": on_api.pk}, format="json"
    )
    assert api.status_code == 201, api.content
    page_person = PersonAtRisk.objects.get(county_line=on_page)
    api_person = PersonAtRisk.objects.get(county_line=on_api)
    assert _without_line(person_state(page_person)) == _without_line(person_state(api_person))


def test_person_edits_and_referrals_are_the_same_on_both(world, clio):
    on_page, on_api = world["twins"]
    page_person, api_person = (
        make_person(line, name="Sam Example", kind="child", age_band="15_17")
        for line in (on_page, on_api)
    )
    web, api = clients.web(clio), clients.api(clio)
    edit = {
        "name": "Sam Example",
        "kind": "child",
        "age_band": "12_14",
        "setting": "",
        "engagement_status": "engaging",
        "notes": "Moved school",
    }
    assert (
        web.post(
            f"/county-lines/people-at-risk/{page_person.pk}/edit/",
            {**edit, "version": 1, "review_date": ""},
        ).status_code
        == 302
    )
    assert (
        api.patch(
            f"/api/people-at-risk/{api_person.pk}/", {**edit, "version": 1}, format="json"
        ).status_code
        == 200
    )

    referred = (TODAY() - datetime.timedelta(days=3)).isoformat()
    referral = {
        "agency": "partner",
        "partner_name": "Fictional Youth Trust",
        "referred_on": referred,
    }
    assert (
        web.post(
            f"/county-lines/people-at-risk/{page_person.pk}/referrals/",
            {**referral, "outcome": "", "outcome_on": ""},
        ).status_code
        == 302
    )
    assert (
        api.post(
            f"/api/people-at-risk/{api_person.pk}/referrals/", referral, format="json"
        ).status_code
        == 201
    )

    outcome = {"outcome": "Mentor assigned", "outcome_on": TODAY().isoformat()}
    page_referral = SafeguardingReferral.objects.get(person=page_person)
    api_referral = SafeguardingReferral.objects.get(person=api_person)
    assert (
        web.post(f"/county-lines/referrals/{page_referral.pk}/outcome/", outcome).status_code == 302
    )
    assert (
        api.patch(
            f"/api/safeguarding-referrals/{api_referral.pk}/", outcome, format="json"
        ).status_code
        == 200
    )

    assert person_state(page_person) == person_state(api_person)
    assert person_state(page_person)["version"] == 2


# --- the lifecycle table decides what the page offers and what the services accept ---------------


@pytest.mark.parametrize("status", ["nominated", "active", "dismantled", "rejected"])
@pytest.mark.parametrize("role", ["supervisor", "clgt_officer", "analyst"])
def test_the_page_offers_exactly_the_moves_the_services_accept(request, force, status, role):
    user = request.getfixturevalue(role)
    line = make_line(districts=[force["districts"]["medway"]], status=status)
    page = clients.web(user).get(f"/county-lines/{line.pk}/").content.decode()
    for move in MOVES:
        rule = MOVES[move]
        allowed = user.has_perm(rule.perm) and status in rule.sources
        assert may(user, line, move) is allowed, (move, status, role)
        assert (f"/county-lines/{line.pk}/{move}/" in page) is allowed, (move, status, role)
