"""Each role's user guide (docs/guides/<role>.md) is served at /guide/ to that role's officers,
with its screenshots, linked from their home page; the guides name exactly the screenshots the
browser journeys take (tests/e2e/test_guides.py, `make guides`)."""

from __future__ import annotations

import re

import pytest

from kentsoc.org.choices import Role
from kentsoc.web import guides
from tests.clients import web
from tests.e2e.test_guides import IMG_DIR, shot_names

pytestmark = pytest.mark.django_db

ROLE_FIXTURES = {
    Role.COORDINATOR: "coordinator",
    Role.RESEARCHER: "researcher",
    Role.LRO: "lro",
    Role.CLGT_OFFICER: "clgt_officer",
    Role.CLIO: "clio",
    Role.SUPERVISOR: "supervisor",
    Role.ANALYST: "analyst",
    Role.AUDITOR: "auditor",
    Role.ADMINISTRATOR: "administrator",
}


def test_every_role_has_a_guide_naming_its_journey_screenshots():
    shots = shot_names()
    assert set(shots) == set(Role.values)
    for role in Role.values:
        text = (guides.guides_dir() / f"{role}.md").read_text(encoding="utf-8")
        named = re.findall(r"\]\(img/([^)]+)\)", text)
        assert sorted(named) == sorted(shots[role]), role


def test_every_screenshot_named_is_on_disk():
    missing = [n for names in shot_names().values() for n in names if not (IMG_DIR / n).is_file()]
    assert not missing, f"run `make guides` to take them: {missing}"


@pytest.mark.parametrize("role", list(ROLE_FIXTURES))
def test_the_guide_page_shows_the_officers_own_role_guide(request, role):
    client = web(request.getfixturevalue(ROLE_FIXTURES[role]))
    home = client.get("/").content.decode()
    assert 'href="/guide/"' in home and "Your guide" in home
    page = client.get("/guide/")
    assert page.status_code == 200
    body = page.content.decode()
    title = (guides.guides_dir() / f"{role}.md").read_text(encoding="utf-8").splitlines()[0]
    assert f"<h1>{title.removeprefix('# ')}</h1>" in body
    first = shot_names()[role][0]
    assert f'src="img/{first}"' in body
    image = client.get(f"/guide/img/{first}")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_another_roles_screenshots_are_not_served(administrator, clio):
    assert web(administrator).get("/guide/img/clio-home.png").status_code == 404
    assert web(clio).get("/guide/img/../clio.md").status_code == 404
    assert web(clio).get("/guide/img/clio-home.svg").status_code == 404


def test_no_guide_without_a_role_and_none_signed_out(client, outsider):
    assert web(outsider).get("/guide/").status_code == 404
    response = client.get("/guide/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_guide_cannot_inject_markup(tmp_path, monkeypatch):
    (tmp_path / "analyst.md").write_text(
        "# T\n\n<script>alert(1)</script>\n[x](javascript:alert(1))"
    )
    monkeypatch.setattr(guides, "guides_dir", lambda: tmp_path)
    html = guides.guide_html("analyst")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_make_guides_retakes_the_screenshots_with_the_journey_walk():
    makefile = (guides.guides_dir().parents[1] / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\nguides:", 1)[1].split("\n\n", 1)[0]
    assert "GUIDE_SHOTS=1" in target and "tests/e2e/test_guides.py" in target
