"""A number on two lines is flagged to the officer (de-confliction), but the other line is named
only to a reader who may see it: to anyone else it is "a line you cannot see", on the line's
page, in the API's record and list, and in the nomination form's number check. Another force's
line, or another division's, was named (reference, name and id) to every reader."""

from __future__ import annotations

import pytest

from tests import clients
from tests.factories import make_line, other_force

pytestmark = pytest.mark.django_db

NUMBER = "07700900123"
THEIRS_ONLY = "07700900456"
HIDDEN = "HIDDENLINEQ"


@pytest.fixture
def lines(force):
    d = force["districts"]
    mine = make_line(districts=[d["medway"]], numbers=[NUMBER], name="BLAZE")
    theirs = make_line(
        other_force()["divisions"]["north"], numbers=[NUMBER, THEIRS_ONLY], name=HIDDEN
    )
    return mine, theirs


def test_another_forces_line_on_the_same_number_is_not_named(lines, clgt_officer):
    mine, theirs = lines
    web, api = clients.web(clgt_officer), clients.api(clgt_officer)

    page = web.get(f"/county-lines/{mine.pk}/").content.decode()
    assert "also on a line you cannot see" in page
    assert "is also a deal line of a line you cannot see." in page

    record = api.get(f"/api/county-lines/{mine.pk}/").json()
    listed = api.get("/api/county-lines/", {"page_size": 50}).json()
    row = next(r for r in listed["results"] if r["id"] == mine.pk)
    for warnings in (record["warnings"], row["warnings"]):
        assert warnings == [
            {
                "number": NUMBER,
                "county_line": None,
                "reference": None,
                "message": "07700 900123 is also a deal line of a line you cannot see.",
            }
        ]

    # Typed in a nomination: a number only their line uses is in use, never where; one ours
    # uses too names ours.
    check = web.get("/county-lines/deal-line-check/", {"deal_lines": "07700 900456"})
    assert "is a deal line of a line you cannot see." in check.content.decode()
    both = web.get("/county-lines/deal-line-check/", {"deal_lines": "07700 900123"})
    assert f"/county-lines/{mine.pk}/" in both.content.decode()

    for body in (page, str(record), str(listed), check.content.decode()):
        assert HIDDEN not in body and theirs.reference not in body
        assert f"/county-lines/{theirs.pk}/" not in body


def test_a_line_the_reader_may_see_is_named(force, lines, clgt_officer):
    mine, _ = lines
    other = make_line(districts=[force["districts"]["dartford"]], numbers=[NUMBER], name="GLOW")
    web = clients.web(clgt_officer)
    page = web.get(f"/county-lines/{other.pk}/").content.decode()
    assert f"also {mine.reference}" in page
    assert f"is also a deal line of {mine.reference} BLAZE." in page
    check = web.get("/county-lines/deal-line-check/", {"deal_lines": "07700 900123"})
    assert f"/county-lines/{mine.pk}/" in check.content.decode()
