"""Reads of the force's own people: the one officer search.

Officers are found by what colleagues know of them: any mix of their names, their username and
their collar number, in any order, ignoring case, each word matching part of one of them ("jo
bloggs", "Bloggs", "4471"). Every word must match, so more words narrow. Former officers (inactive
accounts) are found too: the audit trail and old disruptions still name them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from kentsoc.org.scoping import in_serving_force

MIN_LENGTH = 2
"""Search-as-you-type answers nothing for fewer characters: one letter matches half the force."""
MAX_WORDS = 4
FIELDS = ("first_name", "last_name", "username", "officer__collar_number")


def officer_query(text: str | None) -> Q:
    query = Q()
    for word in (text or "").split()[:MAX_WORDS]:
        match = Q()
        for name in FIELDS:
            match |= Q(**{f"{name}__icontains": word})
        query &= match
    return query


def officer_search(text: str | None, *, limit: int = 10) -> list[AbstractBaseUser]:
    """Users matching `text` by name, username or collar number, by surname; none for fewer than
    MIN_LENGTH characters."""
    if len((text or "").strip()) < MIN_LENGTH:
        return []
    # During a request, the officer's own force's people only.
    users: QuerySet = (
        get_user_model()
        .objects.select_related("officer")
        .filter(in_serving_force("officer__team__force"))
    )
    return list(users.filter(officer_query(text)).order_by("last_name", "first_name", "pk")[:limit])


def officer_label(user: AbstractBaseUser) -> str:
    """How pages name an officer: "DS Jo Bloggs (4471)"; a user with no officer profile (a
    system account) by their name or username."""
    officer = getattr(user, "officer", None)
    if officer is not None:
        return f"{officer.display_name} ({officer.collar_number})"
    return user.get_full_name() or user.get_username()
