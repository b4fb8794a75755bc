"""What lifetime management adds to a person's page (ocg's nominal page, which may not import
lifetime): the lifetime summary, as a section (kentsoc.web.extensions) registered from ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from kentsoc.lifetime.selectors import nominal_lifetime_of
from kentsoc.web.extensions import Section, register_section
from ocg.models import Nominal

NOMINAL_TEMPLATE = "lifetime/sections/nominal_lifetime.html"


def nominal_lifetime(request: HttpRequest, nominal: Nominal, tab: str) -> Mapping[str, Any] | None:
    """The person's custody, conditions and SCPOs; nothing for users without lifetime access or
    who may not see the person's lifetime record."""
    if not request.user.has_perm("lifetime.view_lifetime"):
        return None
    # The page read the person through Nominal's scope (ocg.selectors.nominal_get), as
    # nominal_lifetime_get would again; each lifetime record is still read through its own.
    return nominal_lifetime_of(user=request.user, nominal=nominal)


def register() -> None:
    # After the person's disruptions (70), as the page had it.
    register_section("nominal_detail", Section("lifetime", NOMINAL_TEMPLATE, nominal_lifetime, 80))
