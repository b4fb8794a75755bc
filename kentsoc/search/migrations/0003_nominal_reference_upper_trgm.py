"""A person's reference found by part of it at national scale: the nominal search matches a word
with a digit in it ("BN-0012", "001234") as `UPPER(reference) LIKE '%...%'` (Django's icontains),
which the trigram index on the reference itself (ocg migration 0004) cannot serve; this trigram
index on the upper-cased reference can, so the search box no longer reads every person of the
force to find one reference. PostgreSQL only."""

from django.db import migrations

INDEX = "search_nominal_reference_upper_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON ocg_nominal "
            "USING gin (UPPER(reference::text) gin_trgm_ops)",
            params=None,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}", params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_stored_vectors"), ("ocg", "0004_nominal_search")]

    operations = [migrations.RunPython(forwards, backwards)]
