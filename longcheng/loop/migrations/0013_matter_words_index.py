"""The word index of matters on PostgreSQL (loop.search, ADR 0022): character bigrams of the
title, content and address in a GIN index. Built CONCURRENTLY, so an upgrade does not lock the
matters against writes while it builds (about a minute per million matters on two cores)."""

from django.db import migrations

# Whitespace is dropped; one space is added at the end so that the last character also starts a
# bigram (a one-character query is a prefix of the bigrams). The pairs at odd and at even
# offsets come from two regular-expression scans (in C): nine times faster than a
# generate_series over substr, which matters when the index is built over millions of rows.
BIGRAMS = r"""
CREATE OR REPLACE FUNCTION longcheng_bigrams(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    WITH compact AS (SELECT regexp_replace(lower(doc), '\s+', '', 'g') || ' ' AS t)
    SELECT array_to_tsvector(ARRAY(
        SELECT (regexp_matches(t, '..', 'g'))[1] FROM compact
        UNION
        SELECT (regexp_matches(substr(t, 2), '..', 'g'))[1] FROM compact
    ))
$$
"""

INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS matter_words_idx ON loop_matter "
    "USING gin (longcheng_bigrams(title || ' ' || description || ' ' || address))"
)

# loop.search reads which bigrams are common from the statistics on the index's expression; a
# larger sample lists rarer ones (about 4,000 bigrams down to a few matters in a thousand).
STATISTICS = "ALTER INDEX matter_words_idx ALTER COLUMN 1 SET STATISTICS 400"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans (loop.search)
    schema_editor.execute(BIGRAMS)
    schema_editor.execute(INDEX)
    schema_editor.execute(STATISTICS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS matter_words_idx")
    schema_editor.execute("DROP FUNCTION IF EXISTS longcheng_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("loop", "0012_notification_kinds_resolved")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
