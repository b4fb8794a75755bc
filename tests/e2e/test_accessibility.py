"""WCAG 2.2 AA, proven in the browser (issue 15): every role walks the pages it uses.

For each role one browser context signs in and opens its home, every list page, a detail page of
each kind of record it may open, each form it may fill, the dashboard with each of its tabs,
reports and account pages. On each page axe-core (tests/e2e/axe.py) must find no serious or
critical violation (its rules include a label on every control and a name on every button and
link), and at a phone's width (390 px) the page must not scroll sideways: wide tables scroll
inside their own box. Then: tabbing to a control shows a visible focus outline, and two
journeys are done with the keyboard alone.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from countylines.choices import LineStatus
from disruptions.choices import DisruptionStatus
from disruptions.models import Disruption, Operation
from kentsoc.lifetime.models import TrainingInput
from kentsoc.matrix.models import ForceSnapshot
from kentsoc.matrix.recompute import recompute_all
from kentsoc.sharing.models import Share
from ocg.choices import OcgStatus
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import login
from tests.factories import (
    TEST_PASSWORD,
    ForceFactory,
    days_ago,
    make_disruption,
    make_gang,
    make_intervention,
    make_line,
    make_merge,
    make_nominal,
    make_ocg,
    make_person,
    make_record,
    make_session,
)

# No xdist group: each role's walk builds its own small world, so `make test` spreads the walks
# over its workers like any other browser test.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

ACCOUNT = ["/account/password/", "/account/tokens/"]
OCG_TABS = [f"/ocgs/{{ocg}}/?tab={tab}" for tab in ("evidence", "members", "intelligence", "plan")]
CASE_READS = [
    "/ocgs/",
    "/ocgs/{ocg}/",
    "/nominals/",
    "/nominals/{nominal}/",
    "/county-lines/",
    "/county-lines/{line}/",
    "/intelligence/",
    "/intelligence/{record}/",
]
DISRUPTION_READS = [
    "/disruptions/",
    "/disruptions/{disruption}/",
    "/disruptions/court-results/",
    "/operations/",
    "/operations/{operation}/",
]
MATRIX = ["/matrix/", "/matrix/monthly/", "/reports/"]
LIFETIME = [
    "/lifetime/",
    "/lifetime/nominals/{nominal}/",
    "/lifetime/releases/",
    "/lifetime/scpos/expiring/",
    "/lifetime/scpos/breaches/",
    "/lifetime/in-prison/",
    "/lifetime/untrained-lros/",
    "/lifetime/training/",
    "/lifetime/training/{training}/",
]
OCG_WORK = ["/ocgs/new/", "/ocgs/{ocg}/edit/", "/nominals/new/", "/intelligence/new/"]
EVIDENCE = ["/intelligence/evidence/?ocg={nominated}"]
PEOPLE = [
    "/people/duplicates/",
    "/people/compare/?a={twin_a}&b={twin_b}",
    "/people/merge/?survivor={twin_a}&merged={twin_b}",
    "/people/merges/",
    "/people/merges/{merge}/",
]
LOGGING = ["/disruptions/new/", "/disruptions/mine/"]
PREVENTION = [
    "/prevention/school-sessions/",
    "/prevention/school-sessions/{session}/",
    "/prevention/interventions/",
    "/prevention/interventions/{intervention}/",
    "/reports/clio-activity/",
]
GANGS = ["/gangs/", "/gangs/{gang}/"]
GANG_WORK = ["/gangs/new/", "/gangs/{gang}/edit/"]
# Shares with other forces: the supervisors' list, a request to decide, and the offer form.
SHARES = ["/shares/", "/shares/{share}/", "/shares/offer/county-line/{line}/"]
# The search box's results page (the box itself is in the header of every page walked).
SEARCH = ["/search/?q=testcase", "/search/?q=testcase&types=person"]

# The pages each role uses in its work (README "Roles" and the role-actions table).
WALKS: dict[str, list[str]] = {
    "coordinator": [
        "/",
        *SEARCH,
        *CASE_READS,
        *OCG_TABS,
        "/ocgs/{nominated}/",
        *OCG_WORK,
        *EVIDENCE,
        *DISRUPTION_READS,
        *LOGGING,
        "/operations/new/",
        *MATRIX,
        *LIFETIME,
        "/lifetime/training/new/",
        *PEOPLE,
        *GANGS,
        *ACCOUNT,
    ],
    "researcher": [
        "/",
        *CASE_READS,
        "/ocgs/{ocg}/?tab=evidence",
        "/ocgs/{ocg}/?tab=members",
        "/ocgs/{nominated}/",
        "/nominals/new/",
        "/intelligence/new/",
        *EVIDENCE,
        *ACCOUNT,
    ],
    "lro": [
        "/",
        *SEARCH,
        *CASE_READS,
        *OCG_TABS,
        "/disruptions/",
        "/disruptions/{disruption}/",
        *LOGGING,
        *MATRIX,
        "/lifetime/",
        "/lifetime/nominals/{nominal}/",
        "/lifetime/training/",
        *ACCOUNT,
    ],
    "clgt_officer": [
        "/",
        *SEARCH,
        "/nominals/",
        "/county-lines/",
        "/county-lines/nominate/",
        "/county-lines/{line}/",
        "/county-lines/{line}/edit/",
        "/county-lines/{line}/history/",
        "/county-lines/{line}/safeguarding/",
        "/county-lines/people-at-risk/",
        "/intelligence/",
        "/intelligence/new/",
        "/intelligence/{record}/",
        "/intelligence/evidence/?county_line={line}",
        "/disruptions/",
        "/disruptions/{disruption}/",
        *LOGGING,
        *MATRIX,
        *GANGS,
        *GANG_WORK,
        *ACCOUNT,
    ],
    "clio": [
        "/",
        *SEARCH,
        "/nominals/",
        "/county-lines/",
        "/county-lines/{line}/",
        "/county-lines/{line}/safeguarding/",
        "/county-lines/people-at-risk/",
        "/county-lines/people-at-risk/{person}/",
        "/county-lines/people-at-risk/new/",
        *PREVENTION,
        "/prevention/school-sessions/new/",
        "/prevention/interventions/new/",
        *GANGS,
        *ACCOUNT,
    ],
    "supervisor": [
        "/",
        *SEARCH,
        *CASE_READS,
        *OCG_TABS,
        "/ocgs/{nominated}/",
        *OCG_WORK,
        *EVIDENCE,
        "/county-lines/nominate/",
        "/county-lines/{line}/edit/",
        "/county-lines/{line}/safeguarding/",
        "/county-lines/people-at-risk/",
        *DISRUPTION_READS,
        *LOGGING,
        "/disruptions/approvals/",
        "/operations/new/",
        *MATRIX,
        *LIFETIME,
        *PREVENTION,
        *GANGS,
        *GANG_WORK,
        *SHARES,
        *ACCOUNT,
    ],
    "analyst": [
        "/",
        *SEARCH,
        *CASE_READS,
        "/intelligence/new/",
        *DISRUPTION_READS,
        *MATRIX,
        *PREVENTION,
        *GANGS,
        "/lifetime/",
        "/lifetime/training/",
        *ACCOUNT,
    ],
    # A supervisor of an NCA / ERSOU team: the national view, figures by force.
    "regional": ["/", "/matrix/national/", *ACCOUNT],
    "auditor": ["/", "/audit/", "/audit/?page=2", *ACCOUNT],
    "administrator": ["/", "/admin/", "/admin/auth/user/", "/admin/org/officer/", *ACCOUNT],
}


@pytest.fixture
def world(force, coordinator, researcher, lro, clgt_officer, clio, supervisor, analyst):
    """A small North division at work: an adopted OCG led by the LRO and a nominated one, the
    active county line the first runs, a vulnerable adult at risk on it, graded intelligence,
    an approved and a submitted disruption, an operation, LRO training and four days of force
    snapshots; scored and ranked by the real engine."""
    north = force["divisions"]["north"]
    local = force["teams"]["north_local"]
    ocg = make_ocg(
        north,
        name="Harbourside Firm",
        status=OcgStatus.ADOPTED,
        members=3,
        nominated_on=datetime.date(2021, 1, 1),
        managing_team=local,
        lead_responsible_officer=lro,
    )
    nominated = make_ocg(north, name="Quayside Boys")
    line = make_line(
        north,
        name="KINGFISHER",
        status=LineStatus.ACTIVE,
        districts=[force["districts"]["medway"]],
        nominated_on=datetime.date(2021, 1, 1),
        ocg=ocg,
    )
    make_line(
        force["divisions"]["east"],
        name="HERON",
        status=LineStatus.ACTIVE,
        districts=[force["districts"]["thanet"]],
        nominated_on=days_ago(400),
    )
    person = make_person(line, kind="vulnerable_adult", age_band="18_24", name="Alex Example")
    record = make_record(
        lines=[line], ocgs=[ocg], claims={"drug_class": 3, "violence": 2}, grading="2B"
    )
    make_record(ocgs=[nominated], claims={"violence": 1}, grading="3C")
    disruption = make_disruption(
        author=lro,
        team=local,
        approver=supervisor,
        date=days_ago(12),
        ocgs=[ocg],
        lines=[line],
        arrests=2,
        charges=3,
        weapons=1,
    )
    make_disruption(
        author=lro, team=local, status=DisruptionStatus.SUBMITTED, date=days_ago(2), ocgs=[ocg]
    )
    operation = Operation.objects.create(
        force=ForceFactory(),
        name="Operation Fictional Tide",
        start_date=days_ago(30),
        end_date=days_ago(-60),
        description="Fictional: a month of warrants against the Harbourside Firm.",
        created_by=coordinator,
    )
    training = TrainingInput.objects.create(
        force=ForceFactory(),
        held_on=days_ago(20),
        location="Fictional HQ, room 2",
        trainer="DI Example",
        audience="lros",
        created_by=coordinator,
    )
    for n, (count, trh) in enumerate([(3, 20), (2, 14), (2, 12)], start=1):
        ForceSnapshot.objects.create(
            force=ForceFactory(), on=days_ago(n), active_lines=count, total_trh=trh, mapped_ocgs=1
        )
    # Two records of one person (a likely duplicate pair) and a merge, for the people pages.
    twin_a = make_nominal("Jon", "Smyth", datetime.date(1996, 4, 9))
    twin_b = make_nominal("John", "Smith", datetime.date(1996, 4, 9))
    merge = make_merge(twin_a, by=coordinator)
    # The North CLIO's prevention work: a school session and an intervention with a street group.
    session = make_session(clio, school="Hollowmere Academy")
    gang = make_gang(north, name="Riverside Youngers", area="Strood", kind="street_group")
    intervention = make_intervention(clio, gang, outcome="Youth club referrals agreed.")
    recompute_all()
    # The line offered to a fictional exporting force, with its record, awaiting a decision.
    share = Share.objects.create(
        county_line=line,
        owner_force=north.force,
        receiving_force=ForceFactory(code="MX", name="Metro-shire Police (fictional)"),
        access="contribute",
        reason="The line exports from their borough.",
        starts_on=days_ago(0),
        ends_on=days_ago(-90),
        requested_by=lro,
    )
    share.records.set([record])
    return {
        "share": share.pk,
        "session": session.pk,
        "intervention": intervention.pk,
        "gang": gang.pk,
        "ocg": ocg.pk,
        "nominated": nominated.pk,
        "line": line.pk,
        "person": person.pk,
        "record": record.pk,
        "disruption": disruption.pk,
        "operation": operation.pk,
        "training": training.pk,
        "twin_a": twin_a.pk,
        "twin_b": twin_b.pk,
        "merge": merge.pk,
        "nominal": ocg.memberships.order_by("pk").first().nominal_id,
    }


def _context_page(browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, bypass_csp=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def _open(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")


def _expand(page: Page) -> None:
    """Open every collapsed section (<details>), so axe also checks what they hide."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_load_state("networkidle")
    expect(page.locator("details [data-lazy-target]", has_text="Loading")).to_have_count(0)


def _dashboard_tabs(page: Page) -> list[str]:
    """Each tab of the dashboard after the first, shown and loaded; the names of those shown."""
    shown = []
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") == "true":
            continue
        tab.click()
        panel = page.locator("#" + tab.get_attribute("aria-controls"))
        expect(panel).to_be_visible()
        expect(panel).not_to_contain_text("Loading")
        shown.append(tab.inner_text().strip())
    return shown


# The innermost elements that stick out past the right edge of the viewport (not inside a box
# that scrolls or clips them): what to fix.
_STICKING_OUT = """() => {
  const W = innerWidth + 0.5;
  const out = (el) => {
    const r = el.getBoundingClientRect();
    if (r.right <= W || r.width === 0) return false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return p.getBoundingClientRect().right > W;
    }
    return true;
  };
  const all = [...document.body.querySelectorAll('*')].filter(out);
  return all.filter(el => !all.some(o => o !== el && el.contains(o))).slice(0, 5).map(el =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string'
      && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
}"""


# Form controls without a name: no <label> with text (or an image's alt text), no aria-label,
# no aria-labelledby. axe's `label` rule finds these too; this names them plainly, filter forms
# included.
_UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')].filter(el =>
  !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)
  && !(el.getAttribute('aria-label') || '').trim() && !el.getAttribute('aria-labelledby')
  && ![...(el.labels || [])].some(l =>
    l.textContent.trim() || l.querySelector('img[alt]:not([alt=""])'))
).map(el => el.id || el.name)"""


def _overflow(page: Page) -> tuple[int, list[str]]:
    """The page's width and what sticks out, once charts and the network graph have redrawn to
    the narrower window (they do so on their own timers)."""
    fits = f"document.documentElement.scrollWidth <= {PHONE['width']}"
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(fits, timeout=1500)
    width = page.evaluate("document.documentElement.scrollWidth")
    return width, page.evaluate(_STICKING_OUT) if width > PHONE["width"] else []


@pytest.mark.parametrize("role", list(WALKS))
def test_every_page_of_the_role_passes_axe_and_fits_a_phone(
    role, request, world, browser, live_server
):
    user = request.getfixturevalue(role)
    page = _context_page(browser, live_server)
    try:
        login(page, user.username, TEST_PASSWORD)
        failures: dict[str, list[dict]] = {}
        wide: dict[str, str] = {}
        unlabelled: dict[str, list[str]] = {}
        for template in WALKS[role]:
            url = template.format(**world)
            _open(page, url)
            _expand(page)
            failures[url] = axe_violations(page)
            if unnamed := page.evaluate(_UNLABELLED):
                unlabelled[url] = unnamed
            # The same page on a phone: narrowing the window reflows it as a phone would.
            page.set_viewport_size(PHONE)
            width, culprits = _overflow(page)
            if width > PHONE["width"]:
                wide[url] = f"{width} px: {', '.join(culprits)}"
            page.set_viewport_size(DESKTOP)
            if url == "/matrix/":
                for name in _dashboard_tabs(page):
                    failures[f"/matrix/ tab {name}"] = axe_violations(page)
    finally:
        page.context.close()
    print(f"\naxe, {role}: serious or critical violations (nodes) per page")
    for url, violations in failures.items():
        print(f"  {url}: {len(violations)} ({sum(len(v['nodes']) for v in violations)})")
    print(f"wider than {PHONE['width']} px at a phone's width: {wide or 'none'}")
    bad = {url: v for url, v in failures.items() if v}
    problems = [f"{url}:\n{describe(v)}" for url, v in bad.items()]
    if unlabelled:
        problems.append(f"controls with no label: {unlabelled}")
    if wide:
        problems.append(f"wider than {PHONE['width']} px at a phone's width: {wide}")
    assert not problems, "\n".join(problems)


def _tab_to(page: Page, selector: str, *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (Shift+Tab with `back`) until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def _focus_ring(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                color: s.outlineColor, shadow: s.boxShadow}; }"""
    )


def test_tabbing_to_a_control_shows_a_focus_outline(world, supervisor, browser, live_server):
    page = _context_page(browser, live_server)
    try:
        login(page, supervisor.username, TEST_PASSWORD)
        controls = {
            "/": ["nav a[href='/ocgs/']", "button[data-testid=logout]"],
            "/ocgs/": ["form.filters input, form.filters select", "form.filters button"],
            "/matrix/": ["[role=tab][aria-selected=true]"],
            "/intelligence/new/": ["textarea"],
        }
        for url, selectors in controls.items():
            _open(page, url)
            page.locator("body").focus()
            for selector in selectors:
                _tab_to(page, selector)
                ring = _focus_ring(page)
                assert ring["outline"] == "solid" and ring["width"] >= 3, (url, selector, ring)
                assert ring["shadow"] != "none", (url, selector, ring)
        # A mouse click on a tab focuses it without a ring: only keyboard focus draws one.
        _open(page, "/matrix/")
        page.locator("[data-tabs=lines]").get_by_role("tab").last.click()
        assert page.evaluate("document.activeElement.getAttribute('role')") == "tab"
        assert _focus_ring(page)["outline"] == "none"
    finally:
        page.context.close()


def _type_in_select(page: Page, label: str) -> None:
    """Choose an option of the focused <select> by typing its label, as a keyboard user does."""
    page.keyboard.type(label)
    expect(page.locator(":focus option:checked")).to_have_text(label)


def test_an_lro_logs_a_disruption_with_the_keyboard_alone(world, lro, browser, live_server):
    page = _context_page(browser, live_server)
    try:
        login(page, lro.username, TEST_PASSWORD)
        _open(page, "/")
        _tab_to(page, "nav a[href='/disruptions/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/disruptions/")
        _tab_to(page, "main a[href='/disruptions/new/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/disruptions/new/")

        _tab_to(page, "[data-testid=subject-search]")
        page.keyboard.type("Harbour")
        expect(page.get_by_role("option", name=re.compile("Harbourside Firm"))).to_be_visible()
        open_picker = axe_violations(page)
        assert not open_picker, describe(open_picker)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("subject-chips")).to_contain_text("Harbourside Firm")

        _tab_to(page, "#id_strand")
        _type_in_select(page, "Pursue")
        _tab_to(page, "#id_tactic")
        _type_in_select(page, "Arrest")
        _tab_to(page, "#id_narrative")
        page.keyboard.type("Fictional: two arrests at a trap house, logged by keyboard.")
        _tab_to(page, "#id_impact_grade")
        _type_in_select(page, "Moderate")
        _tab_to(page, "#id_impact_rationale")
        page.keyboard.type("Two line holders in custody for a week.")
        _tab_to(page, "#id_arrests")
        page.keyboard.type("2")
        _tab_to(page, "[data-testid=save-draft]")
        page.keyboard.press("Enter")

        expect(page.get_by_test_id("status")).to_contain_text("Draft")
        logged = Disruption.objects.get(narrative__contains="logged by keyboard")
        assert logged.status == DisruptionStatus.DRAFT and logged.arrests == 2
        assert [o.name for o in logged.ocgs.all()] == ["Harbourside Firm"]
    finally:
        page.context.close()


def test_a_supervisor_works_the_dashboard_with_the_keyboard_alone(
    world, supervisor, browser, live_server
):
    page = _context_page(browser, live_server)
    try:
        login(page, supervisor.username, TEST_PASSWORD)
        _open(page, "/")
        _tab_to(page, "nav a[href='/matrix/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/matrix/")

        lines = page.locator("[data-tabs=lines]")
        _tab_to(page, "[data-tabs=lines] [role=tab]")
        expect(lines.get_by_role("tab", selected=True)).to_be_focused()
        # Arrow keys move along the tabs and show each panel; Home and End jump to the ends.
        page.keyboard.press("ArrowRight")
        east = lines.get_by_role("tab", name=re.compile("^East"))
        expect(east).to_be_focused()
        expect(east).to_have_attribute("aria-selected", "true")
        expect(page.locator("#lines-EAST")).to_contain_text("HERON")
        page.keyboard.press("End")
        expect(lines.get_by_role("tab").last).to_be_focused()
        page.keyboard.press("Home")
        north = lines.get_by_role("tab").first
        expect(north).to_be_focused()
        expect(page.locator("#lines-NORTH")).to_be_visible()
        expect(page.locator("#lines-EAST")).to_be_hidden()
        # Tab leaves the tab list for the panel, then its first ranking row's link.
        page.keyboard.press("Tab")
        expect(page.locator("#lines-NORTH")).to_be_focused()
        page.keyboard.press("Tab")
        link = page.locator("#lines-NORTH [data-testid=line-row] a").first
        expect(link).to_be_focused()
        expect(link).to_contain_text("KINGFISHER")
        # Shift+Tab goes back the same way.
        page.keyboard.press("Shift+Tab")
        expect(page.locator("#lines-NORTH")).to_be_focused()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/county-lines/\d+/$"))
        expect(page.get_by_test_id("line-title")).to_contain_text("KINGFISHER")
    finally:
        page.context.close()


# Forms posted empty: the errors they show (summary, messages at the fields) pass axe too.
FORMS = [
    ("/ocgs/new/", "main form[method=post]"),
    ("/intelligence/new/", "main form[method=post]"),
    ("/disruptions/new/", "[data-testid=disruption-form]"),
    ("/county-lines/nominate/", "main form[method=post]"),
    ("/operations/new/", "main form[method=post]"),
    ("/county-lines/{line}/", "[data-testid=flex-form]"),
]


def test_forms_showing_their_errors_pass_axe(world, supervisor, browser, live_server):
    page = _context_page(browser, live_server)
    try:
        login(page, supervisor.username, TEST_PASSWORD)
        failures = {}
        for template, form in FORMS:
            url = template.format(**world)
            _open(page, url)
            page.locator(form).first.locator("button[type=submit]").last.click()
            page.wait_for_load_state("networkidle")
            expect(page.locator(".error-summary, .error-message, .errorlist").first).to_be_visible()
            if violations := axe_violations(page):
                failures[url] = violations
    finally:
        page.context.close()
    assert not failures, "\n".join(f"{url}:\n{describe(v)}" for url, v in failures.items())
