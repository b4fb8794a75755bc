"""Every read of people, intelligence or disruptions is on the audit trail (DOMAIN.md): a list page,
an API page, an export or a search writes exactly one event naming the ids it returned, the query
and the count, with one INSERT whatever the number of rows. An empty answer is recorded too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from disruptions.choices import DisruptionStatus
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_read
from kentsoc.web.api import AuditedListMixin
from kentsoc.web.generic import FilteredListView
from tests.clients import api, web
from tests.factories import make_disruption, make_record
from tests.security.conftest import MARKERS

# API lists: (route name, model the event names, people named through a foreign key).
API_LISTS = [
    ("api:intelligence-list", "intel.intelligencerecord", False),
    ("api:nominal-list", "ocg.nominal", False),
    ("api:ocg-list", "ocg.ocg", False),
    ("api:county-line-list", "countylines.countyline", False),
    ("api:person-at-risk-list", "countylines.personatrisk", False),
    ("api:disruption-list", "disruptions.disruption", False),
    ("api:operation-list", "disruptions.operation", False),
    ("api:court-result-list", "disruptions.courtresult", True),
    ("api:lifetime-release-list", "lifetime.custodyperiod", True),
    ("api:lifetime-scpo-expiring-list", "lifetime.scpo", True),
    ("api:lifetime-scpo-breach-list", "lifetime.scpobreach", True),
    ("api:lifetime-in-prison-list", "ocg.membership", True),
]
# The pages over the same selectors and FilterSets: (page, its API twin).
PAGES = {
    "intel:list": "api:intelligence-list",
    "ocg:nominal-list": "api:nominal-list",
    "ocg:list": "api:ocg-list",
    "countylines:list": "api:county-line-list",
    "countylines:people": "api:person-at-risk-list",
    "disruptions:list": "api:disruption-list",
    "disruptions:operations": "api:operation-list",
    "disruptions:court-results": "api:court-result-list",
    "lifetime:releases": "api:lifetime-release-list",
    "lifetime:scpos-expiring": "api:lifetime-scpo-expiring-list",
    "lifetime:scpo-breaches": "api:lifetime-scpo-breach-list",
    "lifetime:in-prison": "api:lifetime-in-prison-list",
}
# Operations and people at risk have no CSV download.
EXPORTS = [name for name in PAGES if name not in ("disruptions:operations", "countylines:people")]
# API lists that hold no person, intelligence or disruption: reference data, matrix scores, the
# audit trail (which records its own reading) and an officer's own tokens.
NOT_AUDITED_API = {
    "DivisionViewSet",
    "DistrictViewSet",
    "TeamViewSet",
    "OfficerViewSet",
    "CountyLineRankingViewSet",
    "OcgRankingViewSet",
    "ForceSnapshotViewSet",
    "AuditEventViewSet",
}
# Lists whose rows carry no id of their own: the person's id identifies the row.
ID = {"api:lifetime-in-prison-list": "nominal"}
NOT_AUDITED_PAGES = {"AuditEventListView", "UntrainedLroListView", "TrainingListView"}


def _one_new_event(before: int, **match: Any) -> AuditEvent:
    new = AuditEvent.objects.filter(id__gt=before)
    assert new.count() == 1, list(new.values_list("action", "object_type"))
    event = new.get()
    for key, value in match.items():
        assert getattr(event, key) == value, (key, getattr(event, key))
    return event


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _audit_inserts(ctx: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith('INSERT INTO "audit_auditevent"') for q in ctx.captured_queries)


def _ids(rows: list[dict] | AuditEvent) -> set[int]:
    """The ids a list showed, as a set (a page and its API twin may order them differently). The
    in-prison list's rows are memberships, shown by the person's id."""
    if isinstance(rows, AuditEvent):
        if rows.object_type == "ocg.membership":
            return set(rows.changes["also"]["ocg.nominal"])
        return set(rows.changes["ids"])
    return {row.get("id", row.get("nominal")) for row in rows}


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- API lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "model", "names_people"), API_LISTS)
def test_an_api_page_writes_one_event_naming_its_ids(world, name, model, names_people):
    supervisor = world.users["supervisor"]
    before = _last_id()
    with CaptureQueriesContext(connection) as ctx:
        response = api(supervisor).get(reverse(name), {"page_size": 5})
    assert response.status_code == 200, response.content
    assert _audit_inserts(ctx) == 1
    body = response.json()
    event = _one_new_event(before, action=AuditAction.LIST, object_type=model, actor=supervisor)
    ids = [row[ID.get(name, "id")] for row in body["results"]]
    assert (event.changes["also"]["ocg.nominal"] if name in ID else event.changes["ids"]) == ids
    assert event.changes["count"] == len(ids) and event.changes["total"] == body["count"]
    assert event.changes["query"] == {"page_size": "5"}
    assert event.object_repr.startswith(f"{len(ids)} listed")
    if names_people:
        named = list(dict.fromkeys(row["nominal"] for row in body["results"]))
        assert event.changes["also"] == {"ocg.nominal": named}


def test_the_world_gives_the_lists_rows(world):
    """So the tests above name real ids, not only empty lists."""
    supervisor = api(world.users["supervisor"])
    for name in (
        "api:intelligence-list",
        "api:nominal-list",
        "api:person-at-risk-list",
        "api:disruption-list",
        "api:court-result-list",
        "api:lifetime-release-list",
        "api:lifetime-in-prison-list",
    ):
        assert supervisor.get(reverse(name)).json()["results"], name


@pytest.mark.parametrize(("name", "model", "names_people"), API_LISTS)
def test_an_empty_api_page_is_audited_with_count_zero(force, supervisor, name, model, names_people):
    before = _last_id()
    response = api(supervisor).get(reverse(name))
    assert response.status_code == 200 and response.json()["results"] == []
    event = _one_new_event(before, action=AuditAction.LIST, object_type=model)
    assert event.changes["ids"] == [] and event.changes["count"] == 0
    assert event.object_repr == "0 listed"


def test_a_refused_list_writes_nothing(world):
    """403 before any row is read: nothing was shown, so nothing is recorded."""
    before = _last_id()
    assert api(world.users["auditor"]).get(reverse("api:intelligence-list")).status_code == 403
    assert _last_id() == before


def test_an_api_page_costs_the_same_queries_for_one_row_or_five_hundred(world):
    analyst = world.users["analyst"]
    ocg = world.objects["ocg"]
    for _ in range(40):
        make_record(ocgs=[ocg])
    client = api(analyst)
    url = reverse("api:intelligence-list")
    client.get(url, {"page_size": 1})  # warm per-process caches (permissions, content types)

    def queries(size: int) -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200
        return len(ctx.captured_queries), _audit_inserts(ctx), len(response.json()["results"])

    one, inserts_one, rows_one = queries(1)
    many, inserts_many, rows_many = queries(500)
    assert (rows_one, rows_many) == (1, 41)
    assert inserts_one == inserts_many == 1
    assert many == one
    event = AuditEvent.objects.filter(actor=analyst, action=AuditAction.LIST).latest("id")
    assert len(event.changes["ids"]) == 41 and event.changes["total"] == 41


# --- pages and exports --------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_a_list_page_writes_one_event_naming_the_rows_it_shows(world, page):
    supervisor = world.users["supervisor"]
    api_ids = _ids(api(supervisor).get(reverse(PAGES[page])).json()["results"])
    client = web(supervisor)  # signing in is an audit event of its own
    before = _last_id()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert _audit_inserts(ctx) == 1
    event = _one_new_event(before, action=AuditAction.LIST, actor=supervisor)
    assert _ids(event) == api_ids
    assert event.changes["count"] == len(api_ids) == event.changes["total"]


@pytest.mark.parametrize("page", EXPORTS)
def test_an_export_writes_one_event_naming_every_row(world, page):
    supervisor = world.users["supervisor"]
    api_ids = _ids(api(supervisor).get(reverse(PAGES[page])).json()["results"])
    client = web(supervisor)  # signing in is an audit event of its own
    before = _last_id()
    response = client.get(reverse(page), {"format": "csv"})
    assert response.status_code == 200
    _body(response)
    event = _one_new_event(before, action=AuditAction.EXPORT, actor=supervisor)
    assert _ids(event) == api_ids and event.changes["count"] == len(api_ids)
    assert event.changes["query"] == {"format": "csv"}


def test_an_empty_page_and_export_are_audited(force, supervisor):
    client = web(supervisor)  # signing in is an audit event of its own
    for fmt, action in (({}, AuditAction.LIST), ({"format": "csv"}, AuditAction.EXPORT)):
        before = _last_id()
        response = client.get(reverse("intel:list"), fmt)
        assert response.status_code == 200
        _body(response)
        event = _one_new_event(before, action=action, object_type="intel.intelligencerecord")
        assert event.changes["ids"] == [] and event.changes["count"] == 0


def test_the_people_named_by_lifetime_rows_are_on_the_event(world):
    nominal = world.objects["nominal"]
    client = web(world.users["supervisor"])  # signing in is an audit event of its own
    before = _last_id()
    client.get(reverse("lifetime:releases"))
    event = _one_new_event(before, object_type="lifetime.custodyperiod")
    assert event.changes["ids"] == [world.pk("period")]
    assert event.changes["also"] == {"ocg.nominal": [nominal.pk]}


@pytest.mark.parametrize(
    ("page", "user", "model"),
    [
        ("disruptions:mine", "clgt_officer", "disruptions.disruption"),
        ("disruptions:approvals", "supervisor", "disruptions.disruption"),
    ],
)
def test_work_queues_of_disruptions_are_audited(world, page, user, model):
    client = web(world.users[user])  # signing in is an audit event of its own
    before = _last_id()
    assert client.get(reverse(page)).status_code == 200
    _one_new_event(before, action=AuditAction.LIST, object_type=model)


def test_the_safeguarding_tab_names_the_people_at_risk_by_id_only(world):
    person = world.objects["person"]
    client = web(world.users["supervisor"])  # signing in is an audit event of its own
    before = _last_id()
    url = reverse("countylines:safeguarding", args=[world.pk("line")])
    assert client.get(url).status_code == 200
    event = _one_new_event(before, action=AuditAction.LIST, object_type="countylines.personatrisk")
    assert event.changes["ids"] == [person.pk]
    assert MARKERS["person"] not in json.dumps(event.changes) + event.object_repr


# --- searches -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "user", "params"),
    [
        ("ocg:nominal-search", "supervisor", {"q": "Quillfeather"}),
        ("countylines:nominal-search", "supervisor", {"q": "Quillfeather"}),
        ("intel:subject-search", "supervisor", {"subject_q": "Quillfeather"}),
        ("disruptions:subject-search", "clgt_officer", {"q": "Quillfeather"}),
    ],
)
def test_a_search_writes_one_event_naming_the_people_found(world, route, user, params):
    nominal = world.objects["nominal"]
    client = web(world.users[user])  # signing in is an audit event of its own
    before = _last_id()
    response = client.get(reverse(route), params)
    assert response.status_code == 200 and MARKERS["nominal"] in response.content.decode()
    event = _one_new_event(before, action=AuditAction.SEARCH, object_type="ocg.nominal")
    assert event.changes["ids"] == [nominal.pk] and event.changes["count"] == 1
    assert set(params.items()) <= set(event.changes["query"].items())
    # Nothing matched: still one event, naming no one.
    before = _last_id()
    empty = dict.fromkeys(params, "Nobodyhere")
    assert client.get(reverse(route), empty).status_code == 200
    event = _one_new_event(before, action=AuditAction.SEARCH, object_type="ocg.nominal")
    assert event.changes["ids"] == [] and event.changes["count"] == 0


@pytest.mark.parametrize("route", ["ocg:network", "api:ocg-network"])
def test_the_ocg_network_names_its_people(world, route):
    ocg = world.objects["ocg"]
    client = web(world.users["supervisor"])
    before = _last_id()
    network = client.get(reverse(route, args=[ocg.pk])).json()
    people = [int(n["id"].split("-")[1]) for n in network["nodes"] if n["kind"] == "nominal"]
    assert world.pk("nominal") in people
    event = _one_new_event(before, action=AuditAction.LIST, object_type="ocg.nominal")
    assert event.changes["ids"] == people and event.changes["query"] == {"ocg": str(ocg.pk)}


def test_the_home_page_audits_the_people_and_disruptions_its_panels_name(world):
    coordinator = world.users["coordinator"]
    client = web(coordinator)
    before = _last_id()
    page = client.get(reverse("home"))
    assert MARKERS["nominal"] in page.content.decode()  # the release due, in the attention panel
    event = _one_new_event(before, action=AuditAction.LIST, object_type="ocg.nominal")
    assert event.changes["ids"] == [world.pk("nominal")]
    draft = make_disruption(
        author=world.users["clgt_officer"],
        team=world.objects["team"],
        status=DisruptionStatus.DRAFT,
        lines=[world.objects["line"]],
    )
    client = web(world.users["clgt_officer"])
    before = _last_id()
    assert client.get(reverse("home")).status_code == 200
    event = _one_new_event(before, action=AuditAction.LIST, object_type="disruptions.disruption")
    assert event.changes["ids"] == [draft.pk]


# --- the Audit page shows them ------------------------------------------------------------------


def test_the_audit_page_filters_list_reads_and_shows_model_and_count(world):
    api(world.users["supervisor"]).get(reverse("api:intelligence-list"))
    page = web(world.users["auditor"]).get(reverse("audit:list"), {"action": "list"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Listed" in text and "intel.intelligencerecord" in text and "1 listed" in text


def test_the_audit_page_shows_a_long_list_of_ids_in_brief(world):
    analyst = world.users["analyst"]
    audit_read(actor=analyst, model="ocg.nominal", ids=list(range(1, 501)), query={"q": "x"})
    page = web(world.users["auditor"]).get(reverse("audit:list"), {"action": "list"})
    text = page.content.decode()
    assert "500 listed" in text and "… 480 more" in text and "1, 2, 3," in text
    assert ", 21," not in text  # the 21st id onwards are in the downloads, not on the page
    event = web(world.users["auditor"]).get(reverse("api:audit-event-list"), {"action": "list"})
    assert len(event.json()["results"][0]["changes"]["ids"]) == 500


# --- no list is left out ------------------------------------------------------------------------


def _api_viewsets() -> dict[str, type]:
    found: dict[str, type] = {}

    def walk(patterns: list) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                cls = getattr(entry.callback, "cls", None)
                actions = getattr(entry.callback, "actions", None) or {}
                if cls is not None and "list" in actions.values():
                    found[cls.__name__] = cls

    walk(get_resolver().url_patterns)
    return found


def test_every_api_list_of_case_data_is_audited():
    viewsets = _api_viewsets()
    assert set(viewsets) >= NOT_AUDITED_API
    unaudited = [
        name
        for name, cls in viewsets.items()
        if name not in NOT_AUDITED_API and not issubclass(cls, AuditedListMixin)
    ]
    assert unaudited == []


def test_every_list_page_audits_unless_it_holds_no_case_data():
    def subclasses(cls: type) -> list[type]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    import kentsoc.trail.views  # noqa: F401  (every list page's module is loaded by the URL conf)

    get_resolver().url_patterns  # noqa: B018
    pages = {cls.__name__: cls for cls in subclasses(FilteredListView) if hasattr(cls, "selector")}
    assert set(pages) >= NOT_AUDITED_PAGES
    assert {name for name, cls in pages.items() if not cls.audit_reads} == NOT_AUDITED_PAGES
