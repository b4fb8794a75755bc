"""A list's filter selects whose choices are read when drawn (divisions, teams): each officer sees
the choices read for their own request, though a process draws each set of choices only once
(kentsoc/web/templatetags/filter_forms.py)."""

import re

from kentsoc.org.choices import Role
from kentsoc.trail.record_types import held_record_types
from kentsoc.web.templatetags import filter_forms
from tests.factories import DivisionFactory, OfficerFactory, UserFactory, other_force


def _division_options(client) -> list[str]:
    page = client.get("/ocgs/").content.decode()
    select = re.search(r'<select name="division"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_each_force_sees_its_own_divisions_from_a_warm_process(client, supervisor):
    filter_forms._drawn.clear()
    wessex = other_force("WX")
    wessex_supervisor = OfficerFactory(
        user=UserFactory(username="wx.supervisor"),
        role=Role.SUPERVISOR,
        team=wessex["teams"]["soc"],
    ).user

    client.force_login(supervisor)
    ours = _division_options(client)
    client.force_login(wessex_supervisor)
    theirs = _division_options(client)
    client.force_login(supervisor)

    assert "North" in ours and "WX North" not in ours
    assert "WX North" in theirs and "North" not in theirs
    assert _division_options(client) == ours


def test_a_division_added_is_offered_at_the_next_request(client, supervisor):
    client.force_login(supervisor)
    before = _division_options(client)
    DivisionFactory(code="SOUTH", name="South")

    after = _division_options(client)

    assert "South" not in before
    assert "South" in after


def test_the_trail_reads_the_kinds_of_record_it_holds_once(
    client, auditor, django_assert_max_num_queries, monkeypatch
):
    reads = []

    def counted():
        reads.append(1)
        return held_record_types()

    monkeypatch.setattr("kentsoc.trail.record_types.held_record_types", counted)
    client.force_login(auditor)

    client.get("/audit/")

    assert len(reads) == 1
