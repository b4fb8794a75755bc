"""The dashboard's statements compiled once per shape (kentsoc/dashboard/compiled.py): building
them reads nothing, so the kept SQL is a function of its key alone, and what it counts is read
afresh on every request."""

import pytest

from countylines.choices import LineStatus
from kentsoc.dashboard import compiled
from kentsoc.dashboard.attention import _ITEMS, needs_attention
from kentsoc.org.choices import Role
from kentsoc.org.models import Force
from kentsoc.org.scoping import access_for
from tests.factories import OfficerFactory, UserFactory, days_ago, make_line, other_force

pytestmark = pytest.mark.django_db

NOMINATIONS = "County line nominations waiting for approval"


@pytest.fixture(autouse=True)
def _fresh_statements():
    compiled._statements.clear()
    yield
    compiled._statements.clear()


@pytest.mark.parametrize(
    "who", ["supervisor", "analyst", "coordinator", "researcher", "lro", "clgt_officer", "clio"]
)
@pytest.mark.parametrize("shares", [False, True])
def test_building_the_attention_counts_reads_nothing(
    request, force, who, shares, django_assert_num_queries
):
    """Scope rules, selectors and the lifetime lists' FilterSets only add to the SQL: with the
    officer's access and permissions read, the first request runs the counts and nothing else."""
    user = request.getfixturevalue(who)
    Force.objects.filter(pk=force["divisions"]["north"].force_id).update(has_shares=shares)
    access_for(user)
    held = [perm for perm, _, _ in _ITEMS if user.has_perm(perm)]
    with django_assert_num_queries(1 if held else 0):
        _attention(user)


def test_a_kept_statement_counts_todays_rows_and_only_the_officers_force(force, supervisor):
    wx = other_force()
    wx_supervisor = OfficerFactory(
        user=UserFactory(username="wx_supervisor"), role=Role.SUPERVISOR, team=wx["teams"]["ocgmu"]
    ).user
    for user in (supervisor, wx_supervisor):
        assert _counts(user)[NOMINATIONS] == 0  # compiled and kept, one statement each
    make_line(force["divisions"]["north"], status=LineStatus.NOMINATED, nominated_on=days_ago(30))
    make_line(wx["divisions"]["north"], status=LineStatus.NOMINATED, nominated_on=days_ago(30))
    make_line(wx["divisions"]["north"], status=LineStatus.NOMINATED, nominated_on=days_ago(30))
    assert len(compiled._statements) == 2
    assert _counts(supervisor)[NOMINATIONS] == 1
    assert _counts(wx_supervisor)[NOMINATIONS] == 2


def _counts(user) -> dict[str, int]:
    return {item.label: item.count for item in _attention(user)}


def _attention(user) -> list:
    reads = compiled.Reads()
    items = needs_attention(user=user, reads=reads)
    reads.run()
    return items()
