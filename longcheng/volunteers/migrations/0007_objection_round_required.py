"""Every objection belongs to a publicity round (filled in by 0006); the campaign's single
`publicity_until` goes. Separate from 0006 so that PostgreSQL alters the table after the
rows were written, not in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("volunteers", "0006_publicity_rounds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="objection",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="objections",
                to="volunteers.publicityround",
                verbose_name="公示轮次",
            ),
        ),
        migrations.RemoveField(
            model_name="recruitmentcampaign",
            name="publicity_until",
        ),
    ]
