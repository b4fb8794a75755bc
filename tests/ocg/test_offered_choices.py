"""The adopt and 4P-plan forms offer exactly what the services accept (issue 15 item 5): each
list comes from the service's own rule, so nothing offered is then refused."""

import datetime

import pytest

from kentsoc.dates import today
from kentsoc.org.choices import Rank, Role
from kentsoc.org.models import Team
from ocg import forms as f
from ocg.services import lifecycle, plan
from tests.clients import web
from tests.conftest import _officer
from tests.refusals import service_refusal


@pytest.fixture
def everyone(force, lro, clgt_officer, clio, supervisor, analyst, auditor, coordinator):
    """One officer of every role, and an LRO in a team that may not manage OCGs."""
    researcher = _officer(force, Role.RESEARCHER, "ocgmu", "researcher2", Rank.PC, "north")
    clgt_lro = _officer(force, Role.LRO, "clgt_north", "lro_clgt", Rank.DS)
    bureau_lro = _officer(force, Role.LRO, "bureau", "lro_fib", Rank.DS)
    return [
        lro,
        clgt_officer,
        clio,
        supervisor,
        analyst,
        auditor,
        coordinator,
        researcher,
        clgt_lro,
        bureau_lro,
    ]


def test_every_team_offered_for_adoption_is_accepted_and_no_other(
    supervisor, lro, mapped_ocg, force
):
    offered = set(f.AdoptForm().fields["managing_team"].queryset)
    assert offered == set(lifecycle.adoptable_teams())
    names = {team.name for team in offered}
    assert "Serious Organised Crime" in names and "North local team" in names
    assert not names & {"North CLGT", "Force Intelligence Bureau", "OCG Management Unit"}
    for team in Team.objects.all():
        refusal = service_refusal(
            lambda team=team: lifecycle.ocg_adopt(
                actor=supervisor,
                ocg=mapped_ocg,
                managing_team=team.pk,
                lead_responsible_officer=lro.pk,
            )
        )
        if team in offered:
            assert refusal is None, team.name
        else:
            assert "cannot manage OCGs" in refusal["managing_team"][0], team.name


def test_every_lro_offered_for_adoption_is_accepted_and_no_other(
    supervisor, mapped_ocg, force, everyone
):
    offered = set(f.AdoptForm().fields["lead_responsible_officer"].queryset)
    assert {user.username for user in offered} == {"lro"}
    for user in everyone:
        refusal = service_refusal(
            lambda user=user: lifecycle.ocg_adopt(
                actor=supervisor,
                ocg=mapped_ocg,
                managing_team=force["teams"]["soc"].pk,
                lead_responsible_officer=user.pk,
            )
        )
        assert (refusal is None) == (user in offered), user.username


def test_the_adopt_page_lists_only_the_teams_and_lros_the_service_takes(
    supervisor, mapped_ocg, force, everyone
):
    page = web(supervisor).get(f"/ocgs/{mapped_ocg.pk}/adopt/").content.decode()
    select = page.split('name="managing_team"', 1)[1].split("</select>", 1)[0]
    assert "Serious Organised Crime" in select and "North local team" in select
    for refused in ("North CLGT", "Force Intelligence Bureau", "OCG Management Unit"):
        assert refused not in select
    lros = page.split('name="lead_responsible_officer"', 1)[1].split("</select>", 1)[0]
    assert lros.count("<option") == 2  # the empty choice and the one LRO of a managing team


@pytest.fixture
def adopted_ocg(supervisor, lro, mapped_ocg, force):
    return lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=mapped_ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )


def test_every_plan_owner_offered_is_accepted_and_no_other(lro, adopted_ocg, everyone):
    offered = set(f.PlanActionForm().fields["owner"].queryset)
    roles = {user.officer.role for user in offered}
    assert roles == {Role.LRO, Role.COORDINATOR, Role.SUPERVISOR, Role.CLGT_OFFICER}
    for user in everyone:
        refusal = service_refusal(
            lambda user=user: plan.plan_action_add(
                actor=lro,
                ocg=adopted_ocg,
                strand="pursue",
                description="Warrant at the lock-up",
                owner=user.pk,
                due_on=today() + datetime.timedelta(days=30),
            )
        )
        assert (refusal is None) == (user in offered), user.username
        if refusal:
            assert list(refusal) == ["owner"]


def test_the_plan_form_does_not_offer_analysts_auditors_or_clios(lro, adopted_ocg, everyone):
    page = web(lro).get(f"/ocgs/{adopted_ocg.pk}/?tab=plan").content.decode()
    owners = page.split('name="owner"', 1)[1].split("</select>", 1)[0]
    for user in everyone:
        shown = f'value="{user.pk}"' in owners
        assert shown == (user.officer.role in plan.PLAN_OWNER_ROLES), user.username
