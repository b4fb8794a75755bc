"""The flex form says what it needs (issue 15 item 7): a reason is required to flex, not marked
"(optional)", and a refusal is listed at the top of the line's page, linked to each field."""

import pytest
from django.core.exceptions import ValidationError

from countylines.services.lifecycle import line_flex
from tests import clients

pytestmark = pytest.mark.django_db


def _flex_section(html: str) -> str:
    return html.split('data-testid="flex-form"', 1)[1].split("</form>", 1)[0]


def _label(html: str, name: str) -> str:
    return html.split(f'<label for="id_flex-{name}">', 1)[1].split("</label>", 1)[0]


def test_an_unflexed_line_asks_for_a_division_and_a_reason(line, supervisor):
    html = clients.web(supervisor).get(f"/county-lines/{line.pk}/").content.decode()
    form = _flex_section(html)
    assert "(optional)" not in form
    assert _label(form, "reason") == "Reason"
    assert "required" in form.split('name="flex-reason"', 1)[1].split(">", 1)[0]
    assert "end the flex" not in form  # there is no flex to end


def test_a_flexed_line_says_when_the_reason_is_needed(line, supervisor, force):
    line_flex(actor=supervisor, line=line, division=force["divisions"]["east"], reason="Moved")
    form = _flex_section(clients.web(supervisor).get(f"/county-lines/{line.pk}/").content.decode())
    assert "end the flex" in form
    assert "(optional)" not in _label(form, "reason")
    assert "Required to flex the line; not needed to end a flex." in form


def test_the_errors_are_listed_at_the_top_of_the_page_linked_to_the_fields(line, supervisor):
    response = clients.web(supervisor).post(
        f"/county-lines/{line.pk}/flex/", {"flex-division": "", "flex-reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary_at = html.index('data-testid="error-summary"')
    assert summary_at < html.index('data-testid="line-summary"')  # above the page's content
    summary = html[summary_at:].split("</div>", 1)[0]
    assert 'href="#field-flex-division"' in summary and 'href="#field-flex-reason"' in summary
    assert "Give the reason for the flex." in summary
    assert html.count('data-testid="error-summary"') == 1
    assert 'id="field-flex-division"' in html and 'id="field-flex-reason"' in html


def test_the_service_names_the_division_and_the_reason_at_once(line, supervisor):
    with pytest.raises(ValidationError) as exc:
        line_flex(actor=supervisor, line=line, division=line.division, reason="")
    assert set(exc.value.message_dict) == {"division", "reason"}


def test_dismantle_and_reject_mark_nothing_optional_that_the_service_requires(line, supervisor):
    html = clients.web(supervisor).get(f"/county-lines/{line.pk}/").content.decode()
    for testid in ("dismantle-form",):
        form = html.split(f'data-testid="{testid}"', 1)[1].split("</form>", 1)[0]
        assert "(optional)" not in form
    reject = html.split('id="reject-h"', 1)[1].split("</form>", 1)[0]
    assert "(optional)" not in reject
    response = clients.web(supervisor).post(
        f"/county-lines/{line.pk}/dismantle/", {"dismantle-date": "", "dismantle-reason": " "}
    )
    summary = response.content.decode().split('data-testid="error-summary"', 1)[1]
    summary = summary.split("</div>", 1)[0]
    assert "Enter the date the line was dismantled." in summary
    assert "Give the reason the line was dismantled." in summary
