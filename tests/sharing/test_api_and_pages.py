"""The share API (/api/shares/) and pages (/shares/): the same services, every step audited,
lent records marked as another force's wherever they show, and nothing lent once a share ends."""

from __future__ import annotations

import pytest

from kentsoc.audit.models import AuditEvent
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import share_approve, share_offer
from tests import clients

pytestmark = pytest.mark.django_db


def _offered(w, **kwargs):
    return share_offer(
        actor=w.ks_supervisor,
        subject=w.line,
        receiving_force=w.wx["force"],
        records=[w.shared.pk],
        reason="The line exports from their area.",
        **kwargs,
    )


def test_offer_approve_and_revoke_through_the_api(world):
    w = world
    offered = clients.api(w.ks_supervisor).post(
        "/api/shares/",
        {
            "county_line": w.line.pk,
            "receiving_force": w.wx["force"].pk,
            "access": "contribute",
            "records": [w.shared.pk],
            "reason": "Joint operation on the line.",
        },
        format="json",
    )
    assert offered.status_code == 201, offered.content
    pk = offered.json()["id"]
    assert offered.json()["state"] == "requested"

    # The receiving force sees the request, not the line's name, until it is approved.
    listed = clients.api(w.wx_supervisor).get("/api/shares/").json()["results"]
    assert [(s["id"], s["subject"]["name"]) for s in listed] == [(pk, None)]
    assert clients.api(w.wx_supervisor).post(f"/api/shares/{pk}/approve/").status_code == 403
    assert clients.api(w.ks_supervisor).post(f"/api/shares/{pk}/approve/").status_code == 403
    assert clients.api(w.wx_clgt).get(f"/api/shares/{pk}/").status_code == 404

    approved = clients.api(w.ks_approver).post(f"/api/shares/{pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "Live"

    lent = clients.api(w.wx_clgt).get(f"/api/shares/{pk}/").json()
    assert lent["lent"]["subject"]["name"] == "LENDER"
    assert [r["id"] for r in lent["lent"]["records"]] == [w.shared.pk]
    assert lent["contribute"] is True
    # The line's other intelligence never crosses.
    body = clients.api(w.wx_clgt).get(f"/api/shares/{pk}/").content.decode()
    assert "Not chosen for sharing" not in body and "Conditions bind" not in body

    revoked = clients.api(w.wx_supervisor).post(
        f"/api/shares/{pk}/revoke/", {"reason": "Operation over."}, format="json"
    )
    assert revoked.status_code == 200, revoked.content
    assert clients.api(w.wx_clgt).get(f"/api/shares/{pk}/").status_code == 404
    assert clients.api(w.wx_clgt).get("/api/shares/").json()["results"] == []


def test_asking_by_reference_through_the_api(world):
    w = world
    asked = clients.api(w.wx_supervisor).post(
        "/api/shares/",
        {"reference": w.line.reference, "reason": "Our runners are on it."},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["subject"]["name"] is None
    unknown = clients.api(w.wx_supervisor).post(
        "/api/shares/", {"reference": "CL-9999", "reason": "Guessing."}, format="json"
    )
    assert unknown.status_code == 400 and "reference" in unknown.json()
    refused = clients.api(w.wx_clgt).post(
        "/api/shares/", {"reference": w.line.reference, "reason": "Not a supervisor."}
    )
    assert refused.status_code == 403


def test_the_share_page_marks_the_lent_line_and_views_are_audited(world):
    w = world
    share = share_approve(actor=w.ks_approver, share=_offered(w))
    page = clients.web(w.wx_clgt).get(f"/shares/{share.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Shared by" in body and "read-only" in body
    assert "Shareable tip-off" in body and "Not chosen for sharing" not in body
    viewed = AuditEvent.objects.filter(actor=w.wx_clgt, object_type="sharing.share").get()
    assert viewed.action == "view"
    read = AuditEvent.objects.get(actor=w.wx_clgt, object_type="intel.intelligencerecord")
    assert read.changes["ids"] == [w.shared.pk]
    # The line's own page stays the owner's: the other force reads it on the share's page only.
    assert clients.web(w.wx_clgt).get(f"/county-lines/{w.line.pk}/").status_code == 404
    listing = clients.web(w.wx_clgt).get("/shares/").content.decode()
    assert "LENDER" in listing and "shared" in listing


def test_supervisors_offer_and_decide_on_the_pages(world):
    w = world
    line_page = clients.web(w.ks_supervisor).get(f"/county-lines/{w.line.pk}/").content.decode()
    assert 'data-testid="share-action"' in line_page
    form = clients.web(w.ks_supervisor).get(f"/shares/offer/county-line/{w.line.pk}/")
    assert form.status_code == 200
    assert "Conditions bind" not in form.content.decode()  # code C is not offered
    posted = clients.web(w.ks_supervisor).post(
        f"/shares/offer/county-line/{w.line.pk}/",
        {
            "receiving_force": w.wx["force"].pk,
            "access": "read",
            "records": [w.shared.pk],
            "reason": "They asked on the phone.",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    share = Share.objects.get()
    # The one who offered cannot approve; another supervisor of the force can.
    own = clients.web(w.ks_supervisor).post(f"/shares/{share.pk}/approve/", {"reason": ""})
    assert own.status_code == 403
    done = clients.web(w.ks_approver).post(f"/shares/{share.pk}/approve/", {"reason": "Fine."})
    assert done.status_code == 302
    share.refresh_from_db()
    assert share.is_live
    # A refusal and a revocation need a reason.
    again = clients.web(w.ks_approver).post(f"/shares/{share.pk}/revoke/", {"reason": ""})
    assert again.status_code == 400
    assert clients.web(w.wx_clgt).get(f"/shares/{share.pk}/revoke/").status_code in (403, 405)


@pytest.mark.parametrize("decision", ["approve", "refuse", "revoke"])
def test_a_malformed_share_id_is_not_found_not_a_server_error(world, decision):
    answer = clients.api(world.ks_supervisor).post(
        f"/api/shares/q%C2%AE6/{decision}/", {"reason": "x"}, format="json"
    )
    assert answer.status_code == 404
