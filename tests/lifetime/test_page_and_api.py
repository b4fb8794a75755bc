"""One rule, whichever way in: a custody change made on a person's lifetime page goes through the
same service as one made in code (the demo, the other apps), in one transaction, and the page's
list and the API's list then show the same people with the same dates. The lifetime API only
reads (its lists share the pages' selectors and FilterSets); every write is a page's form."""

import pytest
from django.db.models import Q
from django.urls import reverse
from rest_framework.test import APIClient

from kentsoc.audit.models import AuditEvent
from kentsoc.lifetime.choices import CustodyEventKind
from kentsoc.lifetime.models import CustodyEvent, CustodyPeriod
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from tests.lifetime.conftest import adult_member, days

pytestmark = pytest.mark.django_db


def _by_page(client, nominal, today):
    response = client.post(
        reverse("lifetime:custody-event", args=[nominal.pk]),
        {
            "custody-kind": CustodyEventKind.SENTENCED,
            "custody-on_date": (today - days(100)).isoformat(),
            "custody-establishment": "HMP Invented",
        },
    )
    assert response.status_code == 302, response.content.decode()
    period = CustodyPeriod.objects.get(nominal=nominal)
    response = client.post(
        reverse("lifetime:custody-dates", args=[period.pk]),
        {
            "dates-version": period.version,
            "dates-sentence_date": (today - days(100)).isoformat(),
            "dates-expected_release_date": (today + days(10)).isoformat(),
            "dates-establishment": "HMP Invented",
        },
    )
    assert response.status_code == 302, response.content.decode()


def _by_service(actor, nominal, today):
    custody_event_record(
        actor=actor,
        nominal=nominal,
        kind=CustodyEventKind.SENTENCED,
        on_date=today - days(100),
        establishment="HMP Invented",
    )
    period = CustodyPeriod.objects.get(nominal=nominal)
    custody_dates_update(
        actor=actor,
        period=period,
        version=period.version,
        sentence_date=today - days(100),
        expected_release_date=today + days(10),
        licence_end_date=None,
        establishment="HMP Invented",
    )


def _outcome(nominal):
    nominal.refresh_from_db()
    period = CustodyPeriod.objects.get(nominal=nominal)
    # Each id with its own type: a person's id may be another person's custody period's.
    audited = AuditEvent.objects.filter(
        Q(object_type="ocg.nominal", object_id=str(nominal.pk))
        | Q(object_type="lifetime.custodyperiod", object_id=str(period.pk))
    )
    return {
        "custody_status": nominal.custody_status,
        "period": CustodyPeriod.objects.filter(pk=period.pk)
        .values(
            "status",
            "started_on",
            "sentence_date",
            "expected_release_date",
            "establishment",
            "version",
        )
        .get(),
        "events": list(CustodyEvent.objects.filter(period=period).values_list("kind", "on_date")),
        "audit": sorted((e.object_type, e.action, tuple(sorted(e.changes))) for e in audited),
    }


def test_a_custody_change_from_the_page_is_the_services_and_both_lists_show_it(
    client, coordinator, lro_ocg, today
):
    on_page = adult_member(lro_ocg)
    in_code = adult_member(lro_ocg)
    client.force_login(coordinator)
    _by_page(client, on_page, today)
    _by_service(coordinator, in_code, today)

    assert _outcome(on_page) == _outcome(in_code)

    page = client.get(reverse("lifetime:releases"))
    assert page.status_code == 200
    api = APIClient()
    api.force_authenticate(coordinator)
    rows = api.get("/api/lifetime/releases/").json()["results"]
    assert sorted(row["nominal"] for row in rows) == sorted([on_page.pk, in_code.pk])
    for row in rows:
        assert row["expected_release_date"] == (today + days(10)).isoformat()
        assert row["reference"] in page.content.decode()
