# The 已办结 tab newest first, for a unit and for the whole city. Built without locking the
# matter table on PostgreSQL (millions of rows in a city's production database).

from django.db import migrations, models

from longcheng.core.migration_operations import AddIndexWithoutLocking

DONE = models.Q(("status__in", ["closed", "archived"]))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("loop", "0008_database_defaults"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="matter",
            index=models.Index(
                condition=DONE, fields=["lead_unit", "-received_at"], name="matter_done_unit_idx"
            ),
        ),
        AddIndexWithoutLocking(
            model_name="matter",
            index=models.Index(
                condition=DONE, fields=["-received_at"], name="matter_done_city_idx"
            ),
        ),
    ]
