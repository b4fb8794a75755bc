"""The probes of the leak matrix: every GET route of the URL resolver and every operation of the
OpenAPI schema, filled in from a division of tests/security/matrix.py's world, with a plausible
body for each change. Each write names its area (matrix.WRITERS) and the record it touches, so
the test knows who must be refused."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.urls import resolve, reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from tests.security.matrix import DIVISIONS, MatrixWorld
from tests.security.routes import EXEMPT, ROUTES, url_names

UNSAFE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    url: str
    params: tuple[tuple[str, Any], ...] = ()
    # Writes: the area whose writers may do this (None: nobody) and the kind of record touched.
    area: str | None = None
    target: str | None = None
    body: dict[str, Any] | None = None

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params)
        return f"{self.method} {self.url}{'?' + query if query else ''}"


def schema_operations() -> list[tuple[str, str, str]]:
    """(method, path template, route name) of every operation the OpenAPI schema documents."""
    # The schema's own warnings are H6's business (and `manage.py spectacular --validate`'s).
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, methods in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        match = resolve(concrete)
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        for method in methods:
            if method in ("get", *UNSAFE):
                ops.append((method, path, name))
    return ops


class _Recorder:
    """Stands in for a division when asking a route's `args` which record it is about."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.objects = self

    def __getitem__(self, name: str) -> Any:
        self.names.append(name)
        return _Anything()

    def pk(self, name: str) -> int:
        self.names.append(name)
        return 1


class _Anything:
    pk = 1
    code = "X"


# The kind of marker (matrix.may_see) of the record a route's first path argument names.
_TARGET_KIND = {
    "ocg": "ocg",
    "membership": "ocg",
    "plan": "plan",
    "evidence": "evidence",
    "nominal": "nominal",
    "period": "custody",
    "scpo": "custody",
    "training": "training",
    "person": "person",
    "referral": "person",
    "line": "line",
    "link": "line",
    "record": "record",
    "disruption": "disruption",
    "court_result": "disruption",
    "operation": "operation",
    "audit_event": "audit",
    "gang": "gang",
    "school_session": "prevention",
    "intervention": "prevention",
    "share": "share",
}


def target_kind(name: str) -> str | None:
    spec = ROUTES.get(name)
    if spec is None or spec.args is None:
        return None
    recorder = _Recorder()
    spec.args(recorder)
    return _TARGET_KIND.get(recorder.names[0]) if recorder.names else None


# Which area's writers may change things through each route. Routes not named here are read
# pages: nobody writes through them.
_HTML_AREAS = {
    "ocg:nominate": "ocg",
    "ocg:edit": "ocg",
    "ocg:start-development": "ocg",
    "ocg:submit": "ocg",
    "ocg:approve": "approval",
    "ocg:return": "approval",
    "ocg:adopt": "approval",
    "ocg:close": "ocg",
    "ocg:reject": "ocg",
    "ocg:member-add": "ocg",
    "ocg:member-end": "ocg",
    "ocg:plan-add": "ocg_plan",
    "ocg:plan-status": "ocg_plan",
    "ocg:nominal-create": "nominal",
    "ocg:nominal-inline-create": "nominal",
    "ocg:nominal-edit": "nominal",
    "lifetime:custody-event": "lifetime",
    "lifetime:condition-add": "lifetime",
    "lifetime:scpo-apply": "lifetime",
    "lifetime:custody-dates": "lifetime",
    "lifetime:scpo-action": "lifetime",
    "lifetime:training-create": "training",
    "lifetime:training-attendance": "training",
    "lifetime:attention-dismiss": "attention",
    "countylines:nominate": "line",
    "countylines:edit": "line",
    "countylines:add-deal-line": "line",
    "countylines:add-nominal": "line",
    "countylines:remove-nominal": "line",
    "countylines:dismantle": "line",
    "countylines:reject": "line",
    "countylines:activate": "approval",
    "countylines:flex": "approval",
    "countylines:person-edit": "safeguarding",
    "countylines:referral-add": "safeguarding",
    "countylines:referral-outcome": "safeguarding",
    "intel:new": "intelligence",
    "intel:edit": "intelligence",
    "intel:delete": "intelligence",
    "intel:evidence": "ocg_evidence",
    "intel:evidence-remove": "ocg_evidence",
    "disruptions:create": "disruption",
    "disruptions:edit": "disruption",
    "disruptions:submit": "disruption",
    "disruptions:court-result-create": "court_result",
    "disruptions:approve": "approval",
    "disruptions:return": "approval",
    "disruptions:operation-create": "operation",
    "disruptions:operation-edit": "operation",
    "people:merge": "merge",
    "people:merge-undo": "merge",
    "sharing:ask": "share",
    "sharing:offer": "share",
    "sharing:decide": "share",
}

_API_AREAS = {
    "api:intelligence-list": "intelligence",
    "api:intelligence-detail": "intelligence",
    "api:nominal-list": "nominal",
    "api:nominal-detail": "nominal",
    "api:ocg-list": "ocg",
    "api:ocg-detail": "ocg",
    "api:ocg-start-development": "ocg",
    "api:ocg-submit-for-mapping": "ocg",
    "api:ocg-approve-mapping": "approval",
    "api:ocg-return-submission": "approval",
    "api:ocg-adopt": "approval",
    "api:ocg-close": "ocg",
    "api:ocg-reject": "ocg",
    "api:ocg-members": "ocg",
    "api:ocg-evidence": "ocg_evidence",
    "api:ocg-plan": "ocg_plan",
    "api:ocg-plan-update": "ocg_plan",
    "api:county-line-list": "line",
    "api:county-line-detail": "line",
    "api:county-line-deal-lines": "line",
    "api:county-line-dismantle": "line",
    "api:county-line-nominals": "line",
    "api:county-line-remove-nominal": "line",
    "api:county-line-reject": "line",
    "api:county-line-activate": "approval",
    "api:county-line-flex": "approval",
    "api:county-line-evidence": "line_evidence",
    "api:person-at-risk-list": "safeguarding",
    "api:person-at-risk-detail": "safeguarding",
    "api:person-at-risk-referrals": "safeguarding",
    "api:safeguarding-referral-detail": "safeguarding",
    "api:disruption-list": "disruption",
    "api:disruption-detail": "disruption",
    "api:disruption-submit": "disruption",
    "api:disruption-approve": "approval",
    "api:disruption-return-": "approval",
    "api:operation-list": "operation",
    "api:operation-detail": "operation",
    "api:court-result-list": "court_result",
    "api:people-merge-create": "merge",
    "api:people-merge-undo": "merge",
    "api:gang-list": "gang",
    "api:gang-detail": "gang",
    "api:gang-members": "gang",
    "api:gang-remove-member": "gang",
    "api:gang-county-lines": "gang",
    "api:gang-remove-county-line": "gang",
    "api:gang-ocgs": "gang",
    "api:gang-remove-ocg": "gang",
    "api:school-session-list": "prevention",
    "api:school-session-detail": "prevention",
    "api:intervention-list": "prevention",
    "api:intervention-detail": "prevention",
    "api:share-list": "share",
    "api:share-approve": "share",
    "api:share-refuse": "share",
    "api:share-revoke": "share",
}
# Routes outside case data, not probed for writes: signing in (EXEMPT, and the second-factor
# steps), signing out, and an officer's own password and tokens; they change only the caller's
# own sign-in (tests/accounts covers them), and a probe of sign-out would end the probe session.
_OWN_ACCOUNT = re.compile(r"^(account-|login-|api:auth-)")


def _iso(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _api_bodies(north: Any, east: Any) -> dict[tuple[str, str], Callable[[], dict[str, Any]]]:
    """A body a writer of the area could send for each operation, about North's records."""
    o = north.objects
    return {
        ("post", "api:intelligence-list"): lambda: {
            "information_date": _iso(-3),
            "summary": "Fictional probe: a car seen at the lock-up.",
            "source_evaluation": "2",
            "intelligence_assessment": "B",
            "handling_code": "P",
            "ocgs": [o["ocg"].pk],
            "county_lines": [o["line"].pk],
            "nominals": [o["nominal"].pk],
        },
        ("patch", "api:intelligence-detail"): lambda: {
            "summary": "Fictional probe change.",
            "version": o["record"].version,
        },
        ("delete", "api:intelligence-detail"): lambda: {"reason": "Probe"},
        ("post", "api:nominal-list"): lambda: {"first_name": "Probe", "last_name": "Personne"},
        ("patch", "api:nominal-detail"): lambda: {
            "aliases": "Lex",
            "version": o["nominal"].version,
        },
        ("post", "api:ocg-list"): lambda: {
            "name": "Probe group",
            "criminality": ["drug_supply"],
            "division": o["division"].pk,
            "members": [{"nominal": o["nominal"].pk, "role": "principal"}],
        },
        ("patch", "api:ocg-detail"): lambda: {"summary": "Probe", "version": o["ocg"].version},
        ("post", "api:ocg-start-development"): dict,
        ("post", "api:ocg-submit-for-mapping"): dict,
        ("post", "api:ocg-approve-mapping"): dict,
        ("post", "api:ocg-return-submission"): lambda: {"reason": "Probe"},
        ("post", "api:ocg-adopt"): lambda: {
            "managing_team": o["ocg"].managing_team_id,
            "lead_responsible_officer": o["ocg"].lead_responsible_officer_id,
        },
        ("post", "api:ocg-close"): lambda: {
            "status": "dismantled",
            "date": _iso(0),
            "reason": "Probe",
        },
        ("post", "api:ocg-reject"): lambda: {"reason": "Probe"},
        ("post", "api:ocg-members"): lambda: {"nominal": east.pk("nominal"), "role": "member"},
        ("post", "api:ocg-evidence"): lambda: {
            "criterion": "intent_and_capability",
            "text": "Probe evidence",
        },
        ("post", "api:ocg-plan"): lambda: {
            "strand": "prevent",
            "description": "Probe action",
            "owner": o["ocg"].lead_responsible_officer_id,
            "due_on": _iso(10),
        },
        ("patch", "api:ocg-plan-update"): lambda: {
            "status": "done",
            "version": o["plan"].version,
        },
        ("post", "api:county-line-list"): lambda: {
            "name": "PROBELINE",
            "exporting_area": "Lambeth",
            "importing_districts": [o["district"].pk],
            "deal_lines": ["07700900999"],
        },
        ("patch", "api:county-line-detail"): lambda: {
            "handsets_seized": 2,
            "version": o["line"].version,
        },
        ("post", "api:county-line-activate"): dict,
        ("post", "api:county-line-deal-lines"): lambda: {"number": "07700900998"},
        ("post", "api:county-line-dismantle"): lambda: {"date": _iso(0), "reason": "Probe"},
        ("post", "api:county-line-evidence"): lambda: {"criterion": "deal_line", "text": "Probe"},
        ("post", "api:county-line-flex"): lambda: {
            "division": east.objects["division"].pk,
            "reason": "Probe",
        },
        ("post", "api:county-line-nominals"): lambda: {
            "nominal": east.pk("nominal"),
            "role": "runner",
        },
        ("post", "api:county-line-reject"): lambda: {"reason": "Probe"},
        ("delete", "api:county-line-remove-nominal"): dict,
        ("post", "api:person-at-risk-list"): lambda: {
            "county_line": o["line"].pk,
            "name": "Probe Child",
            "kind": "child",
            "age_band": "15_17",
        },
        ("patch", "api:person-at-risk-detail"): lambda: {
            "notes": "Probe",
            "version": o["person"].version,
        },
        ("post", "api:person-at-risk-referrals"): lambda: {
            "agency": "mcet",
            "referred_on": _iso(0),
        },
        ("patch", "api:safeguarding-referral-detail"): lambda: {
            "outcome": "Probe outcome",
            "outcome_on": _iso(0),
        },
        ("post", "api:disruption-list"): lambda: {
            "date": _iso(-1),
            "team": o["team"].pk,
            "strand": "pursue",
            "tactic": "arrest",
            "impact_grade": "minor",
            "impact_rationale": "Probe",
            "county_lines": [o["line"].pk],
        },
        ("patch", "api:disruption-detail"): lambda: {
            "narrative": "Probe",
            "version": o["disruption"].version,
        },
        ("post", "api:disruption-submit"): lambda: {"version": o["disruption"].version},
        ("post", "api:disruption-approve"): lambda: {"version": o["disruption"].version},
        ("post", "api:disruption-return-"): lambda: {
            "reason": "Probe",
            "version": o["disruption"].version,
        },
        ("post", "api:operation-list"): lambda: {
            "name": "Operation Probe",
            "start_date": _iso(-2),
            "end_date": _iso(-1),
        },
        ("patch", "api:operation-detail"): lambda: {
            "description": "Probe",
            "version": o["operation"].version,
        },
        ("post", "api:people-merge-create"): lambda: {
            "survivor": o["nominal"].pk,
            "merged": o["twin"].pk,
            "reason": "Probe",
        },
        ("post", "api:people-merge-undo"): lambda: {"reason": "Probe"},
        ("post", "api:share-list"): lambda: {
            "county_line": o["line"].pk,
            "receiving_force": east.objects["share"].receiving_force_id,
            "reason": "Probe",
        },
        ("post", "api:share-approve"): dict,
        ("post", "api:share-refuse"): lambda: {"reason": "Probe"},
        ("post", "api:share-revoke"): lambda: {"reason": "Probe"},
        ("post", "api:court-result-list"): lambda: {
            "disruption": o["disruption"].pk,
            "nominal": o["nominal"].pk,
            "court": "Probe Crown Court",
            "offences": "Probe",
            "outcome": "custodial",
            "sentence_years": 1,
            "sentence_months": 0,
            "result_date": _iso(0),
        },
        ("post", "api:gang-list"): lambda: {
            "name": "Probe crew",
            "area": "Probe estate",
            "division": o["division"].pk,
        },
        ("patch", "api:gang-detail"): lambda: {
            "description": "Probe",
            "version": o["gang"].version,
        },
        ("post", "api:gang-members"): lambda: {"nominal": east.pk("nominal"), "role": "member"},
        ("delete", "api:gang-remove-member"): dict,
        ("post", "api:gang-county-lines"): lambda: {"county_line": east.pk("line")},
        ("delete", "api:gang-remove-county-line"): dict,
        ("post", "api:gang-ocgs"): lambda: {"ocg": o["ocg"].pk},
        ("delete", "api:gang-remove-ocg"): dict,
        ("post", "api:school-session-list"): lambda: {
            "school": "Probe Academy",
            "held_on": _iso(-1),
            "audience": 30,
            "topic": "Probe talk",
        },
        ("patch", "api:school-session-detail"): lambda: {
            "notes": "Probe",
            "version": o["school_session"].version,
        },
        ("post", "api:intervention-list"): lambda: {
            "gang": o["gang"].pk,
            "held_on": _iso(-1),
            "young_people_engaged": 3,
            "outcome": "Probe outcome",
        },
        ("patch", "api:intervention-detail"): lambda: {
            "outcome": "Probe",
            "version": o["intervention"].version,
        },
    }


@dataclass
class Plan:
    reads: list[Probe]
    writes: list[Probe]
    # Routes the world cannot fill in (not in routes.py: test_every_route_is_listed fails on them).
    unfilled: list[str]
    # Write operations with no body or area here: the test fails until they get one.
    unclassified: list[str]


def _url(name: str, view: Any) -> str:
    spec = ROUTES[name]
    return reverse(name, kwargs=spec.args(view) if spec.args else {})


def _exports(name: str, url: str) -> list[tuple[tuple[str, str], ...]]:
    """The download variants of a page (CSV, JSON), as extra query parameters."""
    if name.startswith("api:"):
        return []
    view_class = getattr(resolve(url).func, "view_class", None)
    extra = []
    if getattr(view_class, "csv_filename", None) or name == "disruptions:reports":
        extra.append((("format", "csv"),))
    if name == "audit:list":
        extra.append((("format", "json"),))
    return extra


def plan(world: MatrixWorld) -> Plan:
    views = [world.divisions[d] for d in DIVISIONS]
    north, east = world.divisions["north"], world.divisions["east"]
    ops = schema_operations()
    schema_gets = {name for method, _, name in ops if method == "get"}
    names = sorted(url_names() - set(EXEMPT))
    reads: list[Probe] = []
    unfilled: list[str] = []
    seen: set[tuple[str, tuple]] = set()

    def add_read(name: str, url: str, params: dict[str, Any]) -> None:
        for extra in [(), *_exports(name, url)]:
            key = (url, tuple(sorted(params.items())) + extra)
            if key not in seen:
                seen.add(key)
                reads.append(Probe(name, "GET", url, key[1]))

    for name in names:
        spec = ROUTES.get(name)
        if spec is None:
            try:
                add_read(name, reverse(name), {})
            except Exception:  # noqa: BLE001 - a route with path arguments the world cannot fill
                unfilled.append(name)
            continue
        if spec.method != "GET" and name not in schema_gets:
            continue
        for view in views if spec.args else views[:1]:
            add_read(name, _url(name, view), spec.params(view))
        if name == "matrix:export":
            add_read(name, reverse(name, kwargs={"name": "ocgs"}), {})

    bodies = _api_bodies(north, east)
    writes: list[Probe] = []
    unclassified: list[str] = []
    for method, path, name in ops:
        if method not in UNSAFE or name in EXEMPT or _OWN_ACCOUNT.search(name):
            continue
        if (method, name) not in bodies or name not in _API_AREAS:
            unclassified.append(f"{method.upper()} {path}")
            continue
        writes.append(
            Probe(
                name,
                method.upper(),
                _url(name, north),
                area=_API_AREAS[name],
                target=target_kind(name),
                body=bodies[(method, name)](),
            )
        )
    for name in names:
        if name.startswith("api:") or name not in ROUTES:
            if not name.startswith("api:") and not _OWN_ACCOUNT.search(name):
                unclassified.append(f"POST {name}")
            continue
        if name not in _HTML_AREAS:
            continue  # a page that only shows things: no form posts to it
        spec = ROUTES[name]
        view = north
        params = spec.params(view)
        writes.append(
            Probe(
                name,
                "POST",
                _url(name, view),
                tuple(sorted(params.items())),
                area=_HTML_AREAS[name],
                target=target_kind(name),
                body={},
            )
        )
    return Plan(reads=reads, writes=writes, unfilled=unfilled, unclassified=unclassified)


class FormFields(HTMLParser):
    """The POST forms of a page, by action path, filled in as a browser would send them: each
    field's value, the selected option, checked boxes only; a required field left empty gets a
    plausible value, so a create form is as valid as an edit form."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = urlsplit(page).path
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            posts = a.get("method", "").lower() == "post"
            action = urlsplit(a.get("action") or self.page_path).path
            self._form = self.forms.setdefault(action, {}) if posts else None
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            value = a.get("value") or (_filler(kind) if "required" in a else "")
            self._form.setdefault(a["name"], value)
        elif tag == "textarea":
            self._textarea = {"name": a["name"], "required": "required" in a, "text": ""}
        elif tag == "select":
            self._select = {"name": a["name"], "required": "required" in a, "value": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if "selected" in a or (value and self._select["value"] is None):
                self._select["value"] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            t = self._textarea
            self._form.setdefault(t["name"], t["text"] or ("Probe text" if t["required"] else ""))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.setdefault(self._select["name"], self._select["value"] or "")
            self._select = None


def _filler(kind: str) -> str:
    return {"date": _iso(-1), "number": "1", "tel": "07700900997"}.get(kind, "Probe text")


# Pages holding the forms of routes that only take a POST, about North's records.
FORM_PAGES = (
    "home",
    "ocg:detail",
    "ocg:nominal-detail",
    "countylines:detail",
    "countylines:person",
    "countylines:safeguarding",
    "intel:detail",
    "disruptions:detail",
    "lifetime:nominal",
    "lifetime:training-detail",
    "lifetime:releases",
)


def form_pages(world: MatrixWorld, probe: Probe) -> list[str]:
    """Where the form posting to `probe` may be: its own page, then the record pages."""
    north = world.divisions["north"]
    own = probe.url + (f"?{urlencode(probe.params)}" if probe.params else "")
    return [own, *(_url(name, north) for name in FORM_PAGES)]
