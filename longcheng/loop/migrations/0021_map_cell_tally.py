"""The matters map's per-cell tally (ADR 0025, loop.map_cells): the table, the triggers that keep
it (loop.map_tally), and its first count from the matters already placed (one grouped
INSERT … SELECT per level, in the database)."""

from django.db import migrations, models

from longcheng.loop import map_tally


def forwards(apps, schema_editor):
    map_tally.install_triggers(schema_editor)
    map_tally.rebuild()


def backwards(apps, schema_editor):
    map_tally.remove_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("loop", "0020_bigrams_cost")]

    operations = [
        migrations.CreateModel(
            name="MapCellTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.PositiveSmallIntegerField()),
                ("cell_row", models.IntegerField()),
                ("cell_col", models.IntegerField()),
                ("band", models.PositiveSmallIntegerField()),
                ("received_day", models.DateField()),
                ("deadline_day", models.DateField()),
                ("n", models.IntegerField(default=0)),
                ("lat_sum", models.BigIntegerField(default=0)),
                ("lng_sum", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "level",
                            "cell_row",
                            "cell_col",
                            "band",
                            "received_day",
                            "deadline_day",
                        ),
                        name="map_cell_tally_key",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
