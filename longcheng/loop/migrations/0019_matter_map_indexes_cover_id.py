"""The matters map's two viewport indexes (migration 0017) also carry the matter's id, so that a
viewport is counted from the index alone (an index-only scan): the map names the one matter of a
single-matter cell, and fetching tens of thousands of rows from the table only for their ids
cost most of a city-wide view (bench/bench_map.py: 118 → 66 ms at 1 M, the default filters).
Built CONCURRENTLY beside the old ones, which are dropped after."""

from django.db import migrations

OPEN = "('received', 'dispatched', 'returned', 'signed', 'in_progress', 'reopened', 'suspended')"
COVERED = "id, status, handle_deadline, category_id, lead_unit_id, channel, urgency"

INDEXES = {
    "matter_map_open_id_idx": (
        "ON loop_matter (received_at, latitude, longitude) "
        f"INCLUDE ({COVERED}) "
        f"WHERE status IN {OPEN} AND latitude IS NOT NULL AND longitude IS NOT NULL"
    ),
    "matter_map_received_id_idx": (
        "ON loop_matter (received_at, latitude, longitude) "
        f"INCLUDE ({COVERED}) "
        "WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
    ),
}
REPLACED = ("matter_map_open_idx", "matter_map_received_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    old = COVERED.replace("id, ", "", 1)
    for name, definition in INDEXES.items():
        previous = name.replace("_id_idx", "_idx")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {previous} "
            + definition.replace(COVERED, old)
        )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("loop", "0018_workbench_foundations")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
