# Matters newest first, for the header's word search (ADR 0022). Built without locking the
# matter table on PostgreSQL.

from django.db import migrations, models

from longcheng.core.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("loop", "0014_matter_handler_answer_review")]

    operations = [
        AddIndexWithoutLocking(
            model_name="matter",
            index=models.Index(fields=["-received_at"], name="matter_received_idx"),
        ),
    ]
