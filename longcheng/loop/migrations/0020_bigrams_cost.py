"""The word index's function is costly per row (two regular-expression scans and a sort), and
PostgreSQL should know it (loop.search, ADR 0022).

With the default cost of a SQL function (100) the planner took walking matters newest first and
computing the bigrams of each for cheaper than reading the word index: a rare one-character
word then read 600,000 matters' bigrams at 1 M (3.6 s). At 1,000 it reads the index (45 ms). A
common word is not affected: it is walked with a `strpos`, never with the function."""

from django.db import migrations

COST = "ALTER FUNCTION longcheng_bigrams(text) COST 1000"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COST)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION longcheng_bigrams(text) COST 100")


class Migration(migrations.Migration):
    dependencies = [("loop", "0019_matter_map_indexes_cover_id")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
