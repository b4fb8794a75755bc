"""The big API lists write each page from plain values (kentsoc.web.rows), not through the
record's serializer: every row of the list must still be exactly what the record's own endpoint
answers, key for key and in the same order."""

from __future__ import annotations

import json

import pytest

from tests.architecture.test_query_budgets import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

LISTS = [
    ("/api/ocgs/", "supervisor"),
    ("/api/county-lines/", "supervisor"),
    ("/api/county-lines/", "clgt_officer"),
    ("/api/disruptions/", "supervisor"),
    ("/api/intelligence/", "analyst"),
    ("/api/intelligence/", "supervisor"),
]


@pytest.mark.parametrize("path,role", LISTS)
def test_each_row_of_an_api_list_is_its_record_as_retrieved(client, world, path, role):  # noqa: F811
    client.force_login(world[role])
    response = client.get(path, {"page_size": 500})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, f"{path} as {role} lists nothing: the world should give it rows"
    for row in rows:
        record = client.get(f"{path}{row['id']}/")
        assert record.status_code == 200, f"{path}{row['id']}/ as {role}"
        # As JSON text: the same keys in the same order, the same values and formats.
        assert json.dumps(row) == json.dumps(record.json()), f"{path}{row['id']}/ as {role}"
