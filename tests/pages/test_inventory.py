"""The page inventory (issue 15): every HTML route of the URL resolver, opened by every role.

Each page must answer as the roles table says (kentsoc/org/roles.py: the permission that opens
it; tests/security/matrix.py `may_see` for a page about one record), and what it shows must read
as written for people: no template comment shown as text, no django-filter "[invalid name]", no
raw ISO date ("2026-12-01") and no stored code ("child_exploitation=2") in the visible text
(attributes, scripts, form values and <time datetime> are for machines and may keep them).

Path arguments come from North's records of the leak matrix's world (one of every kind), built
once for the module; each request runs in a savepoint rolled back afterwards.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disruptions.choices import DisruptionStatus
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.matrix.services import force_snapshot_write
from kentsoc.org.choices import Role
from kentsoc.org.roles import ROLE_PERMISSIONS
from kentsoc.org.selectors import officer_label
from kentsoc.web.people import day_month
from tests.factories import RecordFactory, make_disruption
from tests.security.matrix import ROLES, MatrixWorld, Who, build_world, may_see
from tests.security.routes import HTML, url_names

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Opens:
    """Who may open a page: holders of `perm`, and for a page about one record, only those who
    may see that record (`record`, a kind of tests/security/matrix.py `may_see`)."""

    perm: str | None = None  # None: everyone signed in
    record: str | None = None
    status: int = 200
    # Nobody may open it with the world's record, for the reason given.
    nobody: str = ""

    def allows(self, role: str) -> bool:
        if self.nobody:
            return False
        if self.perm is not None and self.perm not in ROLE_PERMISSIONS[role]:
            return False
        return self.record is None or may_see(Who(role, role, "north"), self.record, "north")


def _perm(perm: str, record: str | None = None, **kw: Any) -> Opens:
    return Opens(perm, record, **kw)


# Every page a GET opens, with who may open it. The permission is the one of kentsoc/org/roles.py
# that the page's work needs (reading lines, logging disruptions, approving, ...).
PAGES: dict[str, Opens] = {
    "home": Opens(),
    "guide": Opens(),
    "account-password": Opens(),
    "account-tokens": Opens(),
    # Signed in already: the sign-in steps send the officer on.
    "login": Opens(status=302),
    "login-code": Opens(status=302),
    "login-enrol": Opens(status=302),
    "audit:list": _perm("audit.export_auditevent"),
    # OCGs and nominals
    "ocg:list": _perm("ocg.view_ocg"),
    "ocg:detail": _perm("ocg.view_ocg", "ocg"),
    "ocg:score": _perm("ocg.view_ocg", "ocg"),
    "ocg:network": _perm("ocg.view_ocg", "ocg"),
    "ocg:nominate": _perm("ocg.add_ocg"),
    "ocg:reject": _perm("ocg.add_ocg", "ocg"),
    "ocg:edit": _perm("ocg.change_ocg", "ocg"),
    "ocg:adopt": _perm("ocg.approve_ocg", "ocg"),
    "ocg:close": _perm("ocg.approve_ocg", "ocg"),
    "ocg:return": _perm("ocg.approve_ocg", "ocg"),
    "ocg:nominal-list": _perm("ocg.view_nominal"),
    "ocg:nominal-search": _perm("ocg.view_nominal"),
    # The search box: every role that reads police records has people among its kinds.
    "search:results": _perm("ocg.view_nominal"),
    "search:suggest": _perm("ocg.view_nominal"),
    "ocg:nominal-detail": _perm("ocg.view_nominal", "nominal"),
    "ocg:nominal-pick": _perm("ocg.view_nominal", "nominal"),
    "ocg:nominal-create": _perm("ocg.add_nominal"),
    "ocg:nominal-edit": _perm("ocg.change_nominal", "nominal"),
    # Gangs and street groups
    "gangs:list": _perm("gangs.view_gang"),
    "gangs:detail": _perm("gangs.view_gang", "gang"),
    "gangs:create": _perm("gangs.add_gang"),
    "gangs:edit": _perm("gangs.change_gang", "gang"),
    # Lifetime management
    "lifetime:index": _perm("lifetime.view_lifetime", status=302),
    "lifetime:nominal": _perm("lifetime.view_lifetime", "custody"),
    "lifetime:releases": _perm("lifetime.view_lifetime"),
    "lifetime:scpos-expiring": _perm("lifetime.view_lifetime"),
    "lifetime:scpo-breaches": _perm("lifetime.view_lifetime"),
    "lifetime:in-prison": _perm("lifetime.view_lifetime"),
    "lifetime:untrained-lros": _perm("lifetime.view_lifetime"),
    "lifetime:training": _perm("lifetime.view_traininginput"),
    "lifetime:training-detail": _perm("lifetime.view_traininginput", "training"),
    "lifetime:training-create": _perm("lifetime.add_traininginput"),
    # County lines and safeguarding
    "countylines:list": _perm("countylines.view_countyline"),
    "countylines:nominal-search": _perm("countylines.view_countyline"),
    "countylines:detail": _perm("countylines.view_countyline", "line"),
    "countylines:score": _perm("countylines.view_countyline", "line"),
    "countylines:history": _perm("countylines.view_countyline", "line"),
    "countylines:nominate": _perm("countylines.add_countyline"),
    "countylines:deal-line-check": _perm("countylines.add_countyline"),
    "countylines:edit": _perm("countylines.change_countyline", "line"),
    "countylines:people": _perm("countylines.view_personatrisk"),
    "countylines:person-new": _perm("countylines.add_personatrisk"),
    # Prevention work: each division's CLIOs, and supervisors and analysts (the world's are
    # North's, so its North readers see them).
    "prevention:sessions": _perm("prevention.view_schoolsession"),
    "prevention:session-new": _perm("prevention.add_schoolsession"),
    "prevention:session": _perm("prevention.view_schoolsession"),
    "prevention:interventions": _perm("prevention.view_streetgroupintervention"),
    "prevention:intervention-new": _perm("prevention.add_streetgroupintervention"),
    "prevention:intervention": _perm("prevention.view_streetgroupintervention"),
    "clio:activity": _perm("prevention.view_schoolsession"),
    "countylines:person": _perm("countylines.view_personatrisk", "person"),
    "countylines:safeguarding": _perm("countylines.view_personatrisk", "person"),
    # Intelligence
    "intel:list": _perm("intel.view_intelligencerecord"),
    "intel:subject-search": _perm("intel.view_intelligencerecord"),
    "intel:detail": _perm("intel.view_intelligencerecord", "record"),
    "intel:new": _perm("intel.add_intelligencerecord"),
    "intel:edit": _perm("intel.change_intelligencerecord", "record"),
    "intel:delete": _perm("intel.delete_intelligencerecord", "record"),
    # The world's evidence is an OCG's: OCG definition evidence.
    "intel:evidence": _perm("intel.add_ocg_evidence", "evidence"),
    "intel:evidence-remove": _perm("intel.add_ocg_evidence", "evidence"),
    # Matrix dashboard
    "matrix:dashboard": _perm("matrix.view_score"),
    "matrix:live": _perm("matrix.view_score"),
    "matrix:partition": _perm("matrix.view_score"),
    "matrix:monthly": _perm("matrix.view_score"),
    "matrix:national": Opens(nobody="NCA / ERSOU supervisors only: the world has no regional team"),
    # Shares across forces: readers of lines see what is lent to them; supervisors decide.
    "sharing:list": _perm("countylines.view_countyline"),
    "sharing:detail": _perm("countylines.view_countyline", "line"),
    "sharing:offer": _perm("sharing.add_share", "line"),
    # Disruptions
    "disruptions:list": _perm("disruptions.view_disruption"),
    "disruptions:detail": _perm("disruptions.view_disruption", "disruption"),
    "disruptions:court-results": _perm("disruptions.view_courtresult"),
    "disruptions:reports": _perm("disruptions.view_disruption"),
    "disruptions:operations": _perm("disruptions.view_operation"),
    "disruptions:operation-detail": _perm("disruptions.view_operation", "operation"),
    "disruptions:create": _perm("disruptions.add_disruption"),
    "disruptions:mine": _perm("disruptions.add_disruption"),
    "disruptions:subject-search": _perm("disruptions.add_disruption"),
    "disruptions:edit": Opens(nobody="the world's disruption is approved: nobody edits it"),
    "disruptions:court-result-create": _perm("disruptions.add_courtresult", "disruption"),
    "disruptions:approvals": _perm("disruptions.approve_disruption"),
    "disruptions:operation-create": _perm("disruptions.add_operation"),
    "disruptions:operation-edit": _perm("disruptions.change_operation", "operation"),
    # Likely duplicates and merges
    "people:duplicates": _perm("people.merge_nominals"),
    "people:compare": _perm("people.merge_nominals"),
    "people:merge": _perm("people.merge_nominals"),
    "people:merges": _perm("people.merge_nominals"),
    "people:merge-detail": _perm("people.merge_nominals"),
    # Type-ahead suggestions for a filter's picker, here the OCG picker of the OCG filters.
    "picker": _perm("ocg.view_ocg"),
}
# Pages whose address routes.py does not fill in: North's records -> (path arguments, query).
OWN_ADDRESSES: dict[str, Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]] = {
    "picker": lambda north: ({"kind": "ocg"}, {"picker": "ocg", "ocg_find": "Zephyrquill"}),
    # The OCG's definition evidence checklist.
    "intel:evidence": lambda north: ({}, {"ocg": north.pk("ocg")}),
}
# Routes whose answer is no page: a redirect to a file, a probe, a download.
NOT_PAGES = {
    "favicon": "a redirect to the static icon",
    "healthz": "the load balancer's probe (JSON)",
    "guide-image": "a screenshot (PNG) of the officer's own guide",
    "matrix:export": "a CSV download (machines read it: ISO dates stay)",
}
# Sign-in steps and token changes that take a POST only (routes.py EXEMPT names them).
POST_ONLY_EXEMPT = ("login-continue", "logout", "account-token-create", "account-token-revoke")
# What a GET of a route that takes a POST only may answer: never a page.
POST_ONLY_ANSWERS = {403, 404, 405}

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A count that does not agree with its number ("1 rows").
ONE_PLURAL = re.compile(
    r"\b1 (?:rows|results|records|items|members|nominals|seizures|months|days|years|"
    r"disruptions|lines|OCGs|events|people|matches|referrals|actions)\b"
)
# A stored code shown as it is stored ("child_exploitation=2", "two_or_more_individuals").
MACHINE_WORD = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b(?:=\d+)?")


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attribute values (form values, <time datetime>, links),
    scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(parser.parts)


def seen(html: str) -> str:
    """The visible text with its white space collapsed."""
    return " ".join(VisibleText.of(html).split())


def html_routes() -> list[str]:
    return sorted(n for n in url_names() if not n.startswith("api:") and n not in NOT_PAGES)


def post_only(name: str) -> bool:
    return name in POST_ONLY_EXEMPT or (name in HTML and HTML[name].method != "GET")


def problems_in(html: str, usernames: frozenset[str] = frozenset()) -> list[str]:
    found = []
    if "{#" in html:
        found.append("template comment shown: " + html[html.index("{#") :][:80])
    if "[invalid name]" in html:
        found.append('"[invalid name]" label')
    text = seen(html)
    dates = list(ISO_DATE.finditer(text))
    if dates:
        first = dates[0]
        context = text[max(0, first.start() - 40) : first.end() + 20]
        found.append(f"{len(dates)} ISO date(s) in the text, first: …{context}…")
    for count in sorted(set(ONE_PLURAL.findall(text))):
        found.append(f'a count out of step with its number: "{count}"')
    # Usernames ("analyst_north") are how a page names an officer with no name on record.
    codes = sorted(set(MACHINE_WORD.findall(text)) - usernames)
    if codes:
        found.append(f"stored codes in the text: {codes[:5]}")
    return found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Any:
    """The leak matrix's world, built once for the module in a transaction rolled back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            yield world, _with_figures(world)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _with_figures(world: MatrixWorld) -> dict[str, Any]:
    """What the world lacks for the pages that show figures: daily snapshots (the dashboard's
    charts), money and counts (a disruption awaiting approval), factor claims, and a change on
    the audit trail that names officers, a team and dates."""
    north = world.divisions["north"]
    ocg, line, team = north.objects["ocg"], north.objects["line"], north.objects["team"]
    clgt = north.users[Role.CLGT_OFFICER]
    now = timezone.now()
    today = timezone.localdate(now)
    for days in (0, 1, 40, 400):
        force_snapshot_write(on=today - datetime.timedelta(days=days))
    waiting = make_disruption(
        author=clgt,
        team=team,
        status=DisruptionStatus.SUBMITTED,
        date=today - datetime.timedelta(days=2),
        ocgs=[ocg],
        lines=[line],
        weapons=1,
        cash_seized=Decimal("8450.00"),
        submitted_by=clgt,
        submitted_at=now,
    )
    approved = make_disruption(
        author=clgt,
        team=team,
        approver=north.users[Role.SUPERVISOR],
        date=today - datetime.timedelta(days=20),
        ocgs=[ocg],
        cash_seized=Decimal("300720.50"),
    )
    RecordFactory(owning_team=team, county_lines=[line], claims={"child_exploitation": 2})
    audit_record(
        actor=north.users[Role.SUPERVISOR],
        action=AuditAction.UPDATE,
        obj=waiting,
        changes={
            "officer": clgt.pk,
            "team": team.pk,
            "date": today.isoformat(),
            "approved_at": [None, now.isoformat()],
        },
    )
    # The newest snapshot's day: the world is built once for the module, and a test that reads
    # today itself after the run has crossed midnight would look for a day with no snapshot.
    return {"waiting": waiting, "approved": approved, "newest_snapshot": today}


def _get(world: MatrixWorld, role: str, url: str, params: dict | None = None) -> Any:
    client = Client(raise_request_exception=False)
    client.force_login(world.users[f"{role}_north"])
    with transaction.atomic():
        response = client.get(url, params or {})
        transaction.set_rollback(True)
    return response


def _url(name: str, world: MatrixWorld) -> tuple[str, dict[str, Any]]:
    north = world.divisions["north"]
    spec = HTML.get(name)
    if name in OWN_ADDRESSES:
        kwargs, query = OWN_ADDRESSES[name](north)
        return reverse(name, kwargs=kwargs), query
    if spec is None:
        return reverse(name), {}
    return reverse(name, kwargs=spec.args(north) if spec.args else {}), spec.params(north)


def test_every_page_is_in_the_inventory():
    """A new page fails here until it says who may open it."""
    unknown = [n for n in html_routes() if n not in PAGES and not post_only(n)]
    assert unknown == [], f"pages with no entry in PAGES: {unknown}"
    assert not [n for n in PAGES if post_only(n)]
    assert set(PAGES) <= url_names()


def test_every_page_opens_for_every_role_as_the_roles_table_says(world):
    world, _ = world
    failures: list[str] = []
    opened = 0
    usernames = frozenset(world.users)
    # An officer's own token (account-token-revoke) has no record in the world to fill in.
    names = [n for n in html_routes() if n in PAGES or n in HTML or n in POST_ONLY_EXEMPT[:3]]
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[f"{role}_north"])
        for name in names:
            url, params = _url(name, world)
            with transaction.atomic():
                response = client.get(url, params)
                transaction.set_rollback(True)
            html = response.content.decode(errors="replace")
            status = response.status_code
            where = f"{role} GET {url}"
            if name not in PAGES:
                if status not in POST_ONLY_ANSWERS:
                    failures.append(f"{where}: {status} for a POST-only route")
                continue
            opens = PAGES[name]
            if opens.allows(role):
                if status != opens.status:
                    failures.append(f"{where}: {status}, expected {opens.status}")
            elif status not in (403, 404):
                failures.append(f"{where}: {status}, expected a refusal (403/404)")
            if status == 200:
                opened += 1
            if response.get("Content-Type", "").startswith("text/html"):
                failures.extend(f"{where}: {p}" for p in problems_in(html, usernames))
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    # The check means something only if the pages did open.
    assert opened > 300


def test_figures_read_as_written_for_people(world):
    """Issue 15 items 8 and 9: money, counts, chart axes, factor claims and audit details."""
    world, made = world
    north = world.divisions["north"]
    queue = seen(_get(world, Role.SUPERVISOR, reverse("disruptions:approvals")).text)
    assert "Cash £8,450" in queue and "Weapons 1 seizure ·" in queue
    assert "1 rows" not in queue
    detail = _get(world, Role.SUPERVISOR, reverse("disruptions:detail", args=[made["approved"].pk]))
    assert "£300,720.50" in detail.text

    board = _get(world, Role.SUPERVISOR, reverse("matrix:dashboard"))
    labels = board.context["board"].trends.trend_chart()["labels"]
    assert labels and not [x for x in labels if ISO_DATE.search(x)], labels
    assert day_month(made["newest_snapshot"]) in labels

    records = _get(world, Role.ANALYST, reverse("intel:list")).text
    assert "Child exploitation: 2 — confirmed" in records
    assert "child_exploitation=2" not in records

    trail = seen(_get(world, Role.AUDITOR, reverse("audit:list")).text)
    clgt = north.users[Role.CLGT_OFFICER]
    assert f"Officer: {officer_label(clgt)}" in trail
    assert f"Team: {north.objects['team'].name}" in trail
    assert "Approved at: none → " in trail
    assert '"officer"' not in trail and '"team"' not in trail


def test_the_text_checks_see_what_people_read_and_only_that():
    html = (
        '<p>Seen <time datetime="2026-12-01">1 Dec 2026</time></p>'
        '<input type="date" value="2026-12-01"><a href="?as_of=2026-12-01">link</a>'
        '<script>var d = "2026-12-01";</script><p>On 2026-11-30</p>'
    )
    html += "<p>analyst_north claimed child_exploitation=2; weapons 1 rows, drugs 11 rows</p>"
    dates, one, codes = problems_in(html, frozenset({"analyst_north"}))
    assert one == 'a count out of step with its number: "1 rows"'
    assert dates.startswith("1 ISO date(s)") and "Seen 1 Dec 2026 link On 2026-11-30" in dates
    assert codes == "stored codes in the text: ['child_exploitation=2']"
