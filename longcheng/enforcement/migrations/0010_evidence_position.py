from django.db import migrations, models


class Migration(migrations.Migration):
    """Where a photo of evidence was taken, when the officer's phone gave its position."""

    dependencies = [("enforcement", "0009_status_without_discussing")]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="latitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="纬度"
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="longitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="经度"
            ),
        ),
        migrations.AddField(
            model_name="evidence",
            name="accuracy",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="定位精度（米）"),
        ),
    ]
