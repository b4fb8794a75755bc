"""A line's own rows read by statements compiled once per process (countylines.compiled), and the
line page's blank forms drawn once per process (countylines.presenters.drawn_fields), give what
building them afresh gives, including what changed after the first request."""

import pytest
from django.db.models import Q

from countylines import selectors
from countylines.compiled import rows_of_line, rows_of_lines
from kentsoc.web.values import grouped
from tests import clients
from tests.factories import DivisionFactory, make_line

pytestmark = pytest.mark.django_db

# A line page's reads (one line) and the lists' reads (a page of lines: each row names its line).
ONE_LINE = [selectors._page_districts, selectors._page_deal_lines]
MANY_LINES = [selectors._api_districts, selectors._api_deal_lines, selectors._row_numbers]


def _two_lines(force, line):
    d = force["districts"]
    other = make_line(districts=[d["thanet"], d["medway"]], numbers=["07700900123", "07700900456"])
    return other, d


@pytest.mark.parametrize("build", ONE_LINE + MANY_LINES)
def test_a_line_s_compiled_read_gives_what_the_orm_gives(force, line, build):
    other, d = _two_lines(force, line)
    assert rows_of_line(build, line.pk) == list(build(Q(county_line_id=line.pk)))
    # Run again after the line changes: the statement is kept, never its rows.
    other.deal_lines.create(number="07700900999")
    other.line_districts.filter(district=d["medway"]).delete()
    assert rows_of_line(build, other.pk) == list(build(Q(county_line_id=other.pk)))


@pytest.mark.parametrize("build", MANY_LINES)
def test_a_page_s_compiled_read_gives_what_the_orm_gives(force, line, build):
    other, d = _two_lines(force, line)
    ids = [line.pk, other.pk]

    def orm():
        return grouped(build(Q(county_line_id__in=ids)))

    assert grouped(rows_of_lines(build, ids)) == orm()
    other.deal_lines.create(number="07700900999")
    other.line_districts.filter(district=d["medway"]).delete()
    assert grouped(rows_of_lines(build, ids)) == orm()
    assert rows_of_lines(build, []) == []


def test_a_shared_number_is_warned_of_on_both_lines_pages(force, line, supervisor):
    other = make_line(districts=[force["districts"]["thanet"]], numbers=["07700900123"])
    web = clients.web(supervisor)
    html = web.get(f"/county-lines/{line.pk}/").content.decode()
    assert f"is also a deal line of {other.reference}" in html
    html = web.get(f"/county-lines/{other.pk}/").content.decode()
    assert f"is also a deal line of {line.reference}" in html


def test_a_division_added_after_the_page_was_drawn_is_offered_by_the_flex_form(line, supervisor):
    web = clients.web(supervisor)
    assert "Far South" not in web.get(f"/county-lines/{line.pk}/").content.decode()
    DivisionFactory(code="SOUTH", name="Far South")
    assert "Far South" in web.get(f"/county-lines/{line.pk}/").content.decode()
