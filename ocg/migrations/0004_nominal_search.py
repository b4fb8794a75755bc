"""PostgreSQL's own tools for finding people the way officers type them (issue 17).

pg_trgm (similarity and trigram indexes), fuzzystrmatch (double metaphone sound codes) and
unaccent, enabled here because ocg is the lowest app whose search needs them; the apps above
(county lines, intelligence, disruptions) use them from here. A trigger keeps each nominal's
search columns from its names and aliases on every insert and update, bulk ones included, and
trigram GIN indexes make the fuzzy match index-backed. SQLite (the demo) skips all of it: its
search reads the names with a plain case-insensitive match.
"""

from django.contrib.postgres.operations import CreateExtension, TrigramExtension, UnaccentExtension
from django.db import migrations, models

# Names lower-cased without accents, every run of anything but letters and digits one space:
# "Zoë O'Brien-Ward" is "zoe o brien ward". The sound codes are both double-metaphone codes of
# each word, space-delimited on both sides so a search can match one whole code with LIKE.
CREATE = """
CREATE OR REPLACE FUNCTION ocg_nominal_search_columns() RETURNS trigger AS $$
BEGIN
    NEW.search_name := btrim(regexp_replace(
        lower(unaccent(concat_ws(' ', NEW.first_name, NEW.last_name, NEW.aliases))),
        '[^a-z0-9]+', ' ', 'g'));
    NEW.search_sounds := coalesce((
        SELECT ' ' || string_agg(DISTINCT code, ' ') || ' '
        FROM regexp_split_to_table(NEW.search_name, ' ') AS word,
             LATERAL (VALUES (dmetaphone(word)), (dmetaphone_alt(word))) AS codes(code)
        WHERE code <> ''), '');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ocg_nominal_search_columns ON ocg_nominal;
CREATE TRIGGER ocg_nominal_search_columns
    BEFORE INSERT OR UPDATE ON ocg_nominal
    FOR EACH ROW EXECUTE FUNCTION ocg_nominal_search_columns();
UPDATE ocg_nominal SET first_name = first_name;
CREATE INDEX IF NOT EXISTS ocg_nominal_search_name_trgm
    ON ocg_nominal USING gin (search_name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS ocg_nominal_search_sounds_trgm
    ON ocg_nominal USING gin (search_sounds gin_trgm_ops);
CREATE INDEX IF NOT EXISTS ocg_nominal_reference_trgm
    ON ocg_nominal USING gin (reference gin_trgm_ops);
CREATE INDEX IF NOT EXISTS ocg_ocg_name_trgm ON ocg_ocg USING gin (name gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS ocg_ocg_name_trgm;
DROP INDEX IF EXISTS ocg_nominal_reference_trgm;
DROP INDEX IF EXISTS ocg_nominal_search_sounds_trgm;
DROP INDEX IF EXISTS ocg_nominal_search_name_trgm;
DROP TRIGGER IF EXISTS ocg_nominal_search_columns ON ocg_nominal;
DROP FUNCTION IF EXISTS ocg_nominal_search_columns();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ocg", "0003_awaiting_approval_plan_actions")]

    operations = [
        TrigramExtension(),
        CreateExtension("fuzzystrmatch"),
        UnaccentExtension(),
        migrations.AddField(
            model_name="nominal",
            name="search_name",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="nominal",
            name="search_sounds",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
