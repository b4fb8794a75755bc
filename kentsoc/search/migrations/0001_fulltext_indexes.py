"""The search box's full-text indexes: an intelligence record's summary and a disruption's
narrative, each as the English to_tsvector expression kentsoc.web.fulltext queries, so a word or
a phrase is found through a GIN index at national scale. They belong to the search (no model
field changes; the tables stay their apps'), and PostgreSQL only: SQLite's demo matcher reads the
text itself."""

from django.db import migrations

from kentsoc.web.fulltext import index_sql

INDEXES = [
    ("intel_intelligencerecord", "summary", "search_intel_summary_fulltext"),
    ("disruptions_disruption", "narrative", "search_disruption_narrative_fulltext"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column, name in INDEXES:
            schema_editor.execute(index_sql(table, column, name), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _, _, name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("intel", "0002_evidence_owner_permissions"),
        ("disruptions", "0003_courtresult_court"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
