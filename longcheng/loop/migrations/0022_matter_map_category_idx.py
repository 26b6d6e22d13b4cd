"""The matters map filtered by one category (a dispatcher's daily question: where are this
week's 噪音 complaints?): the open matters of a category by receipt and place, with what the map
counts, so that the view reads that category's entries only. The open-matters index of 0019
is keyed by receipt first and walked every open matter of the period to find one category's
(bench/bench_map.py at 10 M: city view 215 ms p95 for 26,000 of 624,000). Built CONCURRENTLY;
PostgreSQL only."""

from django.db import migrations

OPEN = "('received', 'dispatched', 'returned', 'signed', 'in_progress', 'reopened', 'suspended')"
NAME = "matter_map_open_category_idx"
DEFINITION = (
    "ON loop_matter (category_id, received_at, latitude, longitude) "
    "INCLUDE (id, status, handle_deadline, lead_unit_id, channel, urgency) "
    f"WHERE status IN {OPEN} AND latitude IS NOT NULL AND longitude IS NOT NULL"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} {DEFINITION}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("loop", "0021_map_cell_tally")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
