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
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
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
    response = APIClient().post(
        "/api/auth/token/",
        {"username": user.get_username(), "password": TEST_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


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
        # Through the real login form, so the API sees the same session cookie a browser has.
        response = client.post(
            "/login/", {"username": user.get_username(), "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, response.content
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
    assert token == token_for(analyst), "the same user keeps one token"
    client = APIClient()
    assert client.get("/api/divisions/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/divisions/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/divisions/").status_code == 401


def test_a_wrong_password_gets_no_token(force, analyst):
    response = APIClient().post(
        "/api/auth/token/",
        {"username": analyst.get_username(), "password": "wrong-password-1"},
        format="json",
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    missing = APIClient().post("/api/auth/token/", {}, format="json")
    assert set(missing.json()) == {"username", "password"}


# --- Reference data and list shapes ---------------------------------------------------------------


def test_divisions_and_districts_have_exactly_the_contract_keys(force, analyst, as_token):
    api = as_token(analyst)
    divisions = ok(api.get("/api/divisions/"))
    districts = ok(api.get("/api/districts/"))
    # The project's choice: reference lists are small and come whole, as a plain JSON list.
    assert isinstance(divisions, list) and isinstance(districts, list)
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
    by_code = ok(api.get("/api/districts/", division="NORTH"))
    by_id = ok(api.get("/api/districts/", division=str(north.pk)))
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
        "information_date": TODAY.isoformat(),
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
    assert datetime.datetime.fromisoformat(row["scored_at"].replace("Z", "+00:00"))
    assert ranked(clgt, "/api/matrix/county-lines/", division="EAST") == []

    explained = ok(clgt.get(f"/api/matrix/county-lines/{line['id']}/explain/"))
    factors = {f["factor"]: f for f in explained["factors"]}
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

    refused(clgt.post(f"{url}dismantle/", {"date": TODAY.isoformat(), "reason": ""}), "reason")
    gone = ok(
        clgt.post(f"{url}dismantle/", {"date": TODAY.isoformat(), "reason": "Holder charged"})
    )
    assert gone["status"] == "dismantled"
    assert ranked(clgt, "/api/matrix/county-lines/") == []
    assert ok(clgt.get(url))["status"] == "dismantled"
