"""The API contract of issues 4, 6, 7 and 9, exactly as written: paths, bodies and key names.

Each test drives one journey through the API only, as the issue's role for each step, with a real
token from `POST /api/auth/token/` (or a real session) rather than forced authentication. Work the
services defer to `on_commit` (rescoring, re-ranking) runs after each request, as it would after
a real commit, so the matrix endpoints answer with what the worker would have written.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.lifetime.services.conditions import condition_add
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.lifetime.services.scpos import scpo_apply, scpo_breach_record, scpo_make
from kentsoc.matrix.tasks import write_daily_snapshot
from kentsoc.web.schema_view import SchemaView
from tests import otp
from tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OcgFactory,
    evidence_all,
    make_line,
    make_ocg,
)

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"count", "next", "previous", "results"}
REFERENCE_KEYS = {"id", "code", "name", "division"}
LINE_ROW_KEYS = {
    "county_line",
    "reference",
    "name",
    "division",
    "rank",
    "top30",
    "score",
    "threat",
    "risk",
    "harm",
    "confidence",
    "matrix_version",
    "scored_at",
    "stale",
}
LINE_CRITERIA = ["exporting_network", "importing_area", "deal_line", "drug_supply"]
OCG_CRITERIA = [
    "two_or_more_individuals",
    "working_together",
    "intent_and_capability",
    "serious_crime",
    "continuing_basis",
    "planning_control_structure",
]


class Api:
    """One signed-in caller. Every request runs the on_commit work it queued, then returns."""

    def __init__(self, client: APIClient, capture: Any) -> None:
        self.client = client
        self.capture = capture

    def _call(self, method: str, url: str, data: Any = None, **params: Any) -> Any:
        with self.capture(execute=True):
            if method == "get":
                return self.client.get(url, data or params or None)
            return getattr(self.client, method)(url, data, format="json")

    def get(self, url: str, **params: Any) -> Any:
        return self._call("get", url, **params)

    def post(self, url: str, data: Any = None) -> Any:
        return self._call("post", url, data if data is not None else {})

    def patch(self, url: str, data: Any) -> Any:
        return self._call("patch", url, data)

    def delete(self, url: str) -> Any:
        return self._call("delete", url)


def token_for(user) -> str:
    # Password and the authenticator app's code: the second factor is on, as in production.
    return otp.token_for(user)


@pytest.fixture
def as_token(django_capture_on_commit_callbacks):
    def make(user) -> Api:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return Api(client, django_capture_on_commit_callbacks)

    return make


@pytest.fixture
def as_session(django_capture_on_commit_callbacks):
    def make(user) -> Api:
        client = APIClient()
        # Through the real sign-in forms (password, then the app's code), so the API sees the
        # same session cookie a browser has.
        response = otp.sign_in(client, user)
        assert response.status_code == 302 and response["Location"] == "/", response.content
        return Api(client, django_capture_on_commit_callbacks)

    return make


def created(response, status: int = 201) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def ok(response) -> Any:
    return created(response, 200)


def refused(response, *words: str) -> dict:
    """A 400 whose JSON names what is wrong."""
    assert response.status_code == 400, response.content
    body = response.json()
    text = str(body)
    for word in words:
        assert word in text, f"{word!r} not in {body}"
    return body


# --- Authentication -------------------------------------------------------------------------------


def test_a_user_gets_a_token_and_uses_it(force, analyst):
    token = token_for(analyst)
    other = token_for(analyst)
    assert token != other, "each request issues its own token (shown once, stored hashed)"
    client = APIClient()
    assert client.get("/api/divisions/").status_code == 401
    for key in (token, other):
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/divisions/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/divisions/").status_code == 401
    # Issuing a token is a sign-in: it is on the audit trail, and so is a refused attempt.
    issued = AuditEvent.objects.filter(action="login", actor=analyst)
    assert issued.count() == 2 and issued.first().changes["via"] == "api token"


def test_a_wrong_password_gets_no_token(force, analyst):
    response = APIClient().post(
        "/api/auth/token/",
        {"username": analyst.get_username(), "password": "wrong-password-1"},
        format="json",
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert AuditEvent.objects.filter(
        action="login_failed", actor_username=analyst.get_username()
    ).exists()
    missing = APIClient().post("/api/auth/token/", {}, format="json")
    assert set(missing.json()) == {"username", "password"}


def test_the_token_endpoint_honours_the_lockout(force, analyst, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    wrong = {"username": analyst.get_username(), "password": "wrong-password-1"}
    for _ in range(2):
        assert client.post("/api/auth/token/", wrong, format="json").status_code == 400
    # The third failure locks this name at this address, and says so.
    assert client.post("/api/auth/token/", wrong, format="json").status_code == 429
    right = {"username": analyst.get_username(), "password": TEST_PASSWORD}
    response = client.post("/api/auth/token/", right, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_session_auth_from_the_test_client_login(force, analyst):
    # Session auth as scripts and tests use it: Client.login() has no request for django-axes.
    client = APIClient()
    assert client.login(username=analyst.get_username(), password=TEST_PASSWORD)
    assert client.get("/api/divisions/").status_code == 200
    client.logout()
    assert client.get("/api/divisions/").status_code == 401


# --- Reference data and list shapes ---------------------------------------------------------------


def test_divisions_and_districts_have_exactly_the_contract_keys(force, analyst, as_token):
    api = as_token(analyst)
    divisions = ok(api.get("/api/divisions/"))["results"]
    districts = ok(api.get("/api/districts/"))["results"]
    assert {d["code"] for d in divisions} == {"NORTH", "EAST", "WEST", "CENTRAL"}
    for row in divisions + districts:
        assert set(row) >= REFERENCE_KEYS, row
    north = force["divisions"]["north"]
    medway = next(d for d in districts if d["code"] == "MED")
    assert {k: medway[k] for k in REFERENCE_KEYS} == {
        "id": force["districts"]["medway"].pk,
        "code": "MED",
        "name": "Medway",
        "division": north.pk,
    }
    # A division is its own division: one shape for both lists.
    assert all(d["division"] == d["id"] for d in divisions)
    division_of = {d["id"]: d["code"] for d in divisions}
    assert {division_of[d["division"]] for d in districts} == {"NORTH", "EAST", "WEST"}
    by_code = ok(api.get("/api/districts/", division="NORTH"))["results"]
    by_id = ok(api.get("/api/districts/", division=str(north.pk)))["results"]
    assert [d["code"] for d in by_code] == [d["code"] for d in by_id]
    assert {d["code"] for d in by_id} == {"MED", "DAR"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/ocgs/",
        "/api/nominals/",
        "/api/county-lines/",
        "/api/intelligence/",
        "/api/disruptions/",
        "/api/operations/",
        "/api/matrix/county-lines/",
        "/api/matrix/ocgs/",
        "/api/matrix/snapshots/",
    ],
)
def test_case_lists_share_one_page_shape(force, supervisor, as_token, url):
    body = ok(as_token(supervisor).get(url))
    assert set(body) == PAGE_KEYS, body
    assert body["count"] == 0 and body["results"] == []


@pytest.mark.parametrize(
    "url,count",
    [("/api/divisions/", 4), ("/api/districts/", 5), ("/api/teams/", 7), ("/api/officers/", 1)],
)
def test_reference_lists_share_the_page_shape(force, supervisor, as_token, url, count):
    body = ok(as_token(supervisor).get(url))
    assert set(body) == PAGE_KEYS and body["count"] == count == len(body["results"]), body
    first = ok(as_token(supervisor).get(url, page_size="1"))
    assert len(first["results"]) == 1 and (first["next"] is not None) == (count > 1)


# --- County lines: nominate, evidence, matrix, explain, flex, dismantle (issues 4 and 6) ----------


def nominal(api: Api, first: str, last: str, born: str) -> int:
    body = created(
        api.post("/api/nominals/", {"first_name": first, "last_name": last, "date_of_birth": born})
    )
    assert (body["first_name"], body["last_name"], body["date_of_birth"]) == (first, last, born)
    return body["id"]


def record(api: Api, **fields: Any) -> dict:
    body = {
        "reference": "",
        "rms_reference": "ATH-0001",
        "information_date": today().isoformat(),
        "summary": "Fictional test intelligence.",
        "source_evaluation": "1",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "ocgs": [],
        "county_lines": [],
        "nominals": [],
        "factor_claims": [],
    }
    body.update(fields)
    return created(api.post("/api/intelligence/", body))


def ranked(api: Api, url: str, **params: Any) -> list[dict]:
    return ok(api.get(url, **params))["results"]


def test_county_line_journey(force, clgt_officer, supervisor, as_token, as_session):
    clgt = as_token(clgt_officer)
    boss = as_session(supervisor)
    d = force["districts"]
    runner = nominal(clgt, "Riley", "Example", "2001-04-05")
    holder = nominal(clgt, "Casey", "Example", "1990-01-02")

    line = created(
        clgt.post(
            "/api/county-lines/",
            {
                "name": "BLAZE",
                "exporting_area": "Lambeth",
                "importing_districts": [d["medway"].pk, d["dartford"].pk],
                "deal_lines": ["07700 900123"],
                "ocg": None,
            },
        )
    )
    url = f"/api/county-lines/{line['id']}/"
    assert line["name"] == "BLAZE" and line["exporting_area"] == "Lambeth"
    assert line["status"] == "nominated" and line["reference"].startswith("CL-")
    assert line["importing_districts"] == [d["medway"].pk, d["dartford"].pk]
    assert line["division"] == force["divisions"]["north"].pk
    assert [dl["number"] for dl in line["deal_lines"]] == ["07700900123"]
    assert line["ocg"] is None

    for who, role in ((runner, "runner"), (holder, "line_holder")):
        linked = created(clgt.post(f"{url}nominals/", {"nominal": who, "role": role}))
    assert {(n["nominal"], n["role"]) for n in linked["nominals"]} == {
        (runner, "runner"),
        (holder, "line_holder"),
    }
    refused(clgt.post(f"{url}nominals/", {"nominal": runner, "role": "boss"}), "role")

    # Only a supervisor puts a line on the matrix, and only once all four criteria are evidenced.
    assert clgt.post(f"{url}activate/").status_code == 403
    refused(boss.post(f"{url}activate/"), "Exporting network", "Drug supply")

    scorable = record(
        clgt,
        county_lines=[line["id"]],
        nominals=[runner],
        factor_claims=[
            {"factor": "child_exploitation", "level": 2},
            {"factor": "violence", "level": 1},
            {"factor": "drug_class", "level": 2},
            {"factor": "line_activity", "level": 3},
        ],
    )
    unscorable = record(
        clgt,
        rms_reference="ATH-0002",
        source_evaluation="3",
        intelligence_assessment="E",
        county_lines=[line["id"]],
        factor_claims=[{"factor": "weapons", "level": 2}],
    )
    assert (scorable["scorable"], unscorable["scorable"]) == (True, False)
    refused(clgt.post(f"{url}evidence/", {"criterion": "deal_line", "text": ""}), "text")
    for criterion in LINE_CRITERIA:
        evidenced = created(
            clgt.post(
                f"{url}evidence/",
                {
                    "criterion": criterion,
                    "text": f"{criterion}: see record",
                    "records": [scorable["id"]],
                },
            )
        )
    assert evidenced["missing_criteria"] == []

    active = ok(boss.post(f"{url}activate/"))
    assert active["status"] == "active"

    # child 2 → 6 (H); violence 1 → 1 (T); class A → 2, high activity → 3, one runner → 1,
    # intelligence dated today → 2 (R). The 3E record's firearm claim adds nothing.
    rows = ranked(clgt, "/api/matrix/county-lines/", division="NORTH", top30="true")
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= LINE_ROW_KEYS, row
    assert {k: row[k] for k in LINE_ROW_KEYS - {"scored_at"}} == {
        "county_line": line["id"],
        "reference": line["reference"],
        "name": "BLAZE",
        "division": "NORTH",
        "rank": 1,
        "top30": True,
        "score": 15,
        "threat": 1,
        "risk": 8,
        "harm": 6,
        "confidence": "high",
        "matrix_version": row["matrix_version"],
        "stale": False,
    }
    assert row["matrix_version"].startswith("CL-")
    # The beat's run after midnight files the current totals as the day that just ended.
    write_daily_snapshot()
    snapshots = ranked(boss, "/api/matrix/snapshots/")
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()
    assert [(x["on"], x["active_lines"], x["total_trh"]) for x in snapshots] == [(yesterday, 1, 15)]
    assert datetime.datetime.fromisoformat(row["scored_at"].replace("Z", "+00:00"))
    assert ranked(clgt, "/api/matrix/county-lines/", division="EAST") == []

    explained = ok(clgt.get(f"/api/matrix/county-lines/{line['id']}/explain/"))
    factors = {f["factor"]: f for f in explained["factors"]}
    assert explained["breakdown"] == explained["factors"]
    assert (explained["total"], explained["confidence"]) == (15, "high")
    assert (factors["child_exploitation"]["level"], factors["child_exploitation"]["points"]) == (
        2,
        6,
    )
    assert [(r["reference"], r["grading"]) for r in factors["child_exploitation"]["records"]] == [
        (scorable["reference"], "1BP")
    ]
    assert factors["weapons"]["points"] == 0
    assert [r["grading"] for r in factors["weapons"]["unscorable_records"]] == ["3EP"]
    assert (factors["runners"]["points"], factors["recency"]["points"]) == (1, 2)

    # Flex: a supervisor moves it to East with a reason; it ranks there until the flex ends.
    east = force["divisions"]["east"]
    refused(boss.post(f"{url}flex/", {"division": east.pk, "reason": ""}), "reason")
    assert clgt.post(f"{url}flex/", {"division": east.pk, "reason": "East lead"}).status_code == 403
    flexed = ok(boss.post(f"{url}flex/", {"division": east.pk, "reason": "East CLGT leads"}))
    assert flexed["flexed_division"] == east.pk
    assert [
        r["county_line"] for r in ranked(clgt, "/api/matrix/county-lines/", division="EAST")
    ] == [line["id"]]
    assert ranked(clgt, "/api/matrix/county-lines/", division="NORTH") == []
    ended = ok(boss.post(f"{url}flex/", {"division": "", "reason": ""}))
    assert ended["flexed_division"] is None
    assert [r["division"] for r in ranked(clgt, "/api/matrix/county-lines/")] == ["NORTH"]

    # A second line linked to an OCG: "ocg" takes the group's id; the CLGT officer who nominates
    # it sees mapped and adopted groups.
    group = make_ocg(division=force["divisions"]["north"], status="mapped")
    linked = created(
        clgt.post(
            "/api/county-lines/",
            {
                "name": "VIPER",
                "exporting_area": "Croydon",
                "importing_districts": [d["dartford"].pk],
                "deal_lines": ["07700 900124"],
                "ocg": group.pk,
            },
        )
    )
    assert (linked["ocg"], linked["status"]) == (group.pk, "nominated")

    refused(clgt.post(f"{url}dismantle/", {"date": today().isoformat(), "reason": ""}), "reason")
    gone = ok(
        clgt.post(f"{url}dismantle/", {"date": today().isoformat(), "reason": "Holder charged"})
    )
    assert gone["status"] == "dismantled"
    assert ranked(clgt, "/api/matrix/county-lines/") == []
    assert ok(clgt.get(url))["status"] == "dismantled"


# --- OCGs: nominate, develop, map, approve, adopt (issues 4 and 5) --------------------------------


def test_ocg_journey(force, coordinator, researcher, supervisor, lro, as_token, as_session):
    coord = as_token(coordinator)
    research = as_token(researcher)
    boss = as_session(supervisor)
    north = force["divisions"]["north"]
    principal = nominal(coord, "Morgan", "Example", "1985-03-04")
    member = nominal(coord, "Jamie", "Example", "1992-07-08")

    refused(
        coord.post(
            "/api/ocgs/",
            {
                "name": "Lonely",
                "criminality": ["drug_supply"],
                "division": north.pk,
                "members": [{"nominal": principal, "role": "principal"}],
            },
        ),
        "members",
    )
    ocg = created(
        coord.post(
            "/api/ocgs/",
            {
                "name": "The Harbour Crew",
                "criminality": ["drug_supply", "firearms"],
                "division": north.pk,
                "members": [
                    {"nominal": principal, "role": "principal"},
                    {"nominal": member, "role": "lieutenant"},
                ],
            },
        )
    )
    url = f"/api/ocgs/{ocg['id']}/"
    assert ocg["status"] == "nominated" and ocg["reference"].startswith("OCG-")
    assert (ocg["name"], ocg["division"]) == ("The Harbour Crew", north.pk)
    assert sorted(ocg["criminality"]) == ["drug_supply", "firearms"]
    assert {(m["nominal"], m["role"]) for m in ocg["members"]} == {
        (principal, "principal"),
        (member, "lieutenant"),
    }
    assert ok(coord.get(url))["id"] == ocg["id"]

    intel = record(
        research,
        ocgs=[ocg["id"]],
        nominals=[principal],
        factor_claims=[
            {"factor": "violence", "level": 3},
            {"factor": "firearms", "level": 3},
            {"factor": "exploitation_of_vulnerable", "level": 2},
            {"factor": "criminal_tempo", "level": 2},
        ],
    )
    refused(coord.post(f"{url}map/"), "Working together")
    for criterion in OCG_CRITERIA:
        developed = created(
            research.post(
                f"{url}evidence/",
                {
                    "criterion": criterion,
                    "text": f"{criterion}: see record",
                    "records": [intel["id"]],
                },
            )
        )
    assert developed["status"] == "in_development" and developed["missing_criteria"] == []
    ok(coord.post(f"{url}map/"))
    assert coord.post(f"{url}approve-mapping/").status_code == 403
    assert ok(boss.post(f"{url}approve-mapping/"))["status"] == "mapped"

    # Threat violence 3×3 + firearms 3×3 = 18; risk tempo 2×2 + two criminality types 1×1 = 5;
    # harm exploitation 2×3 = 6. 29 is tier 2.
    for params in ({"division": "NORTH"}, {}):
        rows = ranked(coord, "/api/matrix/ocgs/", **params)
        assert len(rows) == 1, params
        row = rows[0]
        assert set(row) >= (LINE_ROW_KEYS - {"county_line"}) | {"ocg", "tier"}, row
        assert (row["ocg"], row["reference"], row["rank"], row["tier"]) == (
            ocg["id"],
            ocg["reference"],
            1,
            2,
        )
        assert (row["score"], row["threat"], row["risk"], row["harm"]) == (29, 18, 5, 6)
        assert (row["confidence"], row["stale"]) == ("high", False)
    assert ranked(coord, "/api/matrix/ocgs/", division="EAST") == []
    explained = ok(coord.get(f"/api/matrix/ocgs/{ocg['id']}/explain/"))
    assert (explained["total"], explained["tier"]) == (29, 2)

    soc = force["teams"]["soc"]
    refused(
        boss.post(f"{url}adopt/", {"managing_team": soc.pk, "lead_responsible_officer": None}),
        "lead_responsible_officer",
    )
    assert (
        coord.post(
            f"{url}adopt/", {"managing_team": soc.pk, "lead_responsible_officer": lro.pk}
        ).status_code
        == 403
    )
    adopted = ok(
        boss.post(f"{url}adopt/", {"managing_team": soc.pk, "lead_responsible_officer": lro.pk})
    )
    assert (adopted["status"], adopted["managing_team"], adopted["lead_responsible_officer"]) == (
        "adopted",
        soc.pk,
        lro.pk,
    )
    # The LRO now sees the group they lead, and it stays on the matrix.
    assert [o["id"] for o in ok(as_token(lro).get("/api/ocgs/"))["results"]] == [ocg["id"]]
    assert [r["ocg"] for r in ranked(coord, "/api/matrix/ocgs/")] == [ocg["id"]]


# --- Intelligence records (issue 4) ---------------------------------------------------------------


def test_intelligence_create_read_patch_delete(force, analyst, auditor, clio, as_token):
    line = make_line(districts=[force["districts"]["thanet"]], status="active")
    evidence_all(line)
    api = as_token(analyst)
    body = {
        "reference": "",
        "rms_reference": "ATH-7781",
        "information_date": today().isoformat(),
        "summary": "Fictional: deal line 07700 900456 advertised to users in Thanet.",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": "Not to be shared outside the CLGT without the source handler.",
        "ocgs": [],
        "county_lines": [line.pk],
        "nominals": [],
        "factor_claims": [{"factor": "line_activity", "level": 2}],
    }
    made = created(api.post("/api/intelligence/", body))
    url = f"/api/intelligence/{made['id']}/"
    for key in set(body) - {"reference"}:
        assert made[key] == body[key], key
    assert made["reference"]  # the system numbers it when none is given
    assert ok(api.get(url))["factor_claims"] == [{"factor": "line_activity", "level": 2}]
    assert [r["id"] for r in ok(api.get("/api/intelligence/"))["results"]] == [made["id"]]
    rows = ranked(api, "/api/matrix/county-lines/", division="EAST")
    # line_activity 2 → 2, recency today → 2; graded 2B is medium confidence.
    assert [(r["county_line"], r["score"], r["confidence"]) for r in rows] == [
        (line.pk, 4, "medium")
    ]

    changed = ok(
        api.patch(
            url,
            {
                "version": made["version"],
                "factor_claims": [{"factor": "line_activity", "level": 3}],
            },
        )
    )
    assert changed["factor_claims"] == [{"factor": "line_activity", "level": 3}]
    assert changed["version"] > made["version"]
    refused(api.patch(url, {"version": made["version"], "summary": "Lost update"}), "version")
    assert ranked(api, "/api/matrix/county-lines/", division="EAST")[0]["score"] == 5

    assert api.delete(url).status_code == 204
    assert ranked(api, "/api/matrix/county-lines/", division="EAST")[0]["score"] == 0

    # Refusals name the field; forbidden is 403; unknown is 404.
    for change, field in (
        ({"source_evaluation": "4"}, "source_evaluation"),
        ({"intelligence_assessment": "F"}, "intelligence_assessment"),
        ({"handling_code": "X"}, "handling_code"),
        ({"handling_conditions": ""}, "handling_conditions"),
        ({"information_date": "31/12/2024"}, "information_date"),
        ({"factor_claims": [{"factor": "line_activity", "level": 9}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "firearms", "level": 1}]}, "factor_claims"),
        ({"county_lines": [999999]}, "county_lines"),
    ):
        refused(api.post("/api/intelligence/", body | change), field)
    assert as_token(clio).post("/api/intelligence/", body).status_code == 403
    assert as_token(auditor).get("/api/intelligence/").status_code == 403
    assert api.get("/api/intelligence/999999/").status_code == 404
    assert api.patch("/api/intelligence/999999/", {"summary": "x"}).status_code == 404


# --- Disruptions, operations and the activity summary (issue 7) -----------------------------------

SUMMARY_LABELS = [
    "Arrests",
    "Prisoners dealt with",
    "Warrants executed (Inc S32/18)",
    "Charges-Total",
    "Weapon Seizures",
    "Sentences",
]


def test_disruption_journey_and_activity_summary(force, clgt_officer, supervisor, as_token):
    clgt = as_token(clgt_officer)
    boss = as_token(supervisor)
    team = force["teams"]["clgt_north"]
    line = make_line(districts=[force["districts"]["medway"]], status="active")
    holder = nominal(clgt, "Avery", "Example", "1994-05-06")
    runner = nominal(clgt, "Drew", "Example", "2003-02-01")
    week = created(
        boss.post(
            "/api/operations/",
            {
                "name": "Intensification week (fictional)",
                "start_date": (today() - datetime.timedelta(days=14)).isoformat(),
                "end_date": today().isoformat(),
                "teams": [team.pk],
            },
        )
    )
    on = (today() - datetime.timedelta(days=10)).isoformat()
    body = {
        "date": on,
        "team": team.pk,
        "operation": week["id"],
        "county_lines": [line.pk],
        "nominals": [holder, runner],
        "strand": "pursue",
        "tactic": "warrant",
        "narrative": "Warrant at a cuckooed address; two arrested, deal-line handset seized.",
        "impact_grade": "major",
        "impact_rationale": "The line holder was arrested and the line went quiet.",
        "arrests": 2,
        "prisoners_dealt_with": 2,
        "warrants_executed": 1,
        "warrant_power": "s18",
        "charges": 3,
        "handsets": 2,
        "cash_seized": "1250.00",
        "weapons": [{"kind": "bladed", "count": 2}],
        "drugs": [
            {
                "drug_class": "A",
                "drug": "crack cocaine",
                "amount": "14.000",
                "unit": "g",
                "estimated_value": "1400.00",
            }
        ],
    }
    for change, field in (
        ({"impact_rationale": ""}, "impact_rationale"),
        ({"arrests": -1}, "arrests"),
        ({"date": (today() + datetime.timedelta(days=1)).isoformat()}, "date"),
        ({"drugs": [{"amount": "1.000", "unit": "g"}]}, "drugs"),
    ):
        refused(clgt.post("/api/disruptions/", body | change), field)
    draft = created(clgt.post("/api/disruptions/", body))
    url = f"/api/disruptions/{draft['id']}/"
    assert (draft["status"], draft["officer"], draft["team"]) == ("draft", clgt_officer.pk, team.pk)
    assert draft["county_lines"] == [line.pk] and sorted(draft["nominals"]) == sorted(
        [holder, runner]
    )
    assert [w["kind"] for w in draft["weapons"]] == ["bladed"]
    assert [d["drug_class"] for d in draft["drugs"]] == ["A"]

    submitted = ok(clgt.post(f"{url}submit/", {"version": draft["version"]}))
    assert submitted["status"] == "submitted"
    assert clgt.post(f"{url}approve/", {}).status_code == 403
    refused(boss.post(f"{url}return/", {"reason": ""}), "reason")
    returned = ok(boss.post(f"{url}return/", {"reason": "Add the second handset."}))
    assert (returned["status"], returned["return_reason"]) == (
        "returned",
        "Add the second handset.",
    )
    edited = ok(clgt.patch(url, {"version": returned["version"], "handsets": 3}))
    ok(clgt.post(f"{url}submit/", {"version": edited["version"]}))
    assert ok(boss.post(f"{url}approve/", {}))["status"] == "approved"

    # A second one stays a draft: drafts never count.
    created(clgt.post("/api/disruptions/", body | {"arrests": 50, "operation": None}))
    listed = ok(clgt.get("/api/disruptions/", status="approved", county_line=str(line.pk)))
    assert [r["id"] for r in listed["results"]] == [draft["id"]]
    assert ok(clgt.get("/api/disruptions/", status="draft"))["count"] == 1
    assert ok(clgt.get("/api/disruptions/", team=str(team.pk)))["count"] == 2

    for who, years, months in ((holder, 5, 11), (runner, 0, 3)):
        created(
            clgt.post(
                "/api/court-results/",
                {
                    "disruption": draft["id"],
                    "nominal": who,
                    "court": "Maidstone Crown Court",
                    "offences": "Possession with intent to supply (fictional)",
                    "outcome": "custodial",
                    "sentence_years": years,
                    "sentence_months": months,
                    "result_date": today().isoformat(),
                },
            )
        )
    operation = ok(clgt.get(f"/api/operations/{week['id']}/"))
    assert {k: operation[k] for k in ("lines_targeted", "arrests", "charges", "handsets")} == {
        "lines_targeted": 1,
        "arrests": 2,
        "charges": 3,
        "handsets": 3,
    }

    period = {
        "from": (today() - datetime.timedelta(days=30)).isoformat(),
        "to": today().isoformat(),
    }
    north = force["divisions"]["north"]
    scopes = [{"team": str(team.pk)}, {"team": "CLGT-N"}, {"division": str(north.pk)}]
    for scope in [*scopes, {"division": "NORTH"}, {}]:
        summary = ok(clgt.get("/api/reports/activity-summary/", **period, **scope))
        # 5yrs 11 months + 3 months carries into 6yrs 2 months; one seizure of two weapons.
        assert summary["rows"] == [
            {"label": label, "value": value}
            for label, value in zip(
                SUMMARY_LABELS, ["2", "2", "1", "3", "1", "6yrs 2 months"], strict=True
            )
        ], scope
        assert summary["weapons"] == 2
        assert (summary["handsets"], summary["cash_seized"]) == (3, "1250.00")
    elsewhere = ok(
        clgt.get(
            "/api/reports/activity-summary/",
            **period,
            division=str(force["divisions"]["east"].pk),
        )
    )
    assert [r["value"] for r in elsewhere["rows"]] == ["0", "0", "0", "0", "0", "0yrs 0 months"]
    refused(
        clgt.get("/api/reports/activity-summary/", **{"from": period["to"], "to": period["from"]}),
        "from",
    )
    refused(clgt.get("/api/reports/activity-summary/", **{"from": "2024-13-01", "to": "x"}), "from")
    refused(clgt.get("/api/reports/activity-summary/", **period, division="ATLANTIS"), "division")


# --- Lifetime management: the coordinator lists (issue 9, point 3) -------------------------------


def test_coordinator_lists(force, coordinator, lro, clgt_officer, outsider, as_token):
    days = datetime.timedelta
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    theirs = OcgFactory(
        division=north,
        status="adopted",
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )
    other = OcgFactory(division=east, status="mapped", managing_team=force["teams"]["soc"])
    # An adult: an SCPO is recorded for them below.
    releasing = MembershipFactory(
        ocg=theirs, nominal__date_of_birth=datetime.date(1990, 5, 17)
    ).nominal
    remanded = MembershipFactory(ocg=other).nominal
    MembershipFactory(ocg=other, nominal=releasing)  # in two groups; the LRO leads only one
    # Recorded as the coordinator would on the person's lifetime page.
    custody_event_record(
        actor=coordinator,
        nominal=releasing,
        kind="sentenced",
        on_date=today() - days(400),
        establishment="HMP Example",
    )
    period = releasing.custody_periods.get()
    custody_dates_update(
        actor=coordinator,
        period=period,
        version=period.version,
        sentence_date=today() - days(400),
        expected_release_date=today() + days(30),
        licence_end_date=today() + days(400),
        establishment="HMP Example",
    )
    condition_add(
        actor=coordinator,
        nominal=releasing,
        kind="licence",
        text="No contact with the other members; curfew 19:00-07:00.",
        imposed_on=today() - days(5),
        partner="prison_probation",
    )
    scpo = scpo_apply(actor=coordinator, nominal=releasing, applied_on=today() - days(1900))
    scpo = scpo_make(
        actor=coordinator,
        scpo=scpo,
        version=scpo.version,
        court="Example Crown Court",
        made_on=today() - days(1800),
        duration_months=60,
        conditions="One mobile phone only, declared to police.",
        impact_grade="moderate",
        impact_rationale="Restricts the principal's use of deal lines.",
    )
    scpo_breach_record(
        actor=coordinator, scpo=scpo, breached_on=today() - days(10), action_taken="Arrested."
    )
    custody_event_record(
        actor=coordinator, nominal=remanded, kind="remanded", on_date=today() - days(20)
    )

    coord = as_token(coordinator)
    releases = ok(coord.get("/api/lifetime/releases/"))["results"]
    assert [(r["nominal"], r["expected_release_date"]) for r in releases] == [
        (releasing.pk, (today() + days(30)).isoformat())
    ]
    assert (releases[0]["has_licence_conditions"], releases[0]["has_scpo"]) == (True, True)
    assert sorted(o["id"] for o in releases[0]["ocgs"]) == sorted([theirs.pk, other.pk])
    # Windows include both ends.
    assert ok(coord.get("/api/lifetime/releases/", within="29"))["count"] == 0
    assert ok(coord.get("/api/lifetime/releases/", within="30"))["count"] == 1
    refused(coord.get("/api/lifetime/releases/", within="nine"), "within")

    expiring = ok(coord.get("/api/lifetime/scpos-expiring/"))["results"]
    assert [(r["id"], r["nominal"], r["breaches"]) for r in expiring] == [
        (scpo.pk, releasing.pk, 1)
    ]
    assert expiring[0]["expires_on"] == scpo.expires_on.isoformat()
    assert today() <= scpo.expires_on <= today() + days(90)

    window = {"from": (today() - days(10)).isoformat(), "to": today().isoformat()}
    breaches = ok(coord.get("/api/lifetime/scpo-breaches/", **window))["results"]
    assert [(b["scpo"], b["nominal"], b["breached_on"]) for b in breaches] == [
        (scpo.pk, releasing.pk, window["from"])
    ]
    assert (
        ok(coord.get("/api/lifetime/scpo-breaches/", to=(today() - days(11)).isoformat()))[
            "results"
        ]
        == []
    )

    in_prison = ok(coord.get("/api/lifetime/in-prison/"))["results"]
    assert {(r["ocg"], r["nominal"], r["custody_status"]) for r in in_prison} == {
        (theirs.pk, releasing.pk, "in_prison"),
        (other.pk, releasing.pk, "in_prison"),
        (other.pk, remanded.pk, "remanded"),
    }
    filtered = ok(coord.get("/api/lifetime/in-prison/", ocg=str(theirs.pk)))["results"]
    assert [r["nominal"] for r in filtered] == [releasing.pk]

    # An LRO sees their own OCG's members only; roles without lifetime management are refused.
    mine = as_token(lro)
    # Nor do they learn which other groups their members belong to.
    seen = ok(mine.get("/api/lifetime/releases/"))["results"]
    assert [(r["nominal"], [o["id"] for o in r["ocgs"]]) for r in seen] == [
        (releasing.pk, [theirs.pk])
    ]
    seen = ok(mine.get("/api/lifetime/in-prison/"))["results"]
    assert [(r["ocg"], r["nominal"]) for r in seen] == [(theirs.pk, releasing.pk)]
    assert ok(mine.get("/api/lifetime/scpos-expiring/"))["count"] == 1
    for url in (
        "/api/lifetime/releases/",
        "/api/lifetime/scpos-expiring/",
        "/api/lifetime/scpo-breaches/",
        "/api/lifetime/in-prison/",
    ):
        assert as_token(clgt_officer).get(url).status_code == 403
        assert as_token(outsider).get(url).status_code == 403


def test_coordinator_lists_cost_the_same_queries_for_one_row_or_many(force, coordinator, as_token):
    days = datetime.timedelta
    group = OcgFactory(division=force["divisions"]["north"], status="mapped")
    api = as_token(coordinator)
    urls = [
        "/api/lifetime/releases/",
        "/api/lifetime/scpos-expiring/",
        "/api/lifetime/scpo-breaches/",
        "/api/lifetime/in-prison/",
    ]

    def add_person() -> None:
        person = MembershipFactory(
            ocg=group, nominal__date_of_birth=datetime.date(1990, 5, 17)
        ).nominal
        MembershipFactory(
            ocg=OcgFactory(division=force["divisions"]["east"], status="mapped"), nominal=person
        )
        custody_event_record(
            actor=coordinator, nominal=person, kind="sentenced", on_date=today() - days(400)
        )
        period = person.custody_periods.get()
        custody_dates_update(
            actor=coordinator,
            period=period,
            version=period.version,
            sentence_date=today() - days(400),
            expected_release_date=today() + days(10),
            licence_end_date=None,
        )
        scpo = scpo_apply(actor=coordinator, nominal=person, applied_on=today() - days(1850))
        scpo = scpo_make(
            actor=coordinator,
            scpo=scpo,
            version=scpo.version,
            court="Example Crown Court",
            made_on=today() - days(1800),
            duration_months=60,
            conditions="One declared phone.",
            impact_grade="minor",
            impact_rationale="Fictional.",
        )
        scpo_breach_record(
            actor=coordinator, scpo=scpo, breached_on=today() - days(3), action_taken="Warned."
        )

    def queries(url: str) -> tuple[int, int]:
        ok(api.get(url))  # warm-up: the caller's permissions and profile are cached per user
        with CaptureQueriesContext(connection) as ctx:
            count = ok(api.get(url))["count"]
        return count, len(ctx.captured_queries)

    add_person()
    one = {url: queries(url) for url in urls}
    for _ in range(4):
        add_person()
    many = {url: queries(url) for url in urls}
    for url in urls:
        assert many[url][0] > one[url][0], url
        assert many[url][1] == one[url][1], (url, one[url], many[url])


# --- Errors: 400 with JSON naming the problem, 403 forbidden, 404 unknown, never a 500 ------------

WRITES = [
    "/api/nominals/",
    "/api/county-lines/",
    "/api/county-lines/{line}/nominals/",
    "/api/county-lines/{line}/evidence/",
    "/api/county-lines/{line}/dismantle/",
    "/api/county-lines/{line}/flex/",
    "/api/ocgs/",
    "/api/ocgs/{ocg}/evidence/",
    "/api/ocgs/{ocg}/adopt/",
    "/api/intelligence/",
    "/api/disruptions/",
    "/api/operations/",
    "/api/court-results/",
]


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        "not an object",
        {
            "name": ["x"],
            "nominal": "abc",
            "records": "1",
            "date": "yesterday",
            "division": {"id": 1},
            "importing_districts": [None],
            "members": [{"nominal": None}],
            "criminality": 3,
            "factor_claims": [{"factor": 1, "level": "high"}],
            "managing_team": "SOC",
            "lead_responsible_officer": [],
        },
    ],
    ids=["empty", "list", "string", "wrong-types"],
)
def test_bad_bodies_are_400_with_json_never_500(force, supervisor, as_token, body):
    line = make_line(districts=[force["districts"]["medway"]])
    ocg = make_ocg(division=force["divisions"]["north"], status="mapped")
    api = as_token(supervisor)
    for url in WRITES:
        response = api.post(url.format(line=line.pk, ocg=ocg.pk), body)
        assert response.status_code == 400, (url, response.status_code, response.content)
        assert response.json(), f"the refusal of {url} says what is wrong"


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/api/ocgs/999999/"),
        ("post", "/api/ocgs/999999/map/"),
        ("post", "/api/ocgs/999999/adopt/"),
        ("get", "/api/nominals/999999/"),
        ("get", "/api/county-lines/999999/"),
        ("post", "/api/county-lines/999999/activate/"),
        ("post", "/api/county-lines/999999/flex/"),
        ("get", "/api/intelligence/999999/"),
        ("delete", "/api/intelligence/999999/"),
        ("get", "/api/disruptions/999999/"),
        ("post", "/api/disruptions/999999/approve/"),
        ("get", "/api/operations/999999/"),
        ("get", "/api/matrix/county-lines/999999/explain/"),
        ("get", "/api/matrix/ocgs/999999/explain/"),
        ("get", "/api/ocgs/not-a-number/"),
    ],
)
def test_unknown_is_404(force, supervisor, as_token, method, url):
    response = getattr(as_token(supervisor), method)(url)
    assert response.status_code == 404, response.content
    assert response.json()["detail"]


def test_forbidden_is_403_whatever_the_body(force, clio, lro, analyst, as_token):
    line = make_line(districts=[force["districts"]["medway"]])
    ocg = make_ocg(division=force["divisions"]["north"], status="mapped")
    line_body = {"name": "X", "exporting_area": "Y", "importing_districts": [], "deal_lines": []}
    for api, url, body in (
        (as_token(clio), "/api/county-lines/", line_body),
        (as_token(clio), "/api/county-lines/", {}),
        (as_token(lro), "/api/ocgs/", {}),
        (as_token(lro), "/api/intelligence/", {}),
        (as_token(clio), "/api/intelligence/", {}),
        (as_token(analyst), "/api/nominals/", {}),
        (as_token(analyst), "/api/disruptions/", {}),
        (as_token(analyst), "/api/operations/", {}),
        (as_token(analyst), f"/api/county-lines/{line.pk}/dismantle/", {}),
        (as_token(analyst), f"/api/county-lines/{line.pk}/flex/", {}),
        (as_token(analyst), f"/api/ocgs/{ocg.pk}/adopt/", {}),
        (as_token(analyst), f"/api/ocgs/{ocg.pk}/evidence/", {}),
    ):
        response = api.post(url, body)
        assert response.status_code == 403, (url, body, response.content)
        assert "permission" in response.json()["detail"]
    # A record the caller may not see stays unknown rather than forbidden.
    assert as_token(lro).post(f"/api/ocgs/{ocg.pk}/adopt/", {}).status_code == 404


# --- The OpenAPI schema ---------------------------------------------------------------------------


def test_openapi_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any drf-spectacular warning (an unresolvable field, a view it cannot
    # introspect) into a CommandError; --validate checks the result against the OpenAPI spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path in (
        "/api/auth/token/",
        "/api/divisions/",
        "/api/districts/",
        "/api/nominals/",
        "/api/county-lines/{id}/flex/",
        "/api/ocgs/{id}/approve-mapping/",
        "/api/intelligence/{id}/",
        "/api/matrix/county-lines/{id}/explain/",
        "/api/matrix/snapshots/",
        "/api/reports/activity-summary/",
        "/api/lifetime/releases/",
    ):
        assert path in paths, path


def test_schema_is_served_to_a_signed_in_role(force, analyst, as_token):
    response = as_token(analyst).client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/county-lines/" in response.json()["paths"]


def test_the_schema_is_generated_once_and_still_only_for_a_signed_in_role(
    force, analyst, as_token, monkeypatch
):
    monkeypatch.setattr(SchemaView, "_generated", {})
    generated = []
    real = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        generated.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    client = as_token(analyst).client
    first = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    second = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(generated) == 1
    assert client.get("/api/schema/").content.startswith(b"openapi:")  # YAML from the same schema
    assert len(generated) == 1
    assert APIClient().get("/api/schema/").status_code in (401, 403)
