"""The user guides' journeys, walked in the browser as each role (docs/guides/<role>.md).

`make guides` sets GUIDE_SHOTS=1 and this test writes each page's screenshot to
docs/guides/img/<role>-<page>.png, the pictures the guides show. Without it (in `make test`) the
same journeys are only checked: every page opens for that role and shows its heading, so a guide
cannot describe a page its role no longer reaches. tests/pages/test_guides.py checks that every
screenshot named here is in its guide and on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from countylines.choices import LineStatus
from countylines.models import SafeguardingReferral
from disruptions.choices import DisruptionStatus
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record, audit_view
from kentsoc.matrix.recompute import recompute_all
from ocg.choices import OcgStatus
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import login
from tests.factories import (
    TEST_PASSWORD,
    days_ago,
    evidence_all,
    make_disruption,
    make_line,
    make_ocg,
    make_person,
    make_record,
)

pytestmark = pytest.mark.django_db(transaction=True)

IMG_DIR = Path(__file__).resolve().parents[2] / "docs" / "guides" / "img"
WRITE = os.environ.get("GUIDE_SHOTS") == "1"
# A folder for the pictures not kept in the guides, to look at while changing the pages: each
# home at phone width and the guide page itself.
LOOK_DIR = os.environ.get("GUIDE_LOOK_SHOTS", "")

# role -> [(page, path)]; a path in braces is filled from the world below.
JOURNEYS: dict[str, list[tuple[str, str]]] = {
    "coordinator": [
        ("home", "/"),
        ("ocgs", "/ocgs/"),
        ("ocg", "{nominated}"),
        ("nominate", "/ocgs/new/"),
        ("lifetime", "/lifetime/"),
    ],
    "researcher": [
        ("home", "/"),
        ("ocg", "{nominated}"),
        ("intelligence-new", "/intelligence/new/"),
    ],
    "lro": [("home", "/"), ("ocg", "{adopted}"), ("disruption-new", "/disruptions/new/")],
    "clgt_officer": [
        ("home", "/"),
        ("lines", "/county-lines/"),
        ("line", "{line}"),
        ("nominate", "/county-lines/nominate/"),
        ("disruption-new", "/disruptions/new/"),
    ],
    "clio": [
        ("home", "/"),
        ("people", "/county-lines/people-at-risk/"),
        ("safeguarding", "{line}safeguarding/"),
        ("person", "{person}"),
    ],
    "supervisor": [
        ("home", "/"),
        ("dashboard", "/matrix/"),
        ("approvals", "/disruptions/approvals/"),
        ("ocg", "{nominated}"),
    ],
    "analyst": [
        ("home", "/"),
        ("intelligence", "/intelligence/"),
        ("intelligence-new", "/intelligence/new/"),
        ("dashboard", "/matrix/"),
    ],
    "auditor": [("home", "/"), ("audit", "/audit/")],
    "administrator": [("home", "/"), ("admin", "/admin/"), ("officers", "/admin/org/officer/")],
}


def shot_names() -> dict[str, list[str]]:
    return {role: [f"{role}-{page}.png" for page, _ in pages] for role, pages in JOURNEYS.items()}


@pytest.fixture
def world(force, lro, clgt_officer, supervisor):
    """A little of everything in North, so each page has rows to show."""
    d, north = force["districts"], force["divisions"]["north"]
    adopted = make_ocg(
        north,
        name="Invented Quay Crew",
        status=OcgStatus.ADOPTED,
        lead_responsible_officer=lro,
        managing_team=force["teams"]["north_local"],
        nominated_on=days_ago(400),
    )
    evidence_all(adopted)
    nominated = make_ocg(north, name="Harbour Lane Fictional Group", nominated_on=days_ago(20))
    line = make_line(districts=[d["medway"]], name="KESTREL", status=LineStatus.ACTIVE, ocg=adopted)
    evidence_all(line)
    make_line(districts=[d["medway"]], name="OSPREY", nominated_on=days_ago(5))
    make_record(lines=[line], ocgs=[adopted], claims={"violence": 2})
    person = make_person(line, name="Jordan Example", review_date=days_ago(-10))
    SafeguardingReferral.objects.create(
        person=person, agency="mcet", referred_on=days_ago(6), created_by=clgt_officer
    )
    make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        status=DisruptionStatus.SUBMITTED,
        date=days_ago(2),
        lines=[line],
        arrests=2,
    )
    # Something for the auditor's figures: a read of a child's record, a refused sign-in.
    audit_view(actor=supervisor, obj=person)
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, actor_username="no-such-officer")
    recompute_all()
    return {
        "adopted": f"/ocgs/{adopted.pk}/",
        "nominated": f"/ocgs/{nominated.pk}/",
        "line": f"/county-lines/{line.pk}/",
        "person": f"/county-lines/people-at-risk/{person.pk}/",
    }


@pytest.fixture
def axe_page(browser, live_server):
    """A page axe-core can run in (bypass_csp: pages forbid inline scripts)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", list(JOURNEYS))
def test_each_roles_guide_journey_renders(request, axe_page, world, role):
    page = axe_page
    login(page, request.getfixturevalue(role).username, TEST_PASSWORD)
    for name, path in JOURNEYS[role]:
        response = page.goto(path.format(**world))
        assert response is not None and response.ok, f"{role} {name}: {path}"
        assert page.locator("h1").first.is_visible(), f"{role} {name}: no heading"
        if WRITE:
            IMG_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(IMG_DIR / f"{role}-{name}.png"))
    # The home page's panels fit a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{role}'s home is {width} px wide at 390 px"
    assert not (found := axe_violations(page)), describe(found)
    if LOOK_DIR:
        page.screenshot(path=str(Path(LOOK_DIR) / f"{role}-home-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    # The guide itself, from the home page's link, with its pictures loaded.
    page.goto("/")
    page.click("[data-testid=your-guide]")
    page.wait_for_selector("[data-testid=guide]")
    page.wait_for_load_state("load")
    broken = page.evaluate(
        "[...document.querySelectorAll('[data-testid=guide] img')]"
        ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, broken
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "the guide overflows"
    if LOOK_DIR:
        page.screenshot(path=str(Path(LOOK_DIR) / f"{role}-guide.png"), full_page=True)
    assert not (found := axe_violations(page)), describe(found)
