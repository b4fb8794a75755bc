"""A disruption says whether an OCG is among its subjects (Disruption.against_ocg, the
dashboard's "against OCGs" figure): the services write it with the OCG links."""

import datetime

import pytest
from django.utils import timezone

from disruptions.models import Disruption
from disruptions.services import approvals
from disruptions.services import disruptions as disruption_services
from kentsoc.dashboard.charts import disruption_figures
from tests.factories import disruption_values

pytestmark = pytest.mark.django_db


def _flag(d) -> bool:
    return Disruption.objects.get(pk=d.pk).against_ocg


def _linked(d) -> bool:
    return Disruption.ocgs.through.objects.filter(disruption_id=d.pk).exists()


def test_create_writes_it_with_the_links(clgt_officer, line, ocg):
    with_ocg = disruption_services.disruption_create(
        actor=clgt_officer, values=disruption_values(None), ocgs=[ocg], county_lines=[line]
    )
    line_only = disruption_services.disruption_create(
        actor=clgt_officer, values=disruption_values(None), county_lines=[line]
    )
    assert _flag(with_ocg) is True is _linked(with_ocg)
    assert _flag(line_only) is False is _linked(line_only)


def test_an_edit_of_the_ocgs_follows_them(clgt_officer, line, ocg):
    d = disruption_services.disruption_create(
        actor=clgt_officer, values=disruption_values(None), county_lines=[line]
    )
    d = disruption_services.disruption_update(
        actor=clgt_officer, disruption=d, version=d.version, ocgs=[ocg]
    )
    assert d.against_ocg is True and _flag(d) is True is _linked(d)
    d = disruption_services.disruption_update(
        actor=clgt_officer, disruption=d, version=d.version, values={"arrests": 4}
    )
    assert _flag(d) is True  # left as it was when the OCGs are not given
    d = disruption_services.disruption_update(
        actor=clgt_officer, disruption=d, version=d.version, ocgs=[]
    )
    assert _flag(d) is False is _linked(d)


def test_the_dashboard_counts_an_approved_one_against_an_ocg(
    clgt_officer, supervisor, line, ocg, force
):
    on = timezone.localdate() - datetime.timedelta(days=10)
    for ocgs in ([ocg], []):
        d = disruption_services.disruption_create(
            actor=clgt_officer,
            values=disruption_values(None, date=on),
            ocgs=ocgs,
            county_lines=[line],
        )
        d = disruption_services.disruption_submit(actor=clgt_officer, disruption=d)
        approvals.disruption_approve(actor=supervisor, disruption=d)
    figures = disruption_figures(user=supervisor, as_of=on + datetime.timedelta(days=10))
    assert figures.total == 2
    assert figures.against_ocgs == 1
