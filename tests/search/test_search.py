"""The search box (issue 17): what each query must find in its top five, that it keeps to what
the user may see, that every search is audited once, and that its cost does not grow with the
number of rows."""

from __future__ import annotations

import datetime

import pytest

from countylines.services.deal_lines import line_add_deal_line
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.search import services
from tests.clients import api, web
from tests.factories import (
    make_disruption,
    make_gang,
    make_line,
    make_nominal,
    make_ocg,
    make_person,
    make_record,
)
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

NUMBER = "07700900123"
SECRET = "Ternwhistle"


@pytest.fixture
def world(force, supervisor, clgt_officer):
    north = force["divisions"]["north"]
    people = {
        "john": make_nominal("John", "Smith", datetime.date(2004, 5, 1)),
        "johnny": make_nominal("Jonathan", "Smithers", datetime.date(1990, 3, 3)),
        "muhammad": make_nominal("Muhammad", "Khan", aliases="Mo, Big M"),
        "william": make_nominal("William", "Brown"),
        "zoe": make_nominal("Zoë", "O'Brien"),
        "runner": make_nominal("Kieran", "Dunmore"),
    }
    ocg = make_ocg(
        division=north, reference="OCG-0042", name="Harbourside Firm", status="mapped", members=0
    )
    ocg.memberships.create(nominal=people["john"], role="principal")
    line = make_line(north, reference="CL-0007", name="BLAZE", numbers=[NUMBER])
    line.line_nominals.create(nominal=people["runner"], role="runner")
    records = {
        "supply": make_record(
            ocgs=[ocg],
            reference="INT-000501",
            rms_reference="ATH-7781234",
            summary="Fictional: the group supplied crack cocaine from a lock-up on Quay Street.",
        ),
        "phone": make_record(
            lines=[line],
            reference="INT-000502",
            summary="Fictional: runners answer the deal line from a flat in Margate.",
        ),
        "written": make_record(
            reference="INT-000503",
            owning_team=force["teams"]["clgt_north"],
            summary="Fictional: a handset on 07700 900123 was seen at the station.",
        ),
        "secret": make_record(
            ocgs=[ocg],
            reference="INT-000504",
            grading="1AC",
            summary="Fictional: cash moved to a storage unit by van.",
            handling_conditions=f"Not to be shared with {SECRET} council",
        ),
    }
    gang = make_gang(north, name="Eastcliff Boys", reference="GNG-0003")
    disruption = make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        lines=[line],
        narrative="Fictional: warrant executed at the Quay Street lock-up, cash seized.",
    )
    return {
        "people": people,
        "ocg": ocg,
        "line": line,
        "records": records,
        "gang": gang,
        "disruption": disruption,
    }


def _key(world, name: str) -> tuple[str, int]:
    kind, _, key = name.partition(":")
    if kind == "person":
        return ("person", world["people"][key].pk)
    if kind == "intelligence":
        return ("intelligence", world["records"][key].pk)
    obj = {"ocg": world["ocg"], "county_line": world["line"], "gang": world["gang"]}.get(kind)
    obj = obj or world["disruption"]
    return (kind, obj.pk)


# What a search must find among its first five rows (the API's ranked list, as a supervisor).
TABLE = [
    # names as people type them
    ("John Smith", "person:john"),
    ("smith john", "person:john"),  # swapped
    ("Jon Smyth", "person:john"),  # sounds alike
    ("jonh smith", "person:john"),  # misspelt
    ("smtih john", "person:john"),  # a whole name close enough
    ("J Smith", "person:john"),  # an initial
    ("Johnny Smithers", "person:johnny"),  # a nickname of Jonathan is not Johnny's: by name
    ("Mohammed Khan", "person:muhammad"),  # sound-alike spelling
    ("Mo", "person:muhammad"),  # an alias
    ("bill brown", "person:william"),  # a nickname
    ("zoe obrien", "person:zoe"),  # accents and punctuation ignored
    ("o'brien", "person:zoe"),
    ("smith 2004", "person:john"),  # a year of birth narrows
    # every spelling of a phone number: the line, the person on it and the records
    ("07700 900123", "county_line:"),
    ("07700900123", "county_line:"),
    ("+44 7700 900123", "county_line:"),
    ("447700900123", "county_line:"),
    ("7700-900-123", "county_line:"),
    ("07700 900123", "person:runner"),
    ("+44 7700 900123", "intelligence:phone"),
    ("447700900123", "intelligence:written"),
    # references exactly
    ("OCG-0042", "ocg:"),
    ("ocg 42", "ocg:"),
    ("CL-0007", "county_line:"),
    ("cl7", "county_line:"),
    ("INT-000501", "intelligence:supply"),
    ("int 501", "intelligence:supply"),
    ("ATH-7781234", "intelligence:supply"),
    ("GNG-0003", "gang:"),
    ("ath-7781234", "intelligence:supply"),
    # names of groups, lines and gangs
    ("harbourside", "ocg:"),
    ("Harbourside Frim", "ocg:"),  # misspelt
    ("blaze", "county_line:"),
    ("eastcliff", "gang:"),
    ("Eastclif Boys", "gang:"),
    # full text, stemmed, and phrases
    ("supplying cocaine", "intelligence:supply"),
    ('"crack cocaine"', "intelligence:supply"),
    ('"Quay Street"', "disruption:"),
    ("runners Margate", "intelligence:phone"),
]


@pytest.mark.parametrize(("query", "expected"), TABLE)
def test_the_table_of_queries(world, supervisor, query, expected):
    response = api(supervisor).get("/api/search/", {"q": query})
    assert response.status_code == 200, response.content
    top = [(row["type"], row["id"]) for row in response.json()["results"][:5]]
    assert _key(world, expected) in top, (query, top)


def test_a_quoted_phrase_is_a_phrase(world, supervisor):
    found = api(supervisor).get("/api/search/", {"q": '"cocaine crack"', "types": "intelligence"})
    assert found.json()["results"] == []


def test_rows_have_the_documented_fields(world, supervisor):
    rows = api(supervisor).get("/api/search/", {"q": "INT-000501"}).json()["results"]
    assert set(rows[0]) == {"type", "id", "reference", "label", "snippet", "score", "url"}
    assert rows[0]["url"] == f"/intelligence/{world['records']['supply'].pk}/"


def test_the_snippet_marks_the_words_found(world, supervisor):
    rows = api(supervisor).get("/api/search/", {"q": "cocaine", "types": "intelligence"}).json()
    assert "<mark>cocaine</mark>" in rows["results"][0]["snippet"]


def test_types_narrow_and_an_unknown_type_is_a_400(world, supervisor):
    client = api(supervisor)
    rows = client.get("/api/search/", {"q": "smith", "types": "ocg,county_line"}).json()
    assert {row["type"] for row in rows["results"]} <= {"ocg", "county_line"}
    bad = client.get("/api/search/", {"q": "smith", "types": "people"})
    assert bad.status_code == 400
    assert "types" in bad.json()
    assert client.get("/api/search/", {"q": "smith", "page": "x"}).status_code == 400


# --- scoping ---------------------------------------------------------------------------------


def test_code_c_conditions_are_never_matched_or_shown(world, supervisor, lro, force):
    world["ocg"].lead_responsible_officer = lro
    world["ocg"].save(update_fields=["lead_responsible_officer"])
    for user in (lro, supervisor):
        body = api(user).get("/api/search/", {"q": SECRET}).json()
        assert body["results"] == []
        cash = api(user).get("/api/search/", {"q": "cash storage", "types": "intelligence"})
        assert SECRET not in cash.content.decode()
        page = web(user).get("/search/", {"q": "storage unit"})
        assert SECRET not in page.content.decode()


def test_a_child_at_risk_is_found_only_by_those_who_may_see_them(world, clio, lro, supervisor):
    child = make_person(world["line"], name="Robinet Example")
    world["ocg"].lead_responsible_officer = lro
    world["ocg"].save(update_fields=["lead_responsible_officer"])
    seen = api(clio).get("/api/search/", {"q": "Robinet"}).json()["results"]
    assert ("person_at_risk", child.pk) in [(r["type"], r["id"]) for r in seen]
    page = web(lro).get("/search/", {"q": "Robinet"}).content.decode()
    # The query itself is shown back in the box; the child is not.
    assert "Robinet Example" not in page and f"/people-at-risk/{child.pk}/" not in page
    assert api(lro).get("/api/search/", {"q": "Robinet"}).json()["results"] == []
    suggestions = web(lro).get("/search/suggest/", {"q": "Robinet"}).content.decode()
    assert "Example" not in suggestions


def test_an_lro_finds_only_their_own_groups_people(world, lro, force):
    other = make_nominal("John", "Smithfield")
    world["ocg"].lead_responsible_officer = lro
    world["ocg"].save(update_fields=["lead_responsible_officer"])
    rows = api(lro).get("/api/search/", {"q": "john smith", "types": "person"}).json()["results"]
    ids = {row["id"] for row in rows}
    assert world["people"]["john"].pk in ids
    assert other.pk not in ids


def test_roles_without_police_records_have_no_search(auditor, administrator):
    for user in (auditor, administrator):
        assert web(user).get("/search/", {"q": "smith"}).status_code == 403
        assert api(user).get("/api/search/", {"q": "smith"}).status_code == 403
        assert 'data-testid="site-search"' not in web(user).get("/").content.decode()


# --- audit -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["/search/", "/search/suggest/", "/api/search/"], ids=["page", "box", "api"]
)
def test_every_search_is_one_audit_event(world, supervisor, address):
    client = api(supervisor) if address.startswith("/api/") else web(supervisor)
    before = AuditEvent.objects.filter(actor=supervisor, action=AuditAction.SEARCH).count()
    client.get(address, {"q": "John Smith"})
    events = AuditEvent.objects.filter(actor=supervisor, action=AuditAction.SEARCH)
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.object_type == "search"
    assert event.changes["query"]["q"] == "John Smith"
    assert "person" in event.changes["query"]["types"]
    assert f"person:{world['people']['john'].pk}" in event.changes["ids"]


def test_too_short_is_not_searched(supervisor):
    answer = services.search_run(actor=supervisor, text="j")
    assert not answer.searched and answer.groups == []
    assert not AuditEvent.objects.filter(actor=supervisor, action=AuditAction.SEARCH).exists()


# --- pages -----------------------------------------------------------------------------------


def test_the_results_page_groups_by_kind(world, supervisor):
    page = web(supervisor).get("/search/", {"q": "Quay Street"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Intelligence records" in html and "Disruptions" in html
    assert f'data-testid="result-intelligence-{world["records"]["supply"].pk}"' in html


def test_the_header_box_is_on_every_page_for_officers(supervisor, lro, clio):
    for user in (supervisor, lro, clio):
        assert 'data-testid="site-search"' in web(user).get("/").content.decode()


def test_one_kind_pages_through(world, supervisor, force):
    for i in range(12):
        make_nominal("Pagefolk", f"Number{i:02d}")
    client = web(supervisor)
    first = client.get("/search/", {"q": "pagefolk", "types": "person"})
    second = client.get("/search/", {"q": "pagefolk", "types": "person", "page": 2})
    assert len(first.context["answer"].groups[0].rows) == services.PAGE_SIZE
    assert len(second.context["answer"].groups[0].rows) == 2


# --- cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("many", [False, True], ids=["few", "many"])
def test_constant_queries(world, supervisor, force, many, django_assert_max_num_queries):
    if many:
        for i in range(15):
            make_nominal("Smithwick", f"Quayside{i}")
            make_record(ocgs=[world["ocg"]], summary=f"Fictional: Quay Street sighting {i}.")
    for client, path in (
        (web(supervisor), "/search/?q=smith"),
        (web(supervisor), "/search/suggest/?q=smith"),
        (api(supervisor), "/api/search/?q=smith"),
    ):
        client.get(path)
        with django_assert_max_num_queries(QUERY_BUDGETS[(path, "supervisor")]):
            assert client.get(path).status_code == 200


def test_a_deal_line_keeps_e164_and_what_was_typed(world, clgt_officer):
    added = line_add_deal_line(actor=clgt_officer, line=world["line"], number="+44 7700 900555")
    added.refresh_from_db()
    assert (added.number, added.e164, added.as_typed) == (
        "07700900555",
        "+447700900555",
        "+44 7700 900555",
    )
    rows = api(clgt_officer).get("/api/search/", {"q": "7700-900-555"}).json()["results"]
    assert ("county_line", world["line"].pk) in [(r["type"], r["id"]) for r in rows]
