"""Officers get the project's own error pages whatever the settings, and the server log keeps a
refused request to one line."""

import logging
import sys
from pathlib import Path

import pytest

from kentsoc.web.log_filters import ClientErrorsOnOneLine

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/ocgs/999999/", "/no-such-page/"])
def test_a_missing_record_or_address_shows_our_page_with_or_without_debug(
    client, lro, settings, debug, path
):
    settings.DEBUG = debug
    client.force_login(lro)
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "URLconf" not in body and "NOARCHIVE" not in body


def test_an_api_404_stays_json_with_debug_on(client, lro, settings):
    settings.DEBUG = True
    client.force_login(lro)
    response = client.get("/api/ocgs/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_every_page_names_an_icon_and_the_browser_default_address_finds_it(client, lro):
    client.force_login(lro)
    assert 'rel="icon"' in client.get("/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", None, sys.exc_info()
        )
    record.status_code = status_code
    return record


def test_a_refused_request_is_logged_on_one_line_a_server_error_with_its_trace():
    refused, failed = _record(403), _record(500)
    assert ClientErrorsOnOneLine().filter(refused) and ClientErrorsOnOneLine().filter(failed)
    assert refused.exc_info is None
    assert failed.exc_info is not None
    assert "\n" not in logging.Formatter().format(refused)


def test_no_template_comment_spans_lines():
    # Django hides only single-line {# #} comments: a multi-line one is shown as page text.
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            opened = line.count("{#") - line.count("#}")
            if opened > 0:
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert offenders == [], "use {% comment %} for a comment over several lines: " + ", ".join(
        offenders
    )
