import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kentsoc.audit.models import AuditEvent
from kentsoc.intel.models import IntelligenceRecord
from tests.factories import (
    CountyLineFactory,
    OcgFactory,
    OfficerFactory,
    RecordFactory,
    UserFactory,
)

URL = "/api/intelligence/"
RESPONSE_KEYS = {
    "id",
    "reference",
    "rms_reference",
    "information_date",
    "summary",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "handling_conditions_restricted",
    "ocgs",
    "county_lines",
    "nominals",
    "gangs",
    "factor_claims",
    "grading",
    "scorable",
    "deleted",
    "deleted_at",
    "deleted_reason",
    "version",
    "created_at",
    "owning_team",
}


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def line(force):
    return CountyLineFactory(division=force["divisions"]["north"])


def body(line, **overrides):
    data = {
        "rms_reference": "ATH/26/0042",
        "information_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "summary": "Fictional: runner seen at a Thanet address.",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": "Not for partner agencies",
        "ocgs": [],
        "county_lines": [line.pk],
        "nominals": [],
        "factor_claims": [{"factor": "line_activity", "level": 3}],
    }
    data.update(overrides)
    return data


def test_post_creates_and_returns_the_contract(analyst, line):
    response = client_for(analyst).post(URL, body(line), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == RESPONSE_KEYS
    assert data["reference"].startswith("INT-") and data["grading"] == "2BC"
    assert data["scorable"] is True and data["deleted"] is False and data["version"] == 1
    assert data["county_lines"] == [line.pk]
    assert data["factor_claims"] == [{"factor": "line_activity", "level": 3}]
    assert data["handling_conditions"] == "Not for partner agencies"
    assert data["owning_team"] == analyst.officer.team_id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"handling_conditions": ""}, "handling_conditions"),
        ({"source_evaluation": "9"}, "source_evaluation"),
        ({"factor_claims": [{"factor": "line_activity", "level": 7}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "runners", "level": 1}]}, "factor_claims"),
        ({"factor_claims": [{"level": 1}]}, "factor_claims"),
        ({"county_lines": []}, "ocgs"),
        ({"county_lines": ["abc"]}, "county_lines"),
        ({"information_date": "2999-01-01"}, "information_date"),
        ({"information_date": "yesterday"}, "information_date"),
        ({"summary": ""}, "summary"),
    ],
)
def test_post_bad_input_is_400_with_field_messages(analyst, line, overrides, field):
    response = client_for(analyst).post(URL, body(line, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not IntelligenceRecord.objects.exists()


def test_post_forbidden_roles_get_403(auditor, clio, line):
    for user in (auditor, clio):
        response = client_for(user).post(URL, body(line), format="json")
        assert response.status_code == 403
    assert client_for(auditor).get(URL).status_code == 403
    assert APIClient().get(URL).status_code in (401, 403)


def test_get_detail_is_audited_and_unknown_or_hidden_is_404(analyst, lro, line):
    record = RecordFactory(county_lines=[line])
    response = client_for(analyst).get(f"{URL}{record.pk}/")
    assert response.status_code == 200 and response.json()["id"] == record.pk
    assert AuditEvent.objects.filter(
        action="view", object_type="intel.intelligencerecord", object_id=str(record.pk)
    ).exists()
    assert client_for(analyst).get(f"{URL}999999/").status_code == 404
    # An LRO sees only records on their OCGs.
    assert client_for(lro).get(f"{URL}{record.pk}/").status_code == 404
    assert client_for(lro).get(URL).json()["count"] == 0


def test_conditions_text_hidden_from_other_teams(analyst, supervisor, force, line):
    record = client_for(analyst).post(URL, body(line), format="json").json()
    other = OfficerFactory(
        user=UserFactory(username="analyst-soc"), role="analyst", team=force["teams"]["soc"]
    ).user
    hidden = client_for(other).get(f"{URL}{record['id']}/").json()
    assert hidden["handling_conditions"] == "restricted: handling conditions apply"
    assert hidden["handling_conditions_restricted"] is True
    listed = client_for(other).get(URL).json()["results"][0]
    assert listed["handling_conditions"] == "restricted: handling conditions apply"
    shown = client_for(supervisor).get(f"{URL}{record['id']}/").json()
    assert shown["handling_conditions"] == "Not for partner agencies"
    # Sending the placeholder back unchanged does not overwrite the hidden text.
    response = client_for(other).patch(
        f"{URL}{record['id']}/",
        {
            "handling_conditions": hidden["handling_conditions"],
            "summary": "Round trip",
            "version": hidden["version"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert IntelligenceRecord.objects.get().handling_conditions == "Not for partner agencies"


def test_patch_updates_and_refuses_a_stale_version(analyst, line, force):
    record = client_for(analyst).post(URL, body(line), format="json").json()
    url = f"{URL}{record['id']}/"
    response = client_for(analyst).patch(
        url, {"version": 1, "source_evaluation": "3"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.json()["scorable"] is False
    stale = client_for(analyst).patch(url, {"version": 1, "summary": "late"}, format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    assert IntelligenceRecord.objects.get().summary != "late"
    bad = client_for(analyst).patch(url, {"ocgs": [999999], "version": 2}, format="json")
    assert bad.status_code == 400 and "ocgs" in bad.json()


def test_delete_is_soft_with_optional_reason(analyst, line):
    record = RecordFactory(county_lines=[line])
    response = client_for(analyst).delete(
        f"{URL}{record.pk}/", {"reason": "Entered twice"}, format="json"
    )
    assert response.status_code == 204
    data = client_for(analyst).get(f"{URL}{record.pk}/").json()
    assert data["deleted"] is True and data["scorable"] is False
    assert data["deleted_reason"] == "Entered twice"
    again = client_for(analyst).delete(f"{URL}{record.pk}/")
    assert again.status_code == 400
    other = RecordFactory(county_lines=[line])
    assert client_for(analyst).delete(f"{URL}{other.pk}/").status_code == 204


def test_filters_apply_to_the_api(analyst, line, force):
    ocg = OcgFactory(division=force["divisions"]["north"])
    a = RecordFactory(county_lines=[line], claims={"weapons": 1}, summary="Knife seen")
    b = RecordFactory(ocgs=[ocg], source_evaluation="3")
    client = client_for(analyst)

    def ids(query):
        return sorted(r["id"] for r in client.get(URL, query).json()["results"])

    assert ids({"county_line": line.pk}) == [a.pk]
    assert ids({"ocg": ocg.pk}) == [b.pk]
    assert ids({"scorable": "false"}) == [b.pk]
    assert ids({"factor": "weapons"}) == [a.pk]
    assert ids({"q": "knife"}) == [a.pk]
    assert client.get(URL, {"factor": "bogus"}).status_code == 400


def test_list_query_count_does_not_grow(analyst, line, force, django_assert_max_num_queries):
    ocg = OcgFactory(division=force["divisions"]["north"])
    RecordFactory(county_lines=[line], ocgs=[ocg], claims={"violence": 1})
    client = client_for(analyst)
    client.get(URL)  # warm the per-user access cache path
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).json()["count"] == 1
    for _ in range(15):
        RecordFactory(county_lines=[line], ocgs=[ocg], claims={"violence": 2, "weapons": 1})
    with django_assert_max_num_queries(len(one)):
        assert client.get(URL).json()["count"] == 16


# --- definition evidence: /api/ocgs/<id>/evidence/ and /api/county-lines/<id>/evidence/ --------


@pytest.fixture
def ocg(force):
    return OcgFactory(division=force["divisions"]["north"])


def test_evidence_on_an_ocg_answers_201_with_the_ocg_and_what_is_still_missing(researcher, ocg):
    record = RecordFactory(ocgs=[ocg])
    response = client_for(researcher).post(
        f"/api/ocgs/{ocg.pk}/evidence/",
        {"criterion": "serious_crime", "text": "Class A supply", "records": [record.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == ocg.pk and body["status"] == "in_development"
    assert "serious_crime" not in body["missing_criteria"]
    assert "working_together" in body["missing_criteria"]


def test_evidence_on_a_line_answers_201_with_the_line(clgt_officer, line):
    record = RecordFactory(county_lines=[line])
    response = client_for(clgt_officer).post(
        f"/api/county-lines/{line.pk}/evidence/",
        {"criterion": "deal_line", "text": "Bulk texts from the deal line", "records": [record.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == line.pk
    assert body["missing_criteria"] == ["exporting_network", "importing_area", "drug_supply"]


def test_evidence_refusals_keep_their_status_codes(analyst, researcher, ocg, line):
    good = {"criterion": "serious_crime", "text": "Class A supply"}
    # A role that records no evidence on OCGs: 403 whatever it sent.
    assert client_for(analyst).post(f"/api/ocgs/{ocg.pk}/evidence/", {}).status_code == 403
    assert (
        client_for(researcher)
        .post(f"/api/county-lines/{line.pk}/evidence/", {"criterion": "deal_line", "text": "x"})
        .status_code
        == 403
    )
    # No such subject: 404, never 403 or 500.
    assert client_for(researcher).post("/api/ocgs/999999/evidence/", good).status_code == 404
    refused = client_for(researcher).post(
        f"/api/ocgs/{ocg.pk}/evidence/", {"criterion": "deal_line", "text": "x"}, format="json"
    )
    assert refused.status_code == 400 and "criterion" in refused.json()
    assert client_for(researcher).get(f"/api/ocgs/{ocg.pk}/evidence/").status_code == 405
    assert client_for(None).post(f"/api/ocgs/{ocg.pk}/evidence/", good).status_code in (401, 403)


def test_evidence_without_a_graded_record_is_400_naming_records(
    researcher, clgt_officer, ocg, line
):
    """Issue 15 item 13: a criterion about criminality needs a graded record behind it; the API
    refuses it on `records`, as the page does. The members prove "two or more individuals"."""
    unreliable = RecordFactory(ocgs=[ocg], source_evaluation="3")
    for body in (
        {"criterion": "serious_crime", "text": "Class A supply"},
        {"criterion": "serious_crime", "text": "Class A supply", "records": [unreliable.pk]},
    ):
        refused = client_for(researcher).post(f"/api/ocgs/{ocg.pk}/evidence/", body, format="json")
        assert refused.status_code == 400
        assert list(refused.json()) == ["records"]
        assert "“Serious crime” needs a graded intelligence record" in refused.json()["records"][0]
    refused = client_for(clgt_officer).post(
        f"/api/county-lines/{line.pk}/evidence/",
        {"criterion": "drug_supply", "text": "Test purchases"},
        format="json",
    )
    assert refused.status_code == 400 and "records" in refused.json()
    note = client_for(researcher).post(
        f"/api/ocgs/{ocg.pk}/evidence/",
        {"criterion": "two_or_more_individuals", "text": "Principal and two runners"},
        format="json",
    )
    assert note.status_code == 201
