import datetime

import pytest

from disruptions.choices import DisruptionStatus
from disruptions.dates import add_months, nine_month_period
from disruptions.models import DrugSeizure
from disruptions.reports import activity_summary, format_sentence
from tests.disruptions.factories import make_disruption, make_nominal, make_sentence

pytestmark = pytest.mark.django_db

FEB1, OCT31 = datetime.date(2022, 2, 1), datetime.date(2022, 10, 31)


@pytest.mark.parametrize(
    ("months", "text"),
    [
        (0, "0yrs 0 months"),
        (11 + 3, "1yr 2 months"),
        (12, "1yr 0 months"),
        (1, "0yrs 1 month"),
        (106 * 12 + 10, "106yrs 10 months"),
    ],
)
def test_format_sentence_carries_months_into_years(months, text):
    assert format_sentence(months) == text


def test_period_helpers():
    assert nine_month_period(OCT31) == (FEB1, OCT31)
    assert nine_month_period(datetime.date(2023, 3, 15)) == (
        datetime.date(2022, 7, 1),
        datetime.date(2023, 3, 15),
    )
    assert add_months(datetime.date(2022, 8, 31), -6) == datetime.date(2022, 2, 28)


@pytest.fixture
def central(force):
    return force["teams"]["central_clgt"]


def test_sums_with_month_carry_boundaries_and_exclusions(
    force, central, central_officer, supervisor, line
):
    approve = {"author": central_officer, "team": central, "approver": supervisor, "lines": [line]}
    nominal = make_nominal()
    first = make_disruption(
        date=FEB1,
        arrests=3,
        prisoners_dealt_with=2,
        warrants_executed=1,
        charges=4,
        weapons=2,
        **approve,
    )
    last = make_disruption(
        date=OCT31,
        arrests=1,
        prisoners_dealt_with=1,
        warrants_executed=2,
        charges=1,
        weapons=1,
        **approve,
    )
    make_sentence(first, nominal, 2, 11, central_officer)
    make_sentence(last, nominal, 0, 3, central_officer)
    DrugSeizure.objects.create(
        disruption=first, drug_class="A", drug="crack", amount=10, unit="g", estimated_value=1000
    )
    DrugSeizure.objects.create(
        disruption=last, drug_class="A", drug="heroin", amount=5, unit="g", estimated_value=400
    )
    # Outside the period by one day either side, or not approved: all excluded.
    before = make_disruption(date=datetime.date(2022, 1, 31), arrests=50, **approve)
    make_sentence(before, nominal, 9, 0, central_officer)
    make_disruption(date=datetime.date(2022, 11, 1), arrests=50, **approve)
    for status in (DisruptionStatus.DRAFT, DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED):
        excluded = make_disruption(
            author=central_officer, team=central, status=status, date=FEB1, arrests=40, weapons=9
        )
        make_sentence(excluded, nominal, 7, 7, central_officer)
    # Another team's approved disruption counts for the force, not for the Central CLGT.
    make_disruption(
        author=central_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        date=FEB1,
        arrests=7,
    )

    summary = activity_summary(date_from=FEB1, date_to=OCT31, team=central)
    assert summary.headline_rows() == [
        ("Arrests", "4"),
        ("Prisoners dealt with", "3"),
        ("Warrants executed (Inc S32/18)", "3"),
        ("Charges-Total", "5"),
        ("Weapon Seizures", "3"),
        ("Sentences", "3yrs 2 months"),
    ]
    assert summary.disruptions == 2
    assert [(d.drug_class, d.unit, d.amount, d.value) for d in summary.drugs] == [
        ("A", "g", 15, 1400)
    ]
    assert summary.by_strand["pursue"] == 2 and summary.by_grade["moderate"] == 2

    central_division = force["divisions"]["central"]
    by_division = activity_summary(date_from=FEB1, date_to=OCT31, division=central_division)
    assert by_division.arrests == 4
    north = activity_summary(date_from=FEB1, date_to=OCT31, division=force["divisions"]["north"])
    assert north.arrests == 7
    assert activity_summary(date_from=FEB1, date_to=OCT31).arrests == 11


def test_query_count_is_constant(django_assert_num_queries, central, central_officer, supervisor):
    make_disruption(author=central_officer, team=central, approver=supervisor, arrests=1)
    with django_assert_num_queries(4):
        activity_summary(date_from=FEB1, date_to=OCT31, team=central)
    for _ in range(15):
        make_disruption(
            author=central_officer, team=central, approver=supervisor, arrests=1, weapons=1
        )
    with django_assert_num_queries(4):
        assert activity_summary(date_from=FEB1, date_to=OCT31, team=central).arrests == 16
