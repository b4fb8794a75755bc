"""The header's search box: shown to every officer whose role may look for some kind of record,
decided from the role's permissions (kentsoc.org.roles) without a query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kentsoc.org.roles import ROLE_PERMISSIONS
from kentsoc.org.scoping import access_for
from kentsoc.search.kinds import KINDS


def may_search(role: str | None) -> bool:
    granted = ROLE_PERMISSIONS.get(role or "", [])
    return any(kind.permission in granted for kind in KINDS)


def search_box(request: HttpRequest) -> dict[str, Any]:
    access = access_for(getattr(request, "user", None))
    return {"search_box": access is not None and may_search(access.role)}
