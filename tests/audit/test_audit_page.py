"""The Audit page and /api/audit/: auditors only, one FilterSet for both, CSV
export, constant queries, and reading the trail is itself audited."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.org.scoping import access_for
from kentsoc.trail.filters import AuditEventFilterSet
from kentsoc.web.navigation import nav_items
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_AUDITORS = ["coordinator", "researcher", "lro", "clgt_officer", "clio", "supervisor", "analyst"]


def _at(monkeypatch, when: datetime.datetime) -> None:
    # `at` is auto_now_add and rows can never be updated, so events from other days are written
    # with the clock moved.
    monkeypatch.setattr(timezone, "now", lambda: when)


@pytest.fixture
def trail(monkeypatch, coordinator, analyst):
    """A small, known trail: two people, several actions, two days."""
    tz = timezone.get_current_timezone()
    _at(monkeypatch, datetime.datetime(2026, 1, 10, 9, 30, tzinfo=tz))
    early = audit_record(
        actor=coordinator,
        action=AuditAction.CREATE,
        object_type="ocg.ocg",
        object_id=41,
        object_repr="OCG-0041 Fictional Crew",
        changes={"status": [None, "nominated"]},
    )
    _at(monkeypatch, datetime.datetime(2026, 3, 5, 14, 0, tzinfo=tz))
    later = [
        audit_record(actor=analyst, action=AuditAction.VIEW, object_type="ocg.ocg", object_id=41),
        audit_record(
            actor=analyst,
            action=AuditAction.UPDATE,
            object_type="intel.intelligencerecord",
            object_id=7,
            changes={"summary": ["old", "=HYPERLINK(evil)"]},
        ),
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, actor_username="nobody"),
    ]
    monkeypatch.undo()
    return {"early": early, "later": later}


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


# --- Who may read it --------------------------------------------------------------------------


def test_an_auditor_reads_the_trail(client, auditor, trail):
    client.force_login(auditor)
    response = client.get("/audit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Audit trail" in html
    assert "OCG-0041 Fictional Crew" in html
    assert "intel.intelligencerecord" in html
    assert html.count('data-testid="audit-row"') == 6  # four events, the sign-in, this visit
    assert 'data-testid="csv-export"' in html


@pytest.mark.parametrize("officer", [False, True])
def test_a_superuser_or_administrator_is_refused(client, trail, administrator, officer):
    """Superuser status grants nothing, and the Administrator role has no audit-trail access."""
    user = administrator if officer else UserFactory(username="root", is_superuser=True)
    user.is_superuser = user.is_staff = True
    user.save()
    client.force_login(user)

    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/?format=csv").status_code == 403
    api = client.get("/api/audit/")
    assert api.status_code == 403
    assert "results" not in api.json()


@pytest.mark.parametrize("role", NOT_AUDITORS)
def test_every_other_role_is_refused(client, request, role, trail):
    client.force_login(request.getfixturevalue(role))

    page = client.get("/audit/")
    assert page.status_code == 403
    assert "You do not have access to this page" in page.content.decode()
    assert client.get("/audit/?format=csv").status_code == 403
    assert client.get("/audit/?format=json").status_code == 403
    api = client.get("/api/audit/")
    assert api.status_code == 403
    assert "results" not in api.json()
    assert client.get(f"/api/audit/{trail['early'].pk}/").status_code == 403
    # A refused look is not recorded as a look at the trail.
    assert not AuditEvent.objects.filter(object_type="audit.auditevent").exists()


def test_a_user_without_a_role_is_refused(client, outsider, trail):
    client.force_login(outsider)

    assert client.get("/audit/").status_code == 403
    assert client.get("/api/audit/").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, trail):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/"
    assert client.get("/api/audit/").status_code in (401, 403)


def test_only_auditors_see_audit_in_the_navigation(auditor, supervisor, analyst):
    def labels(user):
        return [item.label for item in nav_items(access_for(user), "/")]

    assert "Audit" in labels(auditor)
    assert "Audit" not in labels(supervisor)
    assert "Audit" not in labels(analyst)


# --- Filters (one FilterSet for the page, the CSV and the API) --------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"who": "ANALYST"}, {"view", "update"}),
        ({"action": "login_failed"}, {"login_failed"}),
        ({"object_type": "OCG.ocg"}, {"create", "view"}),
        ({"object_type": "ocg.ocg", "object_id": "41"}, {"create", "view"}),
        ({"object_id": "7"}, {"update"}),
        ({"date_after": "2026-03-01"}, {"view", "update", "login_failed"}),
        ({"date_before": "2026-01-10"}, {"create"}),
        ({"date_after": "2026-01-11", "date_before": "2026-03-04"}, set()),
    ],
)
def test_filters(trail, params, expected):
    filterset = AuditEventFilterSet(params, queryset=AuditEvent.objects.all())

    assert filterset.is_valid(), filterset.errors
    assert {e.action for e in filterset.qs} == expected


def test_filter_by_request_id(client, auditor, coordinator):
    client.post(
        "/login/",
        {"username": "coordinator", "password": "wrong-password-1"},
        HTTP_X_REQUEST_ID="req-42",
    )
    audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.ocg")
    client.force_login(auditor)

    data = client.get("/api/audit/", {"request_id": "req-42"}).json()

    assert [(e["action"], e["actor_username"]) for e in data["results"]] == [
        ("login_failed", "coordinator")
    ]


def test_the_page_filters_and_shows_bad_filters(client, auditor, trail):
    client.force_login(auditor)

    html = client.get("/audit/", {"action": "update"}).content.decode()
    assert html.count('data-testid="audit-row"') == 1
    assert "intel.intelligencerecord" in html

    bad = client.get("/audit/", {"date_after": "not-a-date"})
    assert bad.status_code == 200
    assert "Check the filters" in bad.content.decode()
    assert 'data-testid="audit-row"' not in bad.content.decode()


def test_htmx_filtering_returns_only_the_table(client, auditor, trail):
    client.force_login(auditor)

    response = client.get("/audit/", {"who": "nobody"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert html.count('data-testid="audit-row"') == 1
    # The downloads follow the filter the table now shows.
    assert 'href="?who=nobody&amp;format=csv"' in html
    assert 'href="?who=nobody&amp;format=json"' in html


def test_the_api_uses_the_same_filters_and_paginates(client, auditor, trail):
    client.force_login(auditor)

    data = client.get("/api/audit/", {"who": "analyst", "page_size": 1}).json()

    assert data["count"] == 2
    assert len(data["results"]) == 1
    assert data["next"]
    newest = data["results"][0]
    assert newest["action"] == "update"
    assert newest["changes"] == {"summary": ["old", "=HYPERLINK(evil)"]}
    assert set(newest) >= {"at", "actor_username", "object_type", "object_id", "request_id"}

    bad = client.get("/api/audit/", {"action": "tamper"})
    assert bad.status_code == 400
    assert "action" in bad.json()


def test_the_api_is_read_only(client, auditor, trail):
    client.force_login(auditor)
    pk = trail["early"].pk

    assert client.get(f"/api/audit/{pk}/").json()["object_repr"] == "OCG-0041 Fictional Crew"
    assert client.post("/api/audit/", {"action": "view"}).status_code == 405
    assert client.delete(f"/api/audit/{pk}/").status_code == 405
    assert client.patch(f"/api/audit/{pk}/", {}, content_type="application/json").status_code == 405
    assert AuditEvent.objects.filter(pk=pk, action=AuditAction.CREATE).exists()


# --- Reading and exporting are audited --------------------------------------------------------


def test_reading_the_trail_is_audited_with_the_search(client, auditor, trail):
    client.force_login(auditor)
    client.get("/audit/", {"who": "analyst", "action": ""})
    client.get("/api/audit/", {"object_type": "ocg.ocg"})

    views = list(AuditEvent.objects.filter(actor=auditor, action=AuditAction.VIEW).order_by("id"))
    assert [(v.object_type, v.changes) for v in views] == [
        ("audit.auditevent", {"filters": {"who": "analyst"}}),
        ("audit.auditevent", {"filters": {"object_type": "ocg.ocg"}}),
    ]
    assert views[0].path == "/audit/"


def test_csv_export_of_the_filtered_list_is_audited(client, auditor, trail):
    client.force_login(auditor)

    response = client.get("/audit/", {"who": "analyst", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-trail-' in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:5] == ["When", "Who", "Action", "Object type", "Object id"]
    assert [(r[1], r[2], r[3], r[4]) for r in rows[1:]] == [
        ("analyst", "update", "intel.intelligencerecord", "7"),
        ("analyst", "view", "ocg.ocg", "41"),
    ]
    assert json.loads(rows[1][6]) == {"summary": ["old", "=HYPERLINK(evil)"]}
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.actor == auditor
    assert export.object_type == "audit.auditevent"
    assert export.changes == {"rows": 2, "filters": {"who": "analyst", "format": "csv"}}
    # The export is recorded as an export, not also as a view.
    assert not AuditEvent.objects.filter(actor=auditor, action=AuditAction.VIEW).exists()


def test_json_export_of_the_filtered_list_is_audited(client, auditor, trail):
    client.force_login(auditor)

    response = client.get("/audit/", {"object_type": "ocg.ocg", "format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="audit-trail-' in response["Content-Disposition"]
    events = json.loads(b"".join(response.streaming_content))
    assert [(e["action"], e["actor_username"], e["object_id"]) for e in events] == [
        ("view", "analyst", "41"),
        ("create", "coordinator", "41"),
    ]
    assert events[1]["changes"] == {"status": [None, "nominated"]}
    assert events[1]["at"].startswith("2026-01-10T09:30:00")
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.changes == {"rows": 2, "filters": {"object_type": "ocg.ocg", "format": "json"}}


def test_json_export_with_a_bad_filter_says_so(client, auditor, trail):
    client.force_login(auditor)

    response = client.get("/audit/", {"date_after": "yesterday-ish", "format": "json"})

    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- Constant queries -------------------------------------------------------------------------


def _more_events(actor, n):
    for i in range(n):
        audit_record(actor=actor, action=AuditAction.VIEW, object_type="ocg.ocg", object_id=i)


def test_the_page_costs_the_same_queries_for_one_row_or_many(
    client, auditor, coordinator, django_assert_max_num_queries
):
    client.force_login(auditor)
    _more_events(coordinator, 1)
    client.get("/audit/")  # warm the session and permission caches alike for both runs
    # One of them reads the kinds of record the trail holds, for the filter's choices.
    with django_assert_max_num_queries(10) as small:
        client.get("/audit/")
    _more_events(coordinator, 60)
    with django_assert_max_num_queries(10) as large:
        response = client.get("/audit/")

    assert len(large.captured_queries) == len(small.captured_queries)
    # 61 events, the sign-in and three visits, on one page of 100
    assert response.content.decode().count('data-testid="audit-row"') == 65


def test_the_api_costs_the_same_queries_for_one_row_or_many(
    client, auditor, coordinator, django_assert_max_num_queries
):
    client.force_login(auditor)
    _more_events(coordinator, 1)
    client.get("/api/audit/")
    with django_assert_max_num_queries(9) as small:
        client.get("/api/audit/")
    _more_events(coordinator, 60)
    with django_assert_max_num_queries(9) as large:
        data = client.get("/api/audit/").json()

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(data["results"]) == 50


def test_every_cell_of_a_row_is_escaped(client, auditor, coordinator):
    """What the trail stores came from people (names, reasons, typed values): a row writes it as
    text, whichever cell it is in, and keeps its own markup."""
    audit_record(
        actor=coordinator,
        action=AuditAction.UPDATE,
        object_type="ocg.ocg",
        object_id=41,
        object_repr='<script>alert("repr")</script>',
        changes={"summary": ["<b>old</b>", "<i>new</i>"]},
        reason="<img src=x onerror=alert(1)>",
    )
    client.force_login(auditor)

    page = client.get("/audit/?action=update").content.decode()

    for raw in ('<script>alert("repr")</script>', "<b>old</b>", "<i>new</i>", "<img src=x"):
        assert raw not in page
    assert "&lt;script&gt;alert(&quot;repr&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;old&lt;/b&gt; → &lt;i&gt;new&lt;/i&gt;" in page
    assert "<strong>Reason:</strong> &lt;img src=x onerror=alert(1)&gt;" in page
    assert '<code>ocg.ocg</code> #41<br><span class="muted">' in page
