"""No lost update: every PATCH of a versioned record says which version it read, as `version` in
the body or an If-Match header. Without either: 428 naming `version`, nothing changed. A stale
version: 400 naming `version`, nothing changed. The same for every resource."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from disruptions.choices import DisruptionStatus
from kentsoc.web.api import VERSION_REQUIRED, VersionedUpdateMixin
from tests.clients import web
from tests.factories import make_disruption


@dataclass(frozen=True)
class Case:
    route: str
    user: str
    record: Callable[[Any], models.Model]  # world -> the versioned record the PATCH changes
    kwargs: Callable[[Any, models.Model], dict[str, Any]]
    field: str
    values: tuple[str, str]  # two successive new values of `field`


def _pk(world: Any, record: models.Model) -> dict[str, Any]:
    return {"pk": record.pk}


def _draft(world: Any) -> models.Model:
    line = world.objects["line"]
    return make_disruption(
        author=world.users["clgt_officer"],
        team=world.objects["team"],
        status=DisruptionStatus.DRAFT,
        narrative="A draft",
        lines=[line],
        # Within the line's life: the services refuse a change to one dated outside it.
        date=line.nominated_on,
    )


CASES = [
    Case(
        "api:intelligence-detail",
        "analyst",
        lambda w: w.objects["record"],
        _pk,
        "summary",
        ("Fictional: revised once", "Fictional: revised twice"),
    ),
    Case("api:ocg-detail", "coordinator", lambda w: w.objects["ocg"], _pk, "summary", ("A", "B")),
    Case(
        "api:nominal-detail",
        "supervisor",
        lambda w: w.objects["nominal"],
        _pk,
        "aliases",
        ("L", "M"),
    ),
    Case(
        "api:county-line-detail",
        "clgt_officer",
        lambda w: w.objects["line"],
        _pk,
        "exporting_area",
        ("Croydon", "Brixton"),
    ),
    Case(
        "api:person-at-risk-detail",
        "clio",
        lambda w: w.objects["person"],
        _pk,
        "notes",
        ("Fictional note", "Another fictional note"),
    ),
    Case(
        "api:disruption-detail",
        "clgt_officer",
        _draft,
        _pk,
        "narrative",
        ("Warrant executed", "Warrant executed, two arrests"),
    ),
    Case(
        "api:operation-detail",
        "supervisor",
        lambda w: w.objects["operation"],
        _pk,
        "description",
        ("Fictional aims", "Fictional aims, revised"),
    ),
    Case(
        "api:ocg-plan-update",
        "lro",
        lambda w: w.objects["plan"],
        lambda w, plan: {"pk": plan.ocg_id, "action_id": plan.pk},
        "description",
        ("Visit the associates", "Visit the associates again"),
    ),
    Case(
        "api:gang-detail",
        "clgt_officer",
        lambda w: w.objects["gang"],
        _pk,
        "description",
        ("Fictional crew", "Fictional crew, revised"),
    ),
    Case(
        "api:school-session-detail",
        "clio",
        lambda w: w.objects["school_session"],
        _pk,
        "notes",
        ("Fictional talk", "Fictional talk, revised"),
    ),
    Case(
        "api:intervention-detail",
        "clio",
        lambda w: w.objects["intervention"],
        _pk,
        "outcome",
        ("Fictional outcome", "Fictional outcome, revised"),
    ),
]


def _patch(client: Client, url: str, body: dict[str, Any], **headers: str):
    return client.patch(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.route)
def test_a_patch_must_name_the_version_it_read(world, case):
    record = case.record(world)
    url = reverse(case.route, kwargs=case.kwargs(world, record))
    client = web(world.users[case.user])
    first, second = case.values
    before = getattr(record, case.field), record.version

    # Neither version nor If-Match: 428 naming the field, nothing changed.
    missing = _patch(client, url, {case.field: first})
    assert missing.status_code == 428, missing.content
    assert missing.json() == {"version": [VERSION_REQUIRED]}
    record.refresh_from_db()
    assert (getattr(record, case.field), record.version) == before

    # If-Match with the version read (quoted, as an ETag): saved, version bumped.
    matched = _patch(client, url, {case.field: first}, if_match=f'"{record.version}"')
    assert matched.status_code == 200, matched.content
    record.refresh_from_db()
    assert (getattr(record, case.field), record.version) == (first, before[1] + 1)

    # The version read before that save is stale now: 400 naming the field, nothing changed.
    stale = _patch(client, url, {case.field: second, "version": before[1]})
    assert stale.status_code == 400 and "version" in stale.json(), stale.content
    record.refresh_from_db()
    assert (getattr(record, case.field), record.version) == (first, before[1] + 1)

    # The current version in the body: saved, bumped again.
    ok = _patch(client, url, {case.field: second, "version": record.version})
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == before[1] + 2
    record.refresh_from_db()
    assert getattr(record, case.field) == second


@pytest.mark.parametrize(
    ("body", "header"),
    [
        ({"version": 1}, "2"),  # the two disagree
        ({}, "*"),  # "any version" is no version
        ({"version": "one"}, None),
        ({"version": True}, None),
    ],
)
def test_a_version_that_is_not_one_number_is_400(world, body, header):
    nominal = world.objects["nominal"]
    client = web(world.users["supervisor"])
    url = reverse("api:nominal-detail", args=[nominal.pk])
    headers = {"if_match": header} if header else {}
    response = _patch(client, url, {"aliases": "Lex", **body}, **headers)
    assert response.status_code == 400 and "version" in response.json(), response.content
    nominal.refresh_from_db()
    assert nominal.aliases == "" and nominal.version == 1


def test_a_record_you_may_not_see_is_404_and_a_role_that_may_not_change_is_403(world):
    """The version is asked for only once the record is found and the role may change it."""
    client = web(world.users["analyst"])
    assert _patch(client, reverse("api:nominal-detail", args=[987654]), {}).status_code == 404
    assert _patch(client, reverse("api:ocg-detail", args=[world.pk("ocg")]), {}).status_code == 403


def test_the_schema_documents_the_428_and_if_match(world):
    schema = web(world.users["analyst"]).get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    paths = schema.json()["paths"]
    patches = {
        path: op["patch"]
        for path, op in paths.items()
        if "patch" in op and "safeguarding-referrals" not in path
    }
    assert len(patches) == len(CASES)
    for path, operation in patches.items():
        assert "428" in operation["responses"], path
        assert any(p["name"] == "If-Match" for p in operation.get("parameters", [])), path


def _update_viewsets() -> dict[str, type]:
    found: dict[str, type] = {}

    def walk(patterns: list) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                actions = getattr(entry.callback, "actions", None) or {}
                if {"patch", "put"} & set(actions):
                    found[entry.callback.cls.__name__] = entry.callback.cls

    walk(get_resolver().url_patterns)
    return found


def test_every_viewset_that_updates_a_versioned_record_asks_for_the_version(world):
    request = Request(APIRequestFactory().get("/"))
    request.user = world.users["supervisor"]
    unguarded = []
    for name, cls in _update_viewsets().items():
        view = cls(request=request, kwargs={}, format_kwarg=None, action="partial_update")
        model = view.get_queryset().model
        versioned = any(f.name == "version" for f in model._meta.get_fields())
        if versioned and not issubclass(cls, VersionedUpdateMixin):
            unguarded.append(name)
    assert unguarded == []
