"""A shared line or OCG as the receiving force's ordinary officers use it (issue 19 item 2): in
their own lists (pages, CSV and API), search and the pickers of the forms that add to it, marked
"Shared by <owning force>" and read-only or not, cut to what the share lends and linked to the
share's page, which shows the owner's score; with the right to add to it their intelligence and
disruptions are accepted (attributed to their team, seen and scored by the owner), read-only
they are refused saying why; the other force's officers are named by their force only; and an
OCG adopted for its NCA/ERSOU team is shared with the regional unit that works it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from countylines.models import DealLine
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.matrix.models import Score
from kentsoc.matrix.services import subject_rescore
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.scoping import CONTRIBUTE, READ
from kentsoc.sharing.choices import ShareState
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import share_approve, share_offer, share_revoke
from kentsoc.trh.choices import RankedSubject
from ocg.choices import OcgStatus
from ocg.services import lifecycle
from tests import clients
from tests.factories import OfficerFactory, TeamFactory, UserFactory, make_line, make_ocg
from tests.sharing.conftest import fresh

pytestmark = pytest.mark.django_db

NUMBER = "07700900517"


def _live(w, subject=None, access=READ, records=None):
    subject = subject or w.line
    offered = share_offer(
        actor=w.ks_supervisor,
        subject=subject,
        receiving_force=w.wx["force"],
        access=access,
        records=[w.shared.pk] if records is None else records,
        reason="The line exports from their area.",
    )
    return share_approve(actor=w.ks_approver, share=offered)


def _scored(w):
    subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=w.line.pk)
    return Score.objects.get(county_line=w.line, is_current=True)


def test_a_lent_line_is_in_the_receiving_forces_list_marked_and_cut_to_what_is_lent(world):
    w = world
    DealLine.objects.create(county_line=w.line, number=NUMBER)
    score = _scored(w)
    share = _live(w)
    page = clients.web(w.wx_clgt).get("/county-lines/")
    body = page.content.decode()
    assert page.status_code == 200
    row = body.split('data-shared-by="', 1)[1].split("</tr>", 1)[0]
    assert "LENDER" in row and f"/shares/{share.pk}/" in row
    assert "Shared by KS-shire" not in row  # the force's name, not its code
    assert f"Shared by {w.line.division.force.name}" in row and "read-only" in row
    assert str(score.total) in row
    # Not lent: its deal lines, its division, its rank, its own page.
    assert "900517" not in body and w.line.division.name not in body
    assert f"/county-lines/{w.line.pk}/" not in body

    csv = b"".join(clients.web(w.wx_clgt).get("/county-lines/?format=csv").streaming_content)
    lines = csv.decode().splitlines()
    assert lines[0].endswith("Shared by")
    lent = next(line for line in lines if "LENDER" in line)
    assert w.line.division.force.name in lent and "900517" not in lent
    assert w.line.division.name not in lent

    api = clients.api(w.wx_clgt).get("/api/county-lines/").json()["results"]
    (row,) = [r for r in api if r["id"] == w.line.pk]
    assert row["shared"]["by"] == w.line.division.force.name and row["shared"]["access"] == READ
    assert row["shared"]["url"] == f"/shares/{share.pk}/"
    assert (row["name"], row["score"]) == ("LENDER", score.total)
    assert row["deal_lines"] == [] and row["nominals"] == [] and row["division"] is None
    assert row["rank"] is None and row["warnings"] == []
    # Its own page and API record stay the owner's.
    assert clients.api(w.wx_clgt).get(f"/api/county-lines/{w.line.pk}/").status_code == 404

    # The owner's list shows its own line as ever, unmarked.
    owner = clients.api(w.ks_clgt).get("/api/county-lines/").json()["results"]
    assert [(r["id"], r["shared"]) for r in owner] == [(w.line.pk, None)]
    assert "data-shared-by" not in clients.web(w.ks_clgt).get("/county-lines/").content.decode()

    # Revoked: gone from the other force's lists.
    share_revoke(actor=w.ks_supervisor, share=share, reason="Operation over.")
    assert "LENDER" not in clients.web(fresh(w.wx_clgt)).get("/county-lines/").content.decode()
    assert clients.api(w.wx_clgt).get("/api/county-lines/").json()["results"] == []


def test_a_lent_ocg_is_in_the_receiving_forces_ocg_list_without_its_people(world):
    w = world
    w.ocg.lead_responsible_officer = w.ks_supervisor
    w.ocg.save(update_fields=["lead_responsible_officer"])
    share = _live(w, subject=w.ocg, access=CONTRIBUTE, records=[])
    body = clients.web(w.wx_analyst).get("/ocgs/").content.decode()
    row = body.split('data-shared-by="', 1)[1].split("</tr>", 1)[0]
    assert "Fictional Sharecrew" in row and f"/shares/{share.pk}/" in row and "may add" in row
    assert w.ks_supervisor.get_full_name() not in body
    api = clients.api(w.wx_analyst).get("/api/ocgs/").json()["results"]
    (row,) = api
    assert row["shared"]["contribute"] is True and row["members"] == []
    assert row["lead_responsible_officer"] is None and row["managing_team"] is None
    # An LRO of the other force reads no lent OCG (not among the OCG's receiving roles).
    assert clients.api(w.wx_lro).get("/api/ocgs/").json()["results"] == []


def test_the_search_finds_a_lent_line_by_name_not_by_its_deal_line(world):
    w = world
    DealLine.objects.create(county_line=w.line, number=NUMBER)
    share = _live(w)
    rows = clients.api(w.wx_clgt).get("/api/search/", {"q": "LENDER"}).json()["results"]
    (row,) = [r for r in rows if r["type"] == "county_line"]
    assert row["url"] == f"/shares/{share.pk}/"
    assert f"Shared by {w.line.division.force.name} (read-only)" in row["snippet"]
    page = clients.web(w.wx_clgt).get("/search/", {"q": "LENDER"}).content.decode()
    assert f"/shares/{share.pk}/" in page and "Shared by" in page
    by_number = clients.api(w.wx_clgt).get("/api/search/", {"q": NUMBER}).json()["results"]
    assert [r for r in by_number if r["type"] == "county_line"] == []
    # The owner finds it by either, on its own page.
    mine = clients.api(w.ks_clgt).get("/api/search/", {"q": NUMBER}).json()["results"]
    assert [r["url"] for r in mine if r["type"] == "county_line"] == [f"/county-lines/{w.line.pk}/"]


def test_the_pickers_offer_a_line_lent_with_the_right_to_add_only(world):
    w = world
    share = _live(w)  # read-only
    chip = f'data-field="county_lines" data-id="{w.line.pk}"'
    tick = f"result-county_lines-{w.line.pk}"
    picked = clients.web(w.wx_clgt).get("/disruptions/subjects/", {"q": "LENDER"})
    assert picked.status_code == 200 and chip not in picked.content.decode()
    intel = clients.web(w.wx_clgt).get("/intelligence/subjects/", {"subject_q": "LENDER"})
    assert intel.status_code == 200 and tick not in intel.content.decode()
    share_revoke(actor=w.ks_supervisor, share=share, reason="Upgrade to contribute.")
    _live(w, access=CONTRIBUTE)
    picked = clients.web(fresh(w.wx_clgt)).get("/disruptions/subjects/", {"q": "LENDER"})
    body = picked.content.decode()
    assert chip in body and f"Shared by {w.line.division.force.name}" in body
    intel = clients.web(fresh(w.wx_clgt)).get("/intelligence/subjects/", {"subject_q": "LEND"})
    assert tick in intel.content.decode() and "Shared by" in intel.content.decode()


def _disruption_body(w):
    return {
        "date": today().isoformat(),
        "team": w.wx["teams"]["clgt_north"].pk,
        "county_lines": [w.line.pk],
        "strand": "pursue",
        "tactic": "arrest",
        "narrative": "Runner arrested at the station.",
        "impact_grade": "minor",
        "impact_rationale": "One runner off the line.",
        "arrests": 1,
    }


def _form_body(w):
    """The log form as posted: the API's body, the officer, and empty weapon and drug rows."""
    body = _disruption_body(w) | {"officer": w.wx_clgt.pk}
    for prefix in ("weapons", "drugs"):
        body |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return body


def _intel_body(w):
    return {
        "information_date": today().isoformat(),
        "summary": "Runner seen boarding at the terminus.",
        "source_evaluation": "1",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "county_lines": [w.line.pk],
        "factor_claims": [{"factor": "weapons", "level": 2}],
    }


def test_read_only_refuses_the_other_forces_intelligence_and_disruptions_saying_why(world):
    w = world
    _live(w)
    api = clients.api(w.wx_clgt)
    refused = api.post("/api/disruptions/", _disruption_body(w), format="json")
    assert refused.status_code == 400
    assert "read-only" in str(refused.json()) and w.line.division.force.name in str(refused.json())
    refused = api.post("/api/intelligence/", _intel_body(w), format="json")
    assert refused.status_code == 400
    assert "read-only" in str(refused.json()["county_lines"])
    # The form says the same.
    form = clients.web(w.wx_clgt).post("/disruptions/new/", _form_body(w))
    assert "read-only" in form.content.decode() and "Location" not in form


def test_contribute_end_to_end_through_the_api_attributed_and_scored_by_the_owner(world):
    w = world
    _live(w, access=CONTRIBUTE)
    api = clients.api(w.wx_clgt)
    made = api.post("/api/disruptions/", _disruption_body(w), format="json")
    assert made.status_code == 201, made.content
    disruption = made.json()
    assert disruption["team"] == w.wx["teams"]["clgt_north"].pk
    assert disruption["county_lines"] == [w.line.pk]
    record = api.post("/api/intelligence/", _intel_body(w), format="json")
    assert record.status_code == 201, record.content
    record = record.json()
    stored = IntelligenceRecord.objects.get(pk=record["id"])
    assert stored.force_id == w.wx["force"].pk
    assert stored.owning_team.force_id == w.wx["force"].pk

    # The owner's officers read both, and its score counts the record.
    owner = clients.api(fresh(w.ks_supervisor))
    assert owner.get(f"/api/disruptions/{disruption['id']}/").status_code == 200
    seen = owner.get(f"/api/intelligence/{record['id']}/")
    assert seen.status_code == 200
    weapons = next(f for f in _scored(w).breakdown if f["factor"] == "weapons")
    assert weapons["records"] == [record["id"]]
    # The form path too: the log form takes the lent line and logs a draft.
    form = clients.web(fresh(w.wx_clgt)).post("/disruptions/new/", _form_body(w))
    assert form.status_code == 302, form.content.decode()[:2000]


def test_the_share_page_names_the_other_forces_officers_by_force_and_shows_the_owners_score(
    world,
):
    w = world
    score = _scored(w)
    share = _live(w)
    theirs = clients.web(w.wx_supervisor).get(f"/shares/{share.pk}/").content.decode()
    for officer in (w.ks_supervisor, w.ks_approver):
        assert officer.get_full_name() not in theirs
    assert f"a supervisor of {w.line.division.force.name}" in theirs
    assert f"{w.line.division.force.name}'s score" in theirs
    assert f">{score.total}" in theirs.split('data-testid="lent-score"', 1)[1]
    api = clients.api(w.wx_supervisor).get(f"/api/shares/{share.pk}/").json()
    assert api["requested_by"] == f"a supervisor of {w.line.division.force.name}"
    assert w.ks_supervisor.get_full_name() not in str(api)
    # The owner's supervisors see their own colleagues' names.
    ours = clients.web(w.ks_supervisor).get(f"/shares/{share.pk}/").content.decode()
    assert w.ks_approver.get_full_name() in ours


@pytest.fixture
def regional_world(world):
    """Kent-shire's NCA/ERSOU team and its LRO, and a regional unit (another force) with an
    NCA/ERSOU team and a coordinator."""
    w = world
    ks_unit = TeamFactory(
        code="KS-NCA", name="KS NCA / ERSOU", kind=TeamKind.NCA_ERSOU, force=w.line.division.force
    )
    w.ks_nca_lro = OfficerFactory(
        user=UserFactory(username="ks_nca_lro"), role=Role.LRO, rank=Rank.DS, team=ks_unit
    ).user
    unit_team = TeamFactory(
        code="WX-ROCU", name="WX Regional unit", kind=TeamKind.NCA_ERSOU, force=w.wx["force"]
    )
    w.wx_rocu = OfficerFactory(
        user=UserFactory(username="wx_rocu"), role=Role.COORDINATOR, rank=Rank.DC, team=unit_team
    ).user
    w.ks_unit = ks_unit
    return w


def test_an_ocg_adopted_for_the_nca_team_is_shared_with_the_regional_unit(regional_world):
    w = regional_world
    assert list(lifecycle.regional_units(w.line.division.force.pk)) == [w.wx["force"]]
    refused = clients.api(w.ks_supervisor).post(
        f"/api/ocgs/{w.ocg.pk}/adopt/",
        {
            "managing_team": w.ks["teams"]["soc"].pk,
            "lead_responsible_officer": w.ks_nca_lro.pk,
            "regional_force": w.wx["force"].pk,
        },
        format="json",
    )
    assert refused.status_code == 400 and "regional_force" in refused.json()
    assert not Share.objects.exists()

    adopted = clients.api(w.ks_supervisor).post(
        f"/api/ocgs/{w.ocg.pk}/adopt/",
        {
            "managing_team": w.ks_unit.pk,
            "lead_responsible_officer": w.ks_nca_lro.pk,
            "regional_force": w.wx["force"].pk,
        },
        format="json",
    )
    assert adopted.status_code == 200, adopted.content
    share = Share.objects.get()
    assert (share.ocg_id, share.receiving_force_id) == (w.ocg.pk, w.wx["force"].pk)
    assert (share.state, share.access, share.decided_by_id) == (
        ShareState.APPROVED,
        CONTRIBUTE,
        w.ks_supervisor.pk,
    )
    assert share.ends_on == today() + datetime.timedelta(days=365)
    event = AuditEvent.objects.get(object_type="sharing.share", object_id=str(share.pk))
    assert event.changes["state"] == [None, ShareState.APPROVED]
    # The regional unit's officers find it in their OCG list, marked, and may add to it.
    listed = clients.api(w.wx_rocu).get("/api/ocgs/").json()["results"]
    assert [(r["id"], r["shared"]["contribute"]) for r in listed] == [(w.ocg.pk, True)]


def test_a_regional_unit_is_another_forces_nca_unit_and_only_for_the_nca_team(regional_world):
    w = regional_world
    other = make_ocg(w.ks["divisions"]["north"], name="Fictional Second", status=OcgStatus.MAPPED)
    with pytest.raises(ValidationError) as raised:
        lifecycle.ocg_adopt(
            actor=w.ks_supervisor,
            ocg=other,
            managing_team=w.ks_unit.pk,
            lead_responsible_officer=w.ks_nca_lro.pk,
            regional_force=w.line.division.force.pk,
        )
    assert "regional_force" in raised.value.message_dict
    # Without a regional unit an adoption shares nothing, as before.
    lifecycle.ocg_adopt(
        actor=w.ks_supervisor,
        ocg=other,
        managing_team=w.ks_unit.pk,
        lead_responsible_officer=w.ks_nca_lro.pk,
    )
    assert not Share.objects.exists()
    # The page's form offers the regional units and adopts with one.
    page = clients.web(w.ks_supervisor).get(f"/ocgs/{w.ocg.pk}/adopt/").content.decode()
    select = page.split('name="regional_force"', 1)[1].split("</select>", 1)[0]
    assert w.wx["force"].name in select and w.line.division.force.name not in select
    posted = clients.web(w.ks_supervisor).post(
        f"/ocgs/{w.ocg.pk}/adopt/",
        {
            "managing_team": w.ks_unit.pk,
            "lead_responsible_officer": w.ks_nca_lro.pk,
            "regional_force": w.wx["force"].pk,
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:1500]
    assert Share.objects.get().receiving_force_id == w.wx["force"].pk


LISTS = ("/county-lines/", "/api/county-lines/", "/ocgs/", "/api/ocgs/", "/search/?q=Lent")


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm: session and permission caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_receiving_forces_lists_cost_the_same_however_many_records_are_lent(
    world, django_assert_max_num_queries
):
    """Marking lent rows is a column of each list's one query, not a query per row."""
    w = world
    north = w.line.division

    def lend(n):
        for i in range(n):
            ocg = make_ocg(north, name=f"Fictional Lent Crew {i}", status=OcgStatus.MAPPED)
            line = make_line(north, name=f"LENT{i}", status="active", ocg=ocg)
            # A number of its own: a number two lines share costs the page one query more (which
            # of the other lines the reader may see), whatever the number of rows.
            DealLine.objects.create(county_line=line, number=f"077009{line.pk:05d}")
            for subject in (line, ocg):
                share = share_offer(
                    actor=w.ks_supervisor,
                    subject=subject,
                    receiving_force=w.wx["force"],
                    access=CONTRIBUTE if i % 2 else READ,
                    reason="Joint work.",
                )
                share_approve(actor=w.ks_approver, share=share)

    lend(1)
    client = clients.web(fresh(w.wx_analyst))
    counts = {path: _queries(client, path) for path in LISTS}
    lend(3)
    client = clients.web(fresh(w.wx_analyst))
    for path, count in counts.items():
        with django_assert_max_num_queries(count):
            response = client.get(path)
        assert response.status_code == 200
    body = client.get("/county-lines/").content.decode()
    assert body.count('data-shared-by="') == 4


def test_the_share_page_leads_to_the_log_form_with_the_lent_line_chosen(world):
    w = world
    share = _live(w, access=CONTRIBUTE)
    page = clients.web(fresh(w.wx_clgt)).get(f"/shares/{share.pk}/").content.decode()
    assert f"/disruptions/new/?county_line={w.line.pk}" in page
    form = clients.web(fresh(w.wx_clgt)).get(f"/disruptions/new/?county_line={w.line.pk}")
    chips = form.content.decode().split('data-testid="subject-chips"', 1)[1].split("</ul>", 1)[0]
    assert f'value="{w.line.pk}"' in chips
    assert f"(shared by {w.line.division.force.name})" in chips
