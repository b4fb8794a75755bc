import datetime
import io

import pytest

from disruptions.choices import DisruptionStatus
from disruptions.models import CourtResult, Disruption, Operation
from disruptions.selectors import operation_list
from kentsoc.dashboard.reports import activity_summary
from kentsoc.demo import disruptions as demo
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import Team

pytestmark = pytest.mark.django_db


def test_the_seed_story_reproduces_the_force_table(force, supervisor):
    out = io.StringIO()
    demo.seed(out, datetime.date(2022, 10, 31))
    central = Team.objects.get(kind=TeamKind.CENTRAL_CLGT)
    period = {"date_from": datetime.date(2022, 2, 1), "date_to": datetime.date(2022, 10, 31)}
    # The force's table is all CLGTs' work (issue 16): the divisional teams and the Central CLGT.
    summary = activity_summary(**period, force_id=central.force_id, team_kind="clgt")
    assert summary.headline_rows() == [
        ("Arrests", "101"),
        ("Prisoners dealt with", "101"),
        ("Warrants executed (Inc S32/18)", "82"),
        ("Charges-Total", "145"),
        ("Weapon Seizures", "28"),
        ("Sentences", "106yrs 10 months"),
    ]
    assert summary.weapons > summary.weapon_seizures
    own = activity_summary(**period, force_id=central.force_id, team=central)
    assert (own.arrests, own.sentences) == (30, "9yrs 4 months")
    # Many ordinary records, not one holding the totals.
    approved = Disruption.objects.filter(
        team__kind__in=[TeamKind.CLGT, TeamKind.CENTRAL_CLGT], status=DisruptionStatus.APPROVED
    )
    in_period = approved.filter(
        date__range=(datetime.date(2022, 2, 1), datetime.date(2022, 10, 31))
    )
    assert 75 <= in_period.count() <= 95
    assert max(in_period.values_list("arrests", flat=True)) <= 10
    assert CourtResult.objects.filter(disruption__in=in_period).count() >= 25
    for status in (DisruptionStatus.DRAFT, DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED):
        assert Disruption.objects.filter(team=central, status=status).exists()

    op = operation_list(user=supervisor).get(name=demo.OPERATION_NAME)
    assert (op.lines_targeted, op.total_arrests, op.total_charges, op.total_handsets) == (
        25,
        26,
        30,
        10,
    )

    # Idempotent: a second run adds nothing.
    count = Disruption.objects.count()
    demo.seed(out, datetime.date(2022, 10, 31))
    assert Disruption.objects.count() == count
    # The intensification week and the BTP operation at the Medway stations.
    assert set(Operation.objects.values_list("name", flat=True)) == {
        demo.OPERATION_NAME,
        demo.BTP_OPERATION,
    }


def test_the_story_is_the_demo_forces_whichever_force_was_made_first(db):
    """Another force made before the demo force (a deployment that already holds one, or the
    sharing demo's forces on a database seeded again) lends the story none of its teams,
    divisions, lines or people."""
    from countylines.choices import LineStatus
    from tests.factories import NominalFactory, make_line, other_force

    elsewhere = other_force("AA")
    theirs = {
        "line": make_line(
            division=elsewhere["divisions"]["north"],
            status=LineStatus.ACTIVE,
            activated_on=datetime.date(2021, 7, 1),
        ),
        "person": NominalFactory(force=elsewhere["force"]),
    }
    demo.seed(io.StringIO(), datetime.date(2022, 10, 31))
    logged = Disruption.objects.all()
    assert logged.exists()
    assert set(logged.values_list("force__code", flat=True)) == {"KS"}
    assert not logged.filter(team__force=elsewhere["force"]).exists()
    assert not logged.filter(county_lines=theirs["line"]).exists()
    assert not logged.filter(nominals=theirs["person"]).exists()
