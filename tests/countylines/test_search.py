"""The one subject search: names, loose references and deal-line numbers in any spelling."""

import pytest

from countylines.search import subject_search
from tests import clients
from tests.factories import make_line, make_ocg


@pytest.fixture
def subjects(force):
    d = force["districts"]
    ocg = make_ocg(force["divisions"]["north"], "OCG-0012", name="Blaze Street Crew")
    blaze = make_line(
        districts=[d["medway"]], reference="CL-0012", name="BLAZE", numbers=["07700900123"]
    )
    other = make_line(
        districts=[d["thanet"]], reference="CL-0034", name="ZOOM", numbers=["07700900456"]
    )
    return {"ocg": ocg, "blaze": blaze, "zoom": other}


def _found(user, text, **kwargs):
    found = subject_search(user=user, text=text, **kwargs)
    return {o.reference for o in found["ocgs"]}, {line.reference for line in found["county_lines"]}


@pytest.mark.parametrize(
    "text",
    ["blaze", "BLAZE", "street blaze", "crew", "CL-0012", "cl0012", "cl 12", "Cl-12", "0012"],
)
def test_names_and_loose_references(supervisor, subjects, text):
    ocgs, lines = _found(supervisor, text)
    assert lines <= {"CL-0012"} and ocgs <= {"OCG-0012"} and (lines or ocgs)
    assert "CL-0034" not in lines


def test_each_word_must_match(supervisor, subjects):
    assert _found(supervisor, "blaze crew") == ({"OCG-0012"}, set())
    assert _found(supervisor, "blaze zoom") == (set(), set())


@pytest.mark.parametrize(
    "number",
    ["07700900123", "07700 900123", "+44 7700 900123", "0044-7700-900123", "(07700) 900.123"]
    + ["900123", "900 123"],
)
def test_deal_line_in_any_spelling_finds_the_line_not_an_ocg(supervisor, subjects, number):
    assert _found(supervisor, number) == (set(), {"CL-0012"})


def test_ocg_reference_loosely(supervisor, subjects):
    assert _found(supervisor, "ocg 12") == ({"OCG-0012"}, set())
    assert _found(supervisor, "OCG0012") == ({"OCG-0012"}, set())


def test_too_short_or_too_few_digits_finds_nothing(supervisor, subjects):
    assert _found(supervisor, "b") == (set(), set())
    # Three digits are in too many numbers to mean one line.
    assert _found(supervisor, "123") == (set(), set())


def test_only_what_the_user_may_see(lro, subjects):
    # An LRO sees the OCGs they lead and their lines, not these.
    assert _found(lro, "blaze") == (set(), set())


def test_picked_subjects_are_left_out_and_the_limit_holds(supervisor, subjects, force):
    for i in range(3):
        make_line(districts=[force["districts"]["medway"]], name=f"BLAZE {i}")
    _, lines = _found(supervisor, "blaze", exclude={"county_lines": [subjects["blaze"].pk]})
    assert "CL-0012" not in lines and len(lines) == 3
    assert len(_found(supervisor, "blaze", limit=2)[1]) == 2


def test_the_line_list_filter_and_api_use_it(clgt_officer, subjects):
    api = clients.api(clgt_officer)
    for text in ("+44 7700 900123", "cl 12", "blaze"):
        rows = api.get("/api/county-lines/", {"q": text}).json()["results"]
        assert [row["reference"] for row in rows] == ["CL-0012"], text
    page = clients.web(clgt_officer).get("/county-lines/", {"q": "07700 900 123"}).content.decode()
    assert "CL-0012" in page and "CL-0034" not in page
