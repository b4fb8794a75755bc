"""The disruption form's Officer list is the service's own rule (issue 15 item 5): officers whose
role logs disruptions, never an analyst, auditor or CLIO; nothing offered is then refused."""

import pytest

from disruptions.forms import DisruptionForm
from disruptions.services import disruptions as disruption_services
from kentsoc.org.choices import Rank, Role
from tests.clients import web
from tests.conftest import _officer
from tests.factories import disruption_values
from tests.refusals import service_refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(force, lro, clgt_officer, clio, supervisor, analyst, auditor, coordinator):
    clgt_analyst = _officer(force, Role.ANALYST, "clgt_north", "analyst_clgt", Rank.STAFF)
    clgt_auditor = _officer(force, Role.AUDITOR, "clgt_north", "auditor_clgt", Rank.STAFF)
    other_clgt = _officer(force, Role.CLGT_OFFICER, "clgt_north", "clgt2", Rank.DC)
    return [
        lro,
        clgt_officer,
        clio,
        supervisor,
        analyst,
        auditor,
        coordinator,
        clgt_analyst,
        clgt_auditor,
        other_clgt,
    ]


def test_every_officer_offered_is_accepted_and_refused_ones_are_not_offered(
    clgt_officer, line, force, everyone
):
    offered = set(DisruptionForm(user=clgt_officer).fields["officer"].queryset)
    # The author's own team, less the roles that log nothing (its CLIO, analyst and auditor).
    assert {user.username for user in offered} == {"clgt", "clgt2"}
    for user in everyone:
        refusal = service_refusal(
            lambda user=user: disruption_services.disruption_create(
                actor=clgt_officer,
                values=disruption_values(force["teams"]["clgt_north"], officer=user),
                county_lines=[line],
            )
        )
        accepted = user.officer.role in disruption_services.DISRUPTION_OFFICER_ROLES
        assert (refusal is None) == accepted, user.username
        if user in offered:
            assert refusal is None, user.username
        if refusal:
            assert list(refusal) == ["officer"]
            assert "LRO, CLGT officer, coordinator or supervisor" in refusal["officer"][0]


def test_the_log_page_lists_no_clio_analyst_or_auditor(clgt_officer, everyone):
    page = web(clgt_officer).get("/disruptions/new/").content.decode()
    officers = page.split('name="officer"', 1)[1].split("</select>", 1)[0]
    for user in everyone:
        shown = f'value="{user.pk}"' in officers
        assert shown == (user.username in {"clgt", "clgt2"}), user.username
