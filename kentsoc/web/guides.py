"""The signed-in officer's user guide, read from docs/guides/<role>.md: the one source, read in
the repository and shown here, with the screenshots the browser suite writes beside it
(`make guides`). Markdown is rendered with raw HTML switched off, so a guide cannot inject
markup into the page."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from markdown_it import MarkdownIt

from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for

IMAGE_NAME = re.compile(r"^[a-z_]+-[a-z0-9_-]+\.png$")


def guides_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "guides"


@lru_cache(maxsize=len(Role.values))
def _render(role: str, mtime: float) -> str:
    # CommonMark with raw HTML off (escaped, not passed through); tables for the role summaries.
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    return markdown.render((guides_dir() / f"{role}.md").read_text(encoding="utf-8"))


def guide_html(role: str) -> str:
    path = guides_dir() / f"{role}.md"
    if role not in Role.values or not path.is_file():
        raise Http404("No guide for this role.")
    return _render(role, path.stat().st_mtime)


def _role(request: HttpRequest) -> str:
    access = access_for(request.user)
    if access is None:
        raise Http404("No guide: your account has no role yet.")
    return access.role


@login_required
@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    role = _role(request)
    return render(
        request,
        "web/guide.html",
        {"body": guide_html(role), "role_label": Role(role).label},
    )


@login_required
@require_GET
def guide_image(request: HttpRequest, name: str) -> HttpResponse:
    # Only the officer's own role's screenshots: an administrator's guide shows no police pages,
    # and neither may its images.
    role = _role(request)
    path = guides_dir() / "img" / name
    if not IMAGE_NAME.match(name) or not name.startswith(f"{role}-") or not path.is_file():
        raise Http404("No such image.")
    return FileResponse(path.open("rb"), content_type="image/png")
