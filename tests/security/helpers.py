"""Requests against the route table, and a loop that checks every route and reports all failures
at once (one world per test instead of one per route keeps the suite fast)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.conftest import MARKERS
from tests.security.routes import MISSING_PK, ROUTES, Route


def is_api(name: str) -> bool:
    return name.startswith("api:")


def url_for(name: str, world: Any, *, missing: bool = False) -> str:
    spec = ROUTES[name]
    kwargs = spec.args(world) if spec.args else {}
    if missing:
        kwargs = {k: (MISSING_PK if isinstance(v, int) else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=kwargs)


def call(client: Client, name: str, world: Any, *, missing: bool = False, method: str = ""):
    """One request to the route, with its own method (GET, POST, PATCH, DELETE) and no data."""
    spec: Route = ROUTES[name]
    url = url_for(name, world, missing=missing)
    method = method or spec.method
    if is_api(name) and method != "GET":
        return client.generic(method, url, json.dumps({}), content_type="application/json")
    if method == "POST":
        return client.post(url, {})
    return client.get(url, spec.params(world))


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_no_markers(response, markers: list[str] | None = None) -> None:
    markers = list(MARKERS.values()) if markers is None else markers
    text = body(response)
    leaked = [m for m in markers if m in text]
    assert not leaked, f"disclosed {leaked}"


def rows(response) -> list | None:
    """The rows of a JSON list response, or None when the body is not a list."""
    try:
        data = response.json()
    except ValueError:
        return None
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    return None


def sign_in(world: Any, users: Iterable[str]) -> None:
    """Signs each user in once for the test, so that signed_in() hands out their session
    instead of signing them in again for every case: force_login (a new session, the last-login
    stamp, the lockout log) cost about as much as the request it preceded. Call it before
    each(): a session made inside a case is gone with the case's savepoint. Each case's
    rollback restores the session's row as it was signed in (sessions live in the database)."""
    for who in sorted(set(users) - world.sessions.keys()):
        client = Client()
        client.force_login(world.users[who])
        world.sessions[who] = client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in(world: Any, who: str, **client_kwargs: Any) -> Client:
    client = Client(**client_kwargs)
    session = getattr(world, "sessions", {}).get(who)
    if session is None:
        client.force_login(world.users[who])
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


class _Undo(Exception):
    pass


def each(cases: Iterable[Any], check: Callable[[Any], None]) -> None:
    """Run `check` on every case, each in a savepoint rolled back afterwards (a request that did
    change something cannot affect the next case), and fail once listing every failing case."""
    cases = list(cases)
    assert cases, "nothing to check"
    failures = []
    for case in cases:
        try:
            with transaction.atomic():
                check(case)
                raise _Undo
        except _Undo:
            pass
        except Exception as exc:  # noqa: BLE001 - every failing route is reported, not just one
            failures.append(f"{case}: {type(exc).__name__}: {exc}")
    assert not failures, f"{len(failures)} of {len(cases)} failed:\n" + "\n".join(failures)
