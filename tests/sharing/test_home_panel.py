"""The supervisor's home panel of shares (kentsoc/sharing/extensions.py): the requests awaiting
their decision name the subject and the force asking, and what another force lends theirs names
the subject, the lending force and the last day."""

from __future__ import annotations

import pytest

from kentsoc.org.scoping import READ
from kentsoc.sharing.services import share_approve, share_offer
from tests import clients
from tests.sharing.conftest import fresh

pytestmark = pytest.mark.django_db


def _offer(w, subject):
    return share_offer(
        actor=w.ks_supervisor,
        subject=subject,
        receiving_force=w.wx["force"],
        access=READ,
        records=[],
        reason="The line exports from their area.",
    )


def _panel(user) -> str:
    body = clients.web(fresh(user)).get("/").content.decode()
    return body.split("Shares with other forces", 1)[1].split("All shares", 1)[0]


def test_a_request_awaits_the_owning_forces_other_supervisor(world):
    w = world
    ocg_share, line_share = _offer(w, w.ocg), _offer(w, w.line)

    panel = _panel(w.ks_approver)

    wessex = w.wx["force"].name
    assert (
        f'<a href="/shares/{ocg_share.pk}/">{w.ocg.reference} {w.ocg.name} → {wessex}</a>' in panel
    )
    assert (
        f'<a href="/shares/{line_share.pk}/">{w.line.reference} {w.line.name} → {wessex}</a>'
        in panel
    )


def test_a_live_share_is_listed_for_the_receiving_force(world):
    w = world
    share = share_approve(actor=w.ks_approver, share=_offer(w, w.ocg))

    panel = _panel(w.wx_supervisor)

    until = f"{share.ends_on.day} {share.ends_on:%b %Y}"
    assert (
        f'<li><a href="/shares/{share.pk}/">{w.ocg.reference} {w.ocg.name}</a> '
        f'<span class="tag tag--yellow">shared</span> '
        f'<span class="muted">by {w.ocg.division.force.name} until {until}</span></li>'
    ) in panel
