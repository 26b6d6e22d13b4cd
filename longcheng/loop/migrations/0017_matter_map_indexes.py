"""The matters map's viewport and the cockpit's overdue figures on PostgreSQL (loop.map_selectors,
cockpit.panels.district_figures; bench/bench_map.py measures them). Built CONCURRENTLY, so an
upgrade does not lock the matters against writes. SQLite reads without them.

- matter_map_open_idx: the open matters (what a dispatcher's map shows first) by receipt and
  place, with what the map filters and counts by: a viewport of open matters is read from this
  small index alone (the box is checked in it; the period bounds it).
- matter_map_received_idx: every placed matter by receipt and place: a map of the last 90 days
  (or a year) of any status reads only that period's entries, the box checked in the index.
- matter_overdue_idx: matters that went overdue, by receipt, with their division and lead unit:
  the cockpit's overdue rate per district reads the period's entries only.
"""

from django.db import migrations

OPEN = "('received', 'dispatched', 'returned', 'signed', 'in_progress', 'reopened', 'suspended')"
COVERED = "status, handle_deadline, category_id, lead_unit_id, channel, urgency"

INDEXES = {
    "matter_map_open_idx": (
        "ON loop_matter (received_at, latitude, longitude) "
        f"INCLUDE ({COVERED}) "
        f"WHERE status IN {OPEN} AND latitude IS NOT NULL AND longitude IS NOT NULL"
    ),
    "matter_map_received_idx": (
        "ON loop_matter (received_at, latitude, longitude) "
        f"INCLUDE ({COVERED}) "
        "WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
    ),
    "matter_overdue_idx": (
        "ON loop_matter (received_at) INCLUDE (division_id, lead_unit_id) WHERE overdue"
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("loop", "0016_whistle_and_report")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
