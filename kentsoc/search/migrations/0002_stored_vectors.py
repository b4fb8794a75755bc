"""Full text from a stored vector: each intelligence summary's and disruption narrative's English
tsvector kept in a generated column (`search_vector`) with its GIN index, in place of 0001's
expression indexes. A phrase ("Quay Street") is checked against the stored positions, not by
re-reading thousands of summaries, and the results page stays fast however common the words.
Also an index on the RMS reference as searched (upper case): an Athena number is found exactly
through it. The columns are the search's, so no model declares them; PostgreSQL only."""

from django.db import migrations

COLUMNS = [
    ("intel_intelligencerecord", "summary", "search_intel"),
    ("disruptions_disruption", "narrative", "search_disruption"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, prefix in COLUMNS:
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {prefix}_{column}_fulltext; "
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE({column}, ''))) "
            f"STORED; "
            f"CREATE INDEX IF NOT EXISTS {prefix}_vector ON {table} USING gin (search_vector);",
            params=None,
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_intel_rms_reference_upper "
        "ON intel_intelligencerecord (UPPER(rms_reference::text));",
        params=None,
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_intel_rms_reference_upper;", params=None)
    for table, _, prefix in COLUMNS:
        schema_editor.execute(
            f"DROP INDEX IF EXISTS {prefix}_vector; "
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector;",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fulltext_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
