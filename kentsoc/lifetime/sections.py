"""What lifetime management adds to a person's page (ocg's nominal page, which may not import
lifetime): the lifetime summary, as a section (kentsoc.web.extensions) registered from ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest

from kentsoc.lifetime.selectors import nominal_lifetime_get
from kentsoc.web.extensions import Section, register_section
from ocg.models import Nominal

NOMINAL_TEMPLATE = "lifetime/sections/nominal_lifetime.html"


def nominal_lifetime(request: HttpRequest, nominal: Nominal, tab: str) -> Mapping[str, Any] | None:
    """The person's custody, conditions and SCPOs; nothing for users without lifetime access or
    who may not see the person's lifetime record."""
    if not request.user.has_perm("lifetime.view_lifetime"):
        return None
    try:
        return nominal_lifetime_get(user=request.user, nominal_id=nominal.pk)
    except Http404:
        return None


def register() -> None:
    # After the person's disruptions (70), as the page had it.
    register_section("nominal_detail", Section("lifetime", NOMINAL_TEMPLATE, nominal_lifetime, 80))
