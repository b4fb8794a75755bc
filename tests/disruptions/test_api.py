"""/api/disruptions/: the journey, bad input as 400 with field
messages (nothing saved), approval of one's own refused, and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from tests.clients import api
from tests.factories import make_disruption, make_sentence

pytestmark = pytest.mark.django_db

LIST = "/api/disruptions/"


def payload(line, **overrides):
    data = {
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
        "warrant_power": "s32",
        "charges": 3,
        "cash_seized": "250.00",
        "weapons": [{"kind": "bladed", "count": 2}],
        "drugs": [
            {
                "drug_class": "A",
                "drug": "heroin",
                "amount": "5",
                "unit": "g",
                "estimated_value": "400",
            }
        ],
    }
    data.update(overrides)
    return data


def test_create_submit_approve_over_the_api(clgt_officer, supervisor, line):
    response = api(clgt_officer).post(LIST, payload(line), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["warrant_power"] == "s32"
    assert body["county_lines"] == [line.pk] and body["weapons"] == [{"kind": "bladed", "count": 2}]
    pk = body["id"]
    response = api(clgt_officer).post(f"{LIST}{pk}/submit/", {}, format="json")
    assert response.json()["status"] == "submitted"
    response = api(supervisor).post(f"{LIST}{pk}/approve/", {}, format="json")
    assert response.status_code == 200
    assert Disruption.objects.get(pk=pk).status == DisruptionStatus.APPROVED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"arrests": -1}, "arrests", "cannot be negative"),
        ({"charges": -3}, "charges", "cannot be negative"),
        ({"cash_seized": "-5.00"}, "cash_seized", "cannot be negative"),
        (
            {"drugs": [{"drug": "cannabis", "amount": "3", "unit": "g"}]},
            "drugs",
            "choose the drug class",
        ),
        ({"impact_rationale": "  "}, "impact_rationale", "it is required"),
        ({"impact_rationale": None}, "impact_rationale", ""),
        (
            {"date": lambda: (today() + datetime.timedelta(days=1)).isoformat()},
            "date",
            "cannot be in the future",
        ),
        ({"date": "2022-02-30"}, "date", ""),
        ({"arrests": "two"}, "arrests", ""),
    ],
)
def test_bad_input_is_400_with_field_messages_and_nothing_saved(
    clgt_officer, line, overrides, field, message
):
    # A date is passed as the function that works it out, called now, not at collection.
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    data = payload(line, **overrides)
    if overrides.get("impact_rationale", "") is None:
        del data["impact_rationale"]
    response = api(clgt_officer).post(LIST, data, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Disruption.objects.exists()
    assert not AuditEvent.objects.filter(object_type="disruptions.disruption").exists()


def test_a_supervisor_cannot_approve_their_own_over_the_api(supervisor, line):
    response = api(supervisor).post(LIST, payload(line), format="json")
    pk = response.json()["id"]
    api(supervisor).post(f"{LIST}{pk}/submit/", {}, format="json")
    response = api(supervisor).post(f"{LIST}{pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert "another supervisor" in response.json()["detail"]
    assert Disruption.objects.get(pk=pk).status == DisruptionStatus.SUBMITTED


def test_return_needs_a_reason(clgt_officer, supervisor, line):
    pk = api(clgt_officer).post(LIST, payload(line), format="json").json()["id"]
    api(clgt_officer).post(f"{LIST}{pk}/submit/", {}, format="json")
    response = api(supervisor).post(f"{LIST}{pk}/return/", {"reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api(supervisor).post(f"{LIST}{pk}/return/", {"reason": "Add times."}, format="json")
    assert response.json()["return_reason"] == "Add times."


def test_api_needs_a_role(outsider, analyst, line):
    assert api(outsider).get(LIST).status_code == 403
    # Analysts read but never log.
    assert api(analyst).get(LIST).status_code == 200
    assert api(analyst).post(LIST, payload(line), format="json").status_code == 403
    assert not Disruption.objects.exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_are_constant(clgt_officer, supervisor, force, line, nominal):
    team = force["teams"]["clgt_north"]
    client = api(supervisor)

    def add():
        d = make_disruption(
            author=clgt_officer,
            team=team,
            approver=supervisor,
            lines=[line],
            nominals=[nominal],
            weapons=1,
        )
        make_sentence(d, nominal, 1, 1, clgt_officer)

    add()
    _count(client, LIST)  # warm the user's permission cache
    one = _count(client, LIST)
    for _ in range(8):
        add()
    assert _count(client, LIST) == one
