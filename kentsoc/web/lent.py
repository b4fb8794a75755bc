"""How a list shows a county line or OCG another force lends to the reader's (kentsoc.sharing):
marked "Shared by <force>", read-only or with the right to add to it, linked to its share's page,
and cut to what the share lends (the subject's reference, name, status, exporting area and the
owner's score), whatever else the row would show of the force's own records. The marks are the
`with_lent_marks` annotations of kentsoc.org.scoping."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kentsoc.org.scoping import CONTRIBUTE
from kentsoc.web.generic import resolve

# What a lent subject's row shows: what its share's page shows of it, and the owner's score.
LENT_FIELDS = frozenset(
    {
        "id",
        "reference",
        "name",
        "status",
        "exporting_area",
        "score",
        "tier",
        "confidence",
        "matrix_version",
        "shared",
    }
)


def is_lent(row: Any) -> bool:
    return getattr(row, "lent_share_id", None) is not None


def shared_mark(row: Any) -> dict[str, Any] | None:
    """Whose a lent row is and what the reader may do with it; None for the force's own."""
    if not is_lent(row):
        return None
    return {
        "share": row.lent_share_id,
        "by": row.lent_by,
        "access": row.lent_access,
        "contribute": row.lent_access == CONTRIBUTE,
        "until": row.lent_until,
        "url": reverse("sharing:detail", args=[row.lent_share_id]),
    }


def own_only(path: Any) -> Any:
    """A CSV column's value for the force's own rows; blank on a lent row."""
    return lambda row: "" if is_lent(row) else resolve(row, path)


def lent_csv_columns(columns: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The list's CSV columns, lent rows cut to what is lent, and a "Shared by" column."""
    cut = [(header, path if _lent_column(header) else own_only(path)) for header, path in columns]
    return [*cut, ("Shared by", lambda row: row.lent_by if is_lent(row) else "")]


def _lent_column(header: str) -> bool:
    return header.lower().replace(" ", "_") in LENT_FIELDS


_SHARED_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Set on a line or OCG another force lends to yours: its other fields are "
    "then only what the share lends (reference, name, status, the owner's score).",
    "properties": {
        "share": {"type": "integer"},
        "by": {"type": "string"},
        "access": {"type": "string", "enum": ["read", "contribute"]},
        "contribute": {"type": "boolean"},
        "until": {"type": "string", "format": "date"},
        "url": {"type": "string"},
    },
}


class LentRowSerializerMixin(serializers.Serializer):
    """For a ModelSerializer of a lendable subject: `shared` on every row, and a lent row's
    other fields emptied unless the share lends them (LENT_FIELDS)."""

    shared = serializers.SerializerMethodField()

    @extend_schema_field(_SHARED_SCHEMA)
    def get_shared(self, row: Any) -> dict[str, Any] | None:
        return shared_mark(row)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return lent_cut(super().to_representation(instance))


def lent_cut(data: dict[str, Any]) -> dict[str, Any]:
    """A row's API data as a lent row shows it: its other fields emptied unless the share lends
    them; the force's own rows (`shared` None) whole."""
    if data.get("shared") is None:
        return data
    return {key: value if key in LENT_FIELDS else _empty(value) for key, value in data.items()}


def _empty(value: Any) -> Any:
    if isinstance(value, bool):
        return False
    if isinstance(value, list):
        return []
    return None
