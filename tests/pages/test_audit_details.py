"""Audit details in words (kentsoc.trail.details): what the audit page and a record's history
show for each event, while the CSV, JSON and API keep the stored ids."""

import pytest

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.org.selectors import officer_label
from kentsoc.trail.details import details_in_words
from tests.factories import make_nominal

pytestmark = pytest.mark.django_db


def _words(event: AuditEvent, user) -> dict[str, str]:
    [(_, details)] = details_in_words([event], user=user)
    return dict(details)


def test_ids_are_named_changes_read_before_and_after(force, supervisor, clgt_officer, auditor):
    nominal = make_nominal(first_name="Robin", last_name="Examplefield")
    audit_record(actor=supervisor, action=AuditAction.CREATE, obj=nominal)
    team = force["teams"]["clgt_north"]
    event = audit_record(
        actor=supervisor,
        action=AuditAction.UPDATE,
        object_type="countylines.countyline",
        object_id=1,
        changes={
            "officer": [None, clgt_officer.pk],
            "team": team.pk,
            "importing_districts": [force["districts"]["medway"].pk],
            "nominals": [[nominal.pk, "line_holder"]],
            "activated_on": [None, "2026-12-01"],
            "approved_at": [None, "2026-07-01T23:30:00+00:00"],
            "cash_seized": "8450.00",
            "submitted_for_mapping": True,
            "status": ["nominated", "active"],
        },
    )
    words = _words(event, auditor)
    assert words["Officer"] == f"none → {officer_label(clgt_officer)}"
    assert words["Team"] == "North CLGT"
    assert words["Importing districts"] == "Medway"
    # Named as the trail named the person when they were recorded.
    assert words["Nominals"] == f"{nominal} (line holder)"
    assert words["Activated on"] == "none → 1 Dec 2026"
    assert words["Approved at"] == "none → 2 Jul 2026, 00:30"
    assert words["Cash seized"] == "£8,450"
    assert words["Submitted for mapping"] == "yes"
    assert words["Status"] == "nominated → active"


def test_a_page_of_events_costs_one_query_per_kind(
    force, supervisor, auditor, django_assert_num_queries
):
    team = force["teams"]["clgt_north"]
    events = [
        audit_record(
            actor=supervisor,
            action=AuditAction.CREATE,
            object_type="disruptions.disruption",
            object_id=n,
            changes={"officer": supervisor.pk, "team": team.pk, "ocgs": [n]},
        )
        for n in range(1, 30)
    ]
    # Officers, teams, OCG names from the trail, and the reader's profile (which scopes the
    # trail they may read names from).
    with django_assert_num_queries(4):
        rows = details_in_words(events, user=auditor)
    assert dict(rows[0][1])["OCGs"] == "#1"  # no event names OCG 1: its id, marked


def test_a_long_list_of_ids_is_cut_on_the_page(auditor):
    event = audit_record(
        actor=auditor,
        action=AuditAction.LIST,
        object_type="ocg.nominal",
        changes={"ids": list(range(1, 31)), "count": 30, "query": {"q": "smith"}},
    )
    words = _words(event, auditor)
    assert words["Records shown (ids)"].endswith("20 … 10 more")
    assert words["Records shown"] == "30"
    assert words["Search"] == "Q: smith"
