"""The dashboard's fragments are cached under a hash of their context (kentsoc/dashboard/views.py
fragment_key), so two contexts differing in any value, however deep, must have different keys,
and the same content the same key."""

import dataclasses
import datetime

from kentsoc.dashboard.rows import MatrixRow, Partition, movement
from kentsoc.dashboard.views import _LIVE_TEMPLATES, LIVE_TEMPLATE, fragment_key


def _row(**changes) -> MatrixRow:
    row = MatrixRow(
        rank=1,
        subject_id=7,
        reference="CL-1",
        name="BLAZE",
        url="/county-lines/7/",
        total=12,
        threat=4,
        risk=4,
        harm=4,
        confidence="High",
        movement=movement(1, 2),
        officer="DC Smith",
        top30=True,
        last_disruption=datetime.date(2026, 11, 1),
    )
    return dataclasses.replace(row, **changes)


def _key(row: MatrixRow) -> str:
    # A row as deep as the live fragment holds it: in a partition, in the context.
    partition = Partition(code="NORTH", name="North", top=[row], rest=[], count=1)
    return fragment_key(LIVE_TEMPLATE, _LIVE_TEMPLATES, {"p": partition})


def test_every_field_of_a_row_is_in_its_fragment_key():
    base = _key(_row())
    for field in dataclasses.fields(MatrixRow):
        value = getattr(_row(), field.name)
        if isinstance(value, bool):
            other = not value
        elif isinstance(value, int):
            other = value + 1
        elif isinstance(value, str):
            other = value + "x"
        elif isinstance(value, datetime.date):
            other = value + datetime.timedelta(days=1)
        elif value is None:
            other = 1
        else:
            continue  # the movement: below
        assert _key(_row(**{field.name: other})) != base, field.name
    assert _key(_row(movement=movement(1, 3))) != base
    assert _key(_row()) == base
