"""The kinds of record the audit trail names, as people call them.

The trail stores a record's kind as Django's `app_label.model` ("ocg.ocg"); the audit page offers
the kinds the trail holds by the model's name ("OCG", "County line"), and the API and exports keep
the stored form.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.utils.text import capfirst

from kentsoc.audit.models import AuditEvent

# Where the model's own name would puzzle an officer, or the kind is not a model.
LABELS = {
    "ocg.nominal": "Person (nominal)",
    "auth.user": "User account",
    "disruptions.activitysummary": "Activity summary report",
}
DASHBOARD_PREFIX = "matrix.dashboard."


def record_type_label(object_type: str) -> str:
    if object_type in LABELS:
        return LABELS[object_type]
    if object_type.startswith(DASHBOARD_PREFIX):
        return f"Matrix dashboard ({object_type.removeprefix(DASHBOARD_PREFIX)})"
    app_label, _, model_name = object_type.partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return object_type
    return capfirst(str(model._meta.verbose_name))


def held_record_types() -> list[str]:
    """The distinct kinds in the trail, one index probe per kind (a loose index scan on
    (object_type, object_id, at)) rather than reading every event: the trail has millions."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE kinds(kind) AS (
                SELECT MIN(object_type) FROM {table} WHERE object_type > ''
                UNION ALL
                SELECT (SELECT MIN(object_type) FROM {table} WHERE object_type > kinds.kind)
                FROM kinds WHERE kinds.kind IS NOT NULL
            )
            SELECT kind FROM kinds WHERE kind IS NOT NULL
            """  # noqa: S608 (the table name is the model's, not input)
        )
        return [row[0] for row in cursor.fetchall()]


def record_type_choices() -> list[tuple[str, str]]:
    """("", "Any kind of record") then each kind the trail holds, by label; a label two kinds
    share says which is which."""
    kinds = [(kind, record_type_label(kind)) for kind in held_record_types()]
    counts: dict[str, int] = {}
    for _, label in kinds:
        counts[label] = counts.get(label, 0) + 1
    named = [(kind, label if counts[label] == 1 else f"{label} ({kind})") for kind, label in kinds]
    return [("", "Any kind of record"), *sorted(named, key=lambda c: c[1].lower())]
