"""Every view of a record, every change and every export leaves a row on the audit trail."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.org.choices import Role
from kentsoc.org.roles import group_name
from tests.security.routes import ROUTES, checked_names

# (route, world object, audited object type, who reads it)
DETAIL_VIEWS = [
    ("ocg:detail", "ocg", "ocg.ocg", "supervisor"),
    ("ocg:nominal-detail", "nominal", "ocg.nominal", "supervisor"),
    ("countylines:detail", "line", "countylines.countyline", "supervisor"),
    ("intel:detail", "record", "intel.intelligencerecord", "supervisor"),
    ("disruptions:detail", "disruption", "disruptions.disruption", "supervisor"),
    ("countylines:person", "person", "countylines.personatrisk", "clio"),
    ("prevention:session", "school_session", "prevention.schoolsession", "clio"),
    ("prevention:intervention", "intervention", "prevention.streetgroupintervention", "clio"),
    ("lifetime:nominal", "nominal", "ocg.nominal", "coordinator"),
    ("api:ocg-detail", "ocg", "ocg.ocg", "supervisor"),
    ("api:nominal-detail", "nominal", "ocg.nominal", "supervisor"),
    ("api:county-line-detail", "line", "countylines.countyline", "supervisor"),
    ("api:intelligence-detail", "record", "intel.intelligencerecord", "supervisor"),
    ("api:disruption-detail", "disruption", "disruptions.disruption", "supervisor"),
    ("api:person-at-risk-detail", "person", "countylines.personatrisk", "clio"),
    # Edit forms show the whole record.
    ("intel:edit", "record", "intel.intelligencerecord", "supervisor"),
    ("ocg:nominal-edit", "nominal", "ocg.nominal", "supervisor"),
]


def signed_in(world, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def views_of(user, object_type: str, object_id) -> int:
    return AuditEvent.objects.filter(
        actor=user, action=AuditAction.VIEW, object_type=object_type, object_id=str(object_id)
    ).count()


@pytest.mark.parametrize(("name", "key", "object_type", "who"), DETAIL_VIEWS)
def test_reading_a_record_is_audited(name, key, object_type, who, world):
    obj = world.objects[key]
    user = world.users[who]
    response = signed_in(world, who).get(reverse(name, kwargs={"pk": obj.pk}))
    assert response.status_code == 200
    assert views_of(user, object_type, obj.pk) == 1
    event = AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW).latest("id")
    assert event.path == response.request["PATH_INFO"]


@pytest.mark.parametrize("name", ["audit:list", "api:audit-event-list"])
def test_reading_the_audit_trail_is_audited(name, world):
    auditor = world.users["auditor"]
    response = signed_in(world, "auditor").get(reverse(name), {"action": "view"})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(actor=auditor, object_type="audit.auditevent").get()
    assert event.action == AuditAction.VIEW
    assert event.changes["filters"] == {"action": "view"}


def test_reading_one_audit_event_is_audited(world):
    auditor = world.users["auditor"]
    pk = world.objects["audit_event"].pk
    response = signed_in(world, "auditor").get(reverse("api:audit-event-detail", args=[pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(actor=auditor, object_type="audit.auditevent").get()
    assert event.changes["filters"] == {"id": str(pk)}


def test_a_refused_read_is_not_a_view(world):
    """Nobody saw anything, so nothing is recorded as seen (and nothing about the record)."""
    stranger = world.users["lro_east"]
    ocg = world.objects["ocg"]
    assert signed_in(world, "lro_east").get(reverse("ocg:detail", args=[ocg.pk])).status_code == 404
    assert not AuditEvent.objects.filter(actor=stranger, action=AuditAction.VIEW).exists()


# --- exports --------------------------------------------------------------------------------


# Pages that must offer a CSV download (a page losing its export fails here first).
KNOWN_EXPORTS = {
    "ocg:list",
    "ocg:nominal-list",
    "countylines:list",
    "intel:list",
    "disruptions:list",
    "disruptions:reports",
    "lifetime:releases",
    "matrix:export",
    "matrix:monthly",
    "audit:list",
}


def test_every_csv_download_is_audited(world):
    """Every page of the URL conf is asked for ?format=csv; each one that answers with a CSV file
    (a list's export, a dashboard export) has recorded exactly one export event by that user."""
    exported = set()
    for name in sorted(checked_names()):
        spec = ROUTES.get(name)
        if spec is None or spec.method != "GET" or name.startswith("api:"):
            continue
        who = spec.viewer or "supervisor"
        user = world.users[who]
        kwargs = spec.args(world) if spec.args else {}
        before = AuditEvent.objects.filter(actor=user, action=AuditAction.EXPORT).count()
        response = signed_in(world, who).get(
            reverse(name, kwargs=kwargs), {**spec.params(world), "format": "csv"}
        )
        if not response.get("Content-Type", "").startswith("text/csv"):
            continue
        exported.add(name)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert content.strip(), f"{name}: empty CSV"
        events = AuditEvent.objects.filter(actor=user, action=AuditAction.EXPORT)
        assert events.count() == before + 1, name
        # A list's export names every row's id and their count; a dashboard's, its row count.
        changes = events.latest("id").changes
        assert "rows" in changes or {"ids", "count"} <= set(changes), name
    assert exported >= KNOWN_EXPORTS


# --- every write service writes the audit row ---------------------------------------------------

SERVICE_MODULES = [
    "ocg/services/common.py",
    "ocg/services/lifecycle.py",
    "ocg/services/memberships.py",
    "ocg/services/nominals.py",
    "ocg/services/nomination.py",
    "ocg/services/plan.py",
    "kentsoc/lifetime/services/attention.py",
    "kentsoc/lifetime/services/common.py",
    "kentsoc/lifetime/services/conditions.py",
    "kentsoc/lifetime/services/custody.py",
    "kentsoc/lifetime/services/scpos.py",
    "kentsoc/lifetime/services/training.py",
    "countylines/services/base.py",
    "countylines/services/deal_lines.py",
    "countylines/services/lifecycle.py",
    "countylines/services/lines.py",
    "countylines/services/nominals.py",
    "countylines/services/people.py",
    "kentsoc/prevention/services.py",
    "disruptions/services/approvals.py",
    "disruptions/services/court_results.py",
    "disruptions/services/disruptions.py",
    "disruptions/services/operations.py",
    "kentsoc/intel/services/evidence.py",
    "kentsoc/intel/services/records.py",
    "kentsoc/gangs/services/base.py",
    "kentsoc/gangs/services/gangs.py",
    "kentsoc/gangs/services/members.py",
    "kentsoc/gangs/services/links.py",
    "kentsoc/org/services.py",
    "kentsoc/accounts/officers.py",
    "kentsoc/people/services.py",
    "kentsoc/search/services.py",
]
AUDIT_CALLS = {"audit_record", "versioned_save", "audit_view", "audit_export"}
WRITE_CALLS = {"save", "create", "update", "delete", "bulk_create", "bulk_update"}
WRITE_CALLS |= {"update_or_create", "get_or_create", "set", "add", "remove", "clear"}
# Services that write derived data, not what a person did, each with the reason.
NOT_A_CHANGE = {
    "kentsoc/people/services.py:merge_plan": "reads only; `.add` is on a set of subject ids",
    "kentsoc/people/services.py:undo_problems": "reads only; `set` is Python's, of row ids",
    "kentsoc/lifetime/services/attention.py:attention_items_refresh": (
        "the daily task's to-do list, derived"
    ),
    "kentsoc/intel/services/records.py:claim_errors": (
        "validation only; `.add` is on a set of messages"
    ),
    "kentsoc/org/services.py:officer_sync_group": "group follows the role; its callers audit",
    "countylines/services/base.py:record_status_change": "a line's status history; callers audit",
    "disruptions/services/disruptions.py:disruption_check": (
        "the create service's checks on a refused form's input; writes nothing"
    ),
    "kentsoc/intel/services/records.py:intelligence_check": (
        "the create/update checks on a refused form's input; writes nothing"
    ),
    "disruptions/services/approvals.py:lines_last_disruption_refresh": (
        "each line's latest approved disruption's date, derived; disruption_approve audits"
    ),
}


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text())
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _called(fn: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def _reaches(calls: dict[str, set[str]], start: str, targets: set[str]) -> bool:
    """Does `start` call one of `targets`, itself or through the module's own functions?"""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if calls[name] & targets:
            return True
        todo.extend(c for c in calls[name] if c in calls)
    return False


def test_every_write_service_writes_an_audit_row():
    """Static: each public service that writes (directly or through its module's helpers)
    reaches audit_record. The behaviour is tested per service in each app's tests."""
    unaudited = []
    for module in SERVICE_MODULES:
        funcs = _functions(Path(settings.BASE_DIR) / module)
        calls = {name: _called(fn) for name, fn in funcs.items()}

        for name in funcs:
            if name.startswith("_") or f"{module}:{name}" in NOT_A_CHANGE:
                continue
            if _reaches(calls, name, WRITE_CALLS) and not _reaches(calls, name, AUDIT_CALLS):
                unaudited.append(f"{module}:{name}")
    assert unaudited == []


def test_a_change_through_the_api_is_audited_with_its_fields(world):
    """One end-to-end check of the static rule above: old and new values, who and where."""
    supervisor = world.users["supervisor"]
    nominal = world.objects["nominal"]
    response = signed_in(world, "supervisor").patch(
        reverse("api:nominal-detail", args=[nominal.pk]),
        json.dumps({"aliases": "Lex", "version": nominal.version}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(actor=supervisor, action=AuditAction.UPDATE)
    assert (event.object_type, event.object_id) == ("ocg.nominal", str(nominal.pk))
    assert event.changes == {"aliases": ["", "Lex"]}
    assert event.path == reverse("api:nominal-detail", args=[nominal.pk])


# --- the admin is no back door --------------------------------------------------------------------


def _officer_form(officer, **changes):
    data = {
        "collar_number": officer.collar_number,
        "rank": officer.rank,
        "role": officer.role,
        "team": officer.team_id,
        "division": officer.division_id or "",
    }
    return {**data, **changes}


def test_admin_role_change_moves_the_permission_group_and_is_audited(world, administrator):
    root = administrator
    client = Client()
    client.force_login(root)
    officer = world.users["supervisor"].officer
    url = reverse("admin:org_officer_change", args=[officer.pk])
    response = client.post(url, _officer_form(officer, role=Role.LRO))
    assert response.status_code == 302, response.content[:2000]
    groups = set(officer.user.groups.values_list("name", flat=True))
    assert groups == {group_name(Role.LRO)}
    officer.user.refresh_from_db()
    assert not officer.user.has_perm("disruptions.approve_disruption")
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.UPDATE, object_type="org.officer", object_id=str(officer.pk)
    ).exists()


def test_admin_cannot_change_their_own_role_or_take_another_profile(world, administrator):
    root = administrator
    own = root.officer
    client = Client()
    client.force_login(root)
    client.post(
        reverse("admin:org_officer_change", args=[own.pk]),
        _officer_form(own, role=Role.SUPERVISOR),
    )
    own.refresh_from_db()
    assert own.role == Role.ADMINISTRATOR
    other = world.users["clio"].officer
    client.post(
        reverse("admin:org_officer_change", args=[other.pk]),
        {**_officer_form(other), "user": root.pk},
    )
    other.refresh_from_db()
    assert other.user == world.users["clio"]
    assert Group.objects.get(name=group_name(Role.CLIO)).user_set.filter(pk=root.pk).count() == 0


def test_the_trail_records_where_from_and_a_forged_forwarded_for_is_ignored(world):
    """With no trusted proxy configured (PROXY_COUNT=0) the client's own address is recorded; an
    X-Forwarded-For header it sends could say anything."""
    client = signed_in(world, "supervisor")
    ocg = world.objects["ocg"]
    client.get(
        reverse("ocg:detail", args=[ocg.pk]),
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
        HTTP_X_REQUEST_ID="req-1234",
    )
    event = AuditEvent.objects.filter(actor=world.users["supervisor"]).latest("id")
    assert event.ip_address == "198.51.100.7"
    assert event.request_id == "req-1234"
