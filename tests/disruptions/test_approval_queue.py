"""Approval queue cards say what each disruption is against (issue 15 item 8): the OCGs, lines
and nominals by reference and name, linked, with no query per card."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disruptions.choices import DisruptionStatus
from tests.clients import web
from tests.factories import make_disruption, make_line, make_ocg

pytestmark = pytest.mark.django_db


def _submitted(author, team, **subjects):
    return make_disruption(author=author, team=team, status=DisruptionStatus.SUBMITTED, **subjects)


def _cards(html: str) -> list[str]:
    return html.split('data-testid="queue-item"')[1:]


def test_each_card_names_and_links_its_subjects(
    clgt_officer, supervisor, force, line, ocg, nominal
):
    team = force["teams"]["clgt_north"]
    d = _submitted(clgt_officer, team, lines=[line], ocgs=[ocg], nominals=[nominal])
    html = web(supervisor).get(reverse("disruptions:approvals")).content.decode()
    (card,) = _cards(html)
    assert d.reference in card
    against = card.split('data-testid="queue-against"', 1)[1].split("</dl>", 1)[0]
    assert "Against OCG</dt>" in against and "Against county line</dt>" in against
    assert f'<a href="{reverse("ocg:detail", args=[ocg.pk])}">{ocg}</a>' in against
    assert f'<a href="{reverse("countylines:detail", args=[line.pk])}">{line}</a>' in against
    assert f'href="{reverse("ocg:nominal-detail", args=[nominal.pk])}"' in against
    assert ocg.reference and ocg.reference in against and line.name in against


def test_the_cards_cost_the_same_queries_for_one_or_many(clgt_officer, supervisor, force):
    team = force["teams"]["clgt_north"]
    north = force["divisions"]["north"]
    client = web(supervisor)
    url = reverse("disruptions:approvals")

    def count() -> int:
        client.get(url)  # the session and permission caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _submitted(clgt_officer, team, lines=[make_line(north)], ocgs=[make_ocg(north)])
    one = count()
    for _ in range(4):
        _submitted(
            clgt_officer,
            team,
            lines=[make_line(north), make_line(north)],
            ocgs=[make_ocg(north), make_ocg(north)],
        )
    assert count() == one
    assert len(_cards(client.get(url).content.decode())) == 5
