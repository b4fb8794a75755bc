"""The dashboard's fragments are cached under a hash of their context's repr, so the repr of each
value in a context names every field: two values differing in any field, however deep, repr
differently (kentsoc/dashboard/reprs.py)."""

import dataclasses
import datetime

from kentsoc.dashboard.rows import MatrixRow, movement


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


def test_every_field_of_a_row_is_in_its_repr():
    base = _row()
    for field in dataclasses.fields(MatrixRow):
        value = getattr(base, field.name)
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
        assert repr(_row(**{field.name: other})) != repr(base), field.name
    assert repr(_row(movement=movement(1, 3))) != repr(base)
    assert repr(_row()) == repr(base)
    assert repr(base).startswith("MatrixRow{")
