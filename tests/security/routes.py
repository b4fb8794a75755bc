"""Every route of the URL conf, with how to fill it in and who must not see its record.

`test_every_route_is_listed` fails when a route is added without an entry here (or in EXEMPT with
a reason), so a new page or endpoint cannot ship without its access checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

MISSING_PK = 987654

# Routes with no access checks here, each for a stated reason.
EXEMPT = {
    "login": "the sign-in page itself; must be reachable signed out",
    "logout": "signing out; POST only (Django's LogoutView), reveals nothing",
    "healthz": "load-balancer probe; reports database/broker reachability only, no police data",
    "favicon": "a redirect to the static icon, for browsers that ask for /favicon.ico",
    "account-password": "the signed-in user's own password form, for everyone signed in (the one "
    "page left to an officer whose password an administrator set); test_administrators.py",
    "api:auth-token": "exchanging a username and password for a token is signing in; "
    "test_token_auth covers it",
    # The second step of signing in: only for the visitor who passed the password step in that
    # session (tests/security/test_two_factor.py).
    "login-code": "second sign-in step; test_two_factor.py covers it",
    "login-enrol": "second sign-in step (enrolment); test_two_factor.py covers it",
    "login-continue": "second sign-in step (after the recovery codes); test_two_factor.py",
    # An officer's own API tokens: every query starts from the signed-in user, so there is no
    # record of anyone else to find (tests/security/test_tokens.py proves it per route).
    "account-tokens": "the signed-in officer's own tokens; test_tokens.py covers it",
    "account-token-create": "mints a token for the signed-in officer only; test_tokens.py",
    "account-token-revoke": "the signed-in officer's own tokens only; test_tokens.py",
    "api:auth-logout": "revokes the presenting token; test_tokens.py covers it",
    "api:auth-logout-all": "revokes the presenting officer's tokens; test_tokens.py covers it",
    "api:auth-token-list": "the caller's own tokens; test_tokens.py covers it",
    "api:auth-token-detail": "the caller's own tokens only; test_tokens.py covers it",
}
# The Django admin is behind its own staff check; test_admin_needs_staff covers its front door.
EXEMPT_NAMESPACES = ("admin",)

# Who has no need to know about a kind of record (users of tests/security/conftest.py `world`).
CASE = ("lro_east",)
# The world's own LRO sees the line (it belongs to their OCG) but not the children at risk on it.
SAFEGUARDING = ("lro", "lro_east", "clgt_east", "analyst", "coordinator")
# What each of them must never find in any list, search, dashboard or export (MARKERS keys).
NOT_FOR = {
    "lro_east": (
        "ocg",
        "nominal",
        "line",
        "record",
        "conditions",
        "person",
        "disruption",
        "plan",
        "evidence",
        "gang",
    ),
    "lro": ("person", "conditions", "gang"),
    "clgt_east": ("person", "conditions", "gang"),
    "analyst": ("person", "conditions"),
    "coordinator": ("person", "conditions"),
}


@dataclass(frozen=True)
class Route:
    method: str = "GET"
    args: Callable[[Any], dict[str, Any]] | None = None
    hidden_from: tuple[str, ...] = ()
    # The marker (tests/security/conftest.py MARKERS) of the record the route shows.
    marker: str = ""
    # GET routes: a user who gets `works` (proves the route works, so denials mean something);
    # None where no GET of the world's record can succeed (said why at the entry).
    viewer: str | None = "supervisor"
    works: int = 200
    query: tuple[tuple[str, str], ...] | Callable[[Any], dict[str, Any]] = ()

    def params(self, world: Any) -> dict[str, Any]:
        return self.query(world) if callable(self.query) else dict(self.query)


def pk(name: str, **extra: Any) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {
        "pk": w.pk(name),
        **{k: (v(w) if callable(v) else v) for k, v in extra.items()},
    }


def _ocg_route(method: str = "POST", **kw: Any) -> Route:
    return Route(method=method, args=pk("ocg"), hidden_from=CASE, marker="ocg", **kw)


def _line_route(method: str = "POST", **kw: Any) -> Route:
    return Route(method=method, args=pk("line"), hidden_from=CASE, marker="line", **kw)


def _nominal_route(method: str = "POST", **kw: Any) -> Route:
    return Route(method=method, args=pk("nominal"), hidden_from=CASE, marker="nominal", **kw)


def _two_people(first: str, second: str) -> Callable[[Any], dict[str, Any]]:
    """The query naming the world's person and their twin (the merge pages' pair)."""
    return lambda w: {first: w.pk("nominal"), second: w.pk("twin")}


# Gangs are their division's: the east's CLGT and the LROs have no need to know North's.
GANG = ("lro_east", "clgt_east", "lro")


def _gang_route(method: str = "POST", args: Any = None, **kw: Any) -> Route:
    return Route(method, args or pk("gang"), GANG, "gang", **kw)


# Prevention work is the CLIOs' (their division's), the supervisors' and the analysts'.
PREVENTION = ("lro", "lro_east", "clgt_east", "clgt_officer", "coordinator", "researcher")


def _person_route(method: str = "POST", **kw: Any) -> Route:
    return Route(method=method, args=pk("person"), hidden_from=SAFEGUARDING, marker="person", **kw)


HTML: dict[str, Route] = {
    "home": Route(),
    # The officer's own role's guide and its screenshots (another role's images are 404).
    "guide": Route(),
    "guide-image": Route(args=lambda w: {"name": "supervisor-home.png"}),
    # Filter suggestions: each kind answers only roles that may read its records.
    "picker": Route(args=lambda w: {"kind": "ocg"}, query=(("picker", "ocg"), ("ocg_find", "ocg"))),
    # OCGs and nominals
    "ocg:list": Route(),
    "ocg:nominate": Route(),
    "ocg:detail": _ocg_route("GET"),
    "ocg:edit": _ocg_route("GET"),
    "ocg:score": Route("GET", pk("ocg"), CASE),
    "ocg:network": _ocg_route("GET"),
    "ocg:start-development": _ocg_route(),
    "ocg:submit": _ocg_route(),
    "ocg:approve": _ocg_route(),
    "ocg:return": _ocg_route("GET"),
    "ocg:adopt": _ocg_route("GET"),
    "ocg:close": _ocg_route("GET"),
    "ocg:reject": _ocg_route("GET"),
    "ocg:member-add": _ocg_route(),
    "ocg:member-end": Route(
        "POST", pk("ocg", membership_id=lambda w: w.pk("membership")), CASE, "ocg"
    ),
    "ocg:plan-add": _ocg_route(),
    "ocg:plan-status": Route("POST", pk("ocg", action_id=lambda w: w.pk("plan")), CASE, "plan"),
    "ocg:nominal-list": Route(),
    "ocg:nominal-create": Route(),
    "ocg:nominal-search": Route(marker="nominal", query=(("q", "Quillfeather"),)),
    # The search box: its page and its suggestions find only what the officer may see.
    "search:results": Route(marker="nominal", query=(("q", "Quillfeather"),)),
    "search:suggest": Route(marker="nominal", query=(("q", "Quillfeather"),)),
    "ocg:nominal-inline-create": Route("POST"),
    "ocg:nominal-detail": _nominal_route("GET"),
    "ocg:nominal-pick": _nominal_route("GET"),
    "ocg:nominal-edit": _nominal_route("GET"),
    # Gangs and street groups
    "gangs:list": Route(),
    "gangs:create": Route(),
    "gangs:detail": _gang_route("GET"),
    "gangs:edit": _gang_route("GET"),
    "gangs:add-member": _gang_route(),
    "gangs:remove-member": _gang_route(
        args=pk("gang", member_id=lambda w: w.pk("gang_membership"))
    ),
    "gangs:add-link": _gang_route(args=pk("gang", kind="county-lines")),
    "gangs:remove-link": _gang_route(
        args=pk("gang", kind="county-lines", target=lambda w: w.pk("line"))
    ),
    # Shares with other forces (kentsoc.sharing): the supervisors' list and forms; a share's page
    # also for the receiving force's readers while it is live.
    "sharing:list": Route(),
    "sharing:ask": Route("POST"),
    "sharing:offer": Route("GET", pk("line", kind="county-line"), CASE, "line"),
    "sharing:detail": Route("GET", pk("share"), CASE, "line"),
    "sharing:decide": Route("POST", pk("share", decision="approve"), CASE, "line"),
    # Lifetime management
    "lifetime:index": Route(works=302),  # a menu that opens the first list
    "lifetime:nominal": _nominal_route("GET"),
    "lifetime:custody-event": _nominal_route(),
    "lifetime:condition-add": _nominal_route(),
    "lifetime:scpo-apply": _nominal_route(),
    "lifetime:custody-dates": Route("POST", pk("period"), CASE, "nominal"),
    "lifetime:scpo-action": Route("POST", pk("scpo", action="make"), CASE, "nominal"),
    "lifetime:releases": Route(),
    "lifetime:scpos-expiring": Route(),
    "lifetime:scpo-breaches": Route(),
    "lifetime:in-prison": Route(),
    "lifetime:untrained-lros": Route(),
    "lifetime:training": Route(),
    "lifetime:training-create": Route(),
    "lifetime:training-detail": Route("GET", pk("training"), marker="training"),
    "lifetime:training-attendance": Route("POST", pk("training", kind="officer")),
    "lifetime:attention-dismiss": Route("POST", pk("attention"), ("supervisor",)),
    # County lines and safeguarding
    "countylines:list": Route(),
    "countylines:nominate": Route(),
    "countylines:deal-line-check": Route(),
    "countylines:nominal-search": Route(marker="nominal", query=(("q", "Quillfeather"),)),
    "countylines:people": Route(),
    "countylines:person-new": Route(viewer="clio"),
    # Prevention work and the CLIO activity summary
    "prevention:sessions": Route(),
    "prevention:session-new": Route(viewer="clio"),
    "prevention:session": Route("GET", pk("school_session"), PREVENTION, "school_session"),
    "prevention:interventions": Route(),
    "prevention:intervention-new": Route(viewer="clio"),
    "prevention:intervention": Route("GET", pk("intervention"), PREVENTION, "intervention"),
    "clio:activity": Route(),
    "countylines:person": _person_route("GET"),
    "countylines:person-edit": _person_route(),
    "countylines:referral-add": _person_route(),
    "countylines:referral-outcome": Route("POST", pk("referral"), SAFEGUARDING, "person"),
    "countylines:detail": _line_route("GET"),
    "countylines:score": Route("GET", pk("line"), CASE),
    "countylines:edit": _line_route("GET"),
    "countylines:history": _line_route("GET"),
    "countylines:safeguarding": Route("GET", pk("line"), SAFEGUARDING, "person"),
    "countylines:activate": _line_route(),
    "countylines:flex": _line_route(),
    "countylines:dismantle": _line_route(),
    "countylines:reject": _line_route(),
    "countylines:add-deal-line": _line_route(),
    "countylines:add-nominal": _line_route(),
    "countylines:remove-nominal": Route(
        "POST", pk("line", link_id=lambda w: w.pk("link")), CASE, "line"
    ),
    # Intelligence
    "intel:list": Route(),
    "intel:new": Route(),
    "intel:subject-search": Route(marker="nominal", query=(("subject_q", "Quillfeather"),)),
    "intel:detail": Route("GET", pk("record"), CASE, "record"),
    "intel:edit": Route("GET", pk("record"), CASE, "record"),
    "intel:delete": Route("GET", pk("record"), CASE),
    "intel:evidence": Route(marker="ocg", query=lambda w: {"ocg": w.pk("ocg")}),
    "intel:evidence-remove": Route("GET", pk("evidence"), CASE, "evidence"),
    # Matrix dashboard
    "matrix:dashboard": Route(),
    "matrix:live": Route(),
    "matrix:export": Route("GET", lambda w: {"name": "lines"}),
    "matrix:monthly": Route(),
    "matrix:partition": Route(
        "GET", lambda w: {"group": "lines", "code": w.objects["division"].code}, marker="line"
    ),
    # Figures by force for the supervisors of NCA / ERSOU teams, of which the world has none:
    # tests/dashboard/test_national.py proves who may and may not see it (403 for the rest).
    "matrix:national": Route(viewer=None),
    # Disruptions
    "disruptions:list": Route(),
    "disruptions:create": Route(),
    "disruptions:mine": Route(),
    "disruptions:approvals": Route(),
    "disruptions:subject-search": Route(marker="nominal", query=(("q", "Quillfeather"),)),
    "disruptions:court-results": Route(),
    "disruptions:detail": Route("GET", pk("disruption"), CASE, "disruption"),
    # The world's disruption is approved, so nobody may edit it any more.
    "disruptions:edit": Route("GET", pk("disruption"), CASE, "disruption", viewer=None),
    "disruptions:submit": Route("POST", pk("disruption"), CASE, "disruption"),
    "disruptions:approve": Route("POST", pk("disruption"), CASE, "disruption"),
    "disruptions:return": Route("POST", pk("disruption"), CASE, "disruption"),
    "disruptions:court-result-create": Route("GET", pk("disruption"), CASE),
    "disruptions:operations": Route(),
    "disruptions:operation-create": Route(),
    "disruptions:operation-detail": Route("GET", pk("operation"), marker="operation"),
    "disruptions:operation-edit": Route("GET", pk("operation"), marker="operation"),
    "disruptions:reports": Route(),
    # Likely duplicates and merges: coordinators and supervisors (people.merge_nominals). The
    # merge's survivor is the world's person, so its pages show the person's marker.
    "people:duplicates": Route(),
    "people:compare": Route(marker="nominal", query=_two_people("a", "b")),
    "people:merge": Route(marker="nominal", query=_two_people("survivor", "merged")),
    "people:merges": Route(marker="nominal"),
    "people:merge-detail": Route("GET", pk("merge"), CASE, "nominal"),
    "people:merge-undo": Route("POST", pk("merge"), CASE),
}

API: dict[str, Route] = {
    # Reference data: any user with a role reads it whole.
    "api:division-list": Route(),
    "api:division-detail": Route("GET", pk("division")),
    "api:district-list": Route(),
    "api:district-detail": Route("GET", pk("district")),
    "api:team-list": Route(),
    "api:team-detail": Route("GET", pk("team")),
    "api:officer-list": Route(),
    "api:officer-detail": Route("GET", pk("officer")),
    # Intelligence
    "api:intelligence-list": Route(),
    "api:intelligence-detail": Route("GET", pk("record"), CASE, "record"),
    # Matrix
    "api:matrix-county-line-list": Route(),
    "api:matrix-county-line-explain": Route("GET", pk("line"), CASE, "line"),
    "api:matrix-ocg-list": Route(),
    "api:matrix-ocg-explain": Route("GET", pk("ocg"), CASE, "ocg"),
    "api:matrix-snapshot-list": Route(),
    # OCGs and nominals
    "api:ocg-list": Route(),
    "api:ocg-detail": _ocg_route("GET"),
    "api:ocg-adopt": _ocg_route(),
    "api:ocg-approve-mapping": _ocg_route(),
    "api:ocg-close": _ocg_route(),
    "api:ocg-evidence": _ocg_route(),
    "api:ocg-members": _ocg_route(),
    "api:ocg-network": _ocg_route("GET"),
    "api:ocg-plan": Route("GET", pk("ocg"), CASE, "plan"),
    "api:ocg-plan-update": Route(
        "PATCH", pk("ocg", action_id=lambda w: w.pk("plan")), CASE, "plan"
    ),
    "api:ocg-reject": _ocg_route(),
    "api:ocg-return-submission": _ocg_route(),
    "api:ocg-start-development": _ocg_route(),
    "api:ocg-submit-for-mapping": _ocg_route(),
    "api:nominal-list": Route(),
    "api:search": Route(marker="nominal", query=(("q", "Quillfeather"),)),
    # Lifetime management lists
    "api:lifetime-release-list": Route(),
    "api:lifetime-scpo-expiring-list": Route(),
    "api:lifetime-scpo-breach-list": Route(),
    "api:lifetime-in-prison-list": Route(),
    "api:nominal-detail": _nominal_route("GET"),
    # County lines and safeguarding
    "api:county-line-list": Route(),
    "api:county-line-detail": _line_route("GET"),
    "api:county-line-activate": _line_route(),
    "api:county-line-deal-lines": _line_route(),
    "api:county-line-dismantle": _line_route(),
    "api:county-line-evidence": _line_route(),
    "api:county-line-flex": _line_route(),
    "api:county-line-nominals": _line_route(),
    "api:county-line-reject": _line_route(),
    "api:county-line-remove-nominal": Route(
        "DELETE", pk("line", link_id=lambda w: w.pk("link")), CASE, "line"
    ),
    "api:gang-list": Route(),
    "api:gang-detail": _gang_route("GET"),
    "api:gang-members": _gang_route(),
    "api:gang-remove-member": _gang_route(
        "DELETE", args=pk("gang", member_id=lambda w: w.pk("gang_membership"))
    ),
    "api:gang-county-lines": _gang_route(),
    "api:gang-remove-county-line": _gang_route(
        "DELETE", args=pk("gang", line_id=lambda w: w.pk("line"))
    ),
    "api:gang-ocgs": _gang_route(),
    "api:gang-remove-ocg": _gang_route("DELETE", args=pk("gang", ocg_id=lambda w: w.pk("ocg"))),
    "api:person-at-risk-list": Route(),
    "api:person-at-risk-detail": _person_route("GET"),
    "api:person-at-risk-referrals": _person_route(),
    "api:safeguarding-referral-detail": Route("PATCH", pk("referral"), SAFEGUARDING, "person"),
    # Prevention work
    "api:school-session-list": Route(),
    "api:school-session-detail": Route("GET", pk("school_session"), PREVENTION, "school_session"),
    "api:intervention-list": Route(),
    "api:intervention-detail": Route("GET", pk("intervention"), PREVENTION, "intervention"),
    "api:clio-activity": Route(query=(("from", "2022-01-01"), ("to", "2022-12-31"))),
    # Disruptions
    "api:activity-summary": Route(query=(("from", "2022-01-01"), ("to", "2022-12-31"))),
    "api:monthly-matrix": Route(query=(("month", "2022-07"),)),
    "api:national": Route(viewer=None),  # as matrix:national
    "api:disruption-list": Route(),
    "api:disruption-detail": Route("GET", pk("disruption"), CASE, "disruption"),
    "api:disruption-approve": Route("POST", pk("disruption"), CASE, "disruption"),
    "api:disruption-return-": Route("POST", pk("disruption"), CASE, "disruption"),
    "api:disruption-submit": Route("POST", pk("disruption"), CASE, "disruption"),
    "api:operation-list": Route(),
    "api:operation-detail": Route("GET", pk("operation"), marker="operation"),
    "api:court-result-list": Route(),
    "api:court-result-detail": Route("GET", pk("court_result"), CASE),
    # Audit trail: auditors and supervisors only.
    "audit:list": Route(hidden_from=("analyst",), viewer="auditor"),
    "api:audit-event-list": Route(hidden_from=("analyst",), viewer="auditor"),
    "api:audit-event-detail": Route(
        "GET", pk("audit_event"), ("analyst", "supervisor"), viewer="auditor"
    ),
    # The schema and its browser: signed-in users only (they map the whole API surface).
    "api:schema": Route(),
    "api:docs": Route(),
    # Likely duplicates and merges (kentsoc.people).
    "api:people-duplicate-list": Route(),
    "api:people-merge-create": Route("POST"),
    "api:people-merge-list": Route(marker="nominal"),
    "api:people-merge-detail": Route("GET", pk("merge"), CASE, "nominal"),
    "api:people-merge-undo": Route("POST", pk("merge"), CASE),
    # Shares with other forces (kentsoc.sharing).
    "api:share-list": Route(),
    "api:share-detail": Route("GET", pk("share"), CASE, "line"),
    "api:share-approve": Route("POST", pk("share"), CASE, "line"),
    "api:share-refuse": Route("POST", pk("share"), CASE, "line"),
    "api:share-revoke": Route("POST", pk("share"), CASE, "line"),
}

ROUTES: dict[str, Route] = {**HTML, **API}


def url_names() -> set[str]:
    """Every named route in the URL conf, namespaced ("ocg:detail")."""
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                if ns not in EXEMPT_NAMESPACES:
                    walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                assert p.name, f"unnamed route {p.pattern} cannot be checked"
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    return names


def checked_names() -> set[str]:
    return url_names() - set(EXEMPT)
