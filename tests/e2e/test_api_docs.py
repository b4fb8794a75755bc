"""The API docs (Swagger UI) work in a real browser under the same strict CSP as every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_without_csp_violations(page, supervisor):
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if re.search("Content.Security.Policy", msg.text, re.I)
            else None
        ),
    )
    login(page, "supervisor", TEST_PASSWORD)
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The process's first visit generates the schema (a second of CPU on a quiet machine, several
    # under a loaded parallel suite) before Swagger UI can draw it.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("kentsoc API", timeout=20_000)
    expect(page.locator(".opblock-tag").first).to_be_visible()
    assert violations == []
