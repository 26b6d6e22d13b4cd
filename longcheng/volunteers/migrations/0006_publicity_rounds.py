"""Publicity in rounds: each publication of the selected list is a PublicityRound with its own
period in working days; objections belong to a round; the campaign's single `publicity_until`
goes (a campaign already published becomes round 1 with the date it had)."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import longcheng.volunteers.models


def rounds_from_campaigns(apps, schema_editor):
    Campaign = apps.get_model("volunteers", "RecruitmentCampaign")
    Round = apps.get_model("volunteers", "PublicityRound")
    Objection = apps.get_model("volunteers", "Objection")
    Application = apps.get_model("volunteers", "Application")
    for campaign in Campaign.objects.all():
        objections = Objection.objects.filter(campaign=campaign)
        if campaign.published_at is None and not objections.exists():
            continue
        published_at = campaign.published_at or min(o.submitted_at for o in objections)
        until = campaign.publicity_until or (
            published_at.date() + datetime.timedelta(days=campaign.publicity_days)
        )
        members = sorted(
            [a.pk, a.position_id]
            for a in Application.objects.filter(campaign=campaign, status="selected")
        )
        first = Round.objects.create(
            campaign=campaign,
            number=1,
            published_at=published_at,
            published_by=None,
            working_days=campaign.publicity_days,
            until=until,
            members=members,
            added=members,
            removed=[],
            reason="",
        )
        objections.update(round=first)
        if campaign.published_at is None:
            campaign.published_at = published_at
            campaign.save(update_fields=["published_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("volunteers", "0005_rerun_needed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="recruitmentcampaign",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="确认录用时间"),
        ),
        migrations.AddField(
            model_name="recruitmentcampaign",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="recruitmentcampaign",
            name="publicity_days",
            field=models.PositiveIntegerField(
                default=longcheng.volunteers.models.default_publicity_days,
                verbose_name="公示期（工作日）",
            ),
        ),
        migrations.AlterField(
            model_name="objection",
            name="handled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
        ),
        migrations.CreateModel(
            name="PublicityRound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="轮次")),
                ("published_at", models.DateTimeField(verbose_name="公示时间")),
                ("working_days", models.PositiveIntegerField(verbose_name="公示期（工作日）")),
                ("until", models.DateField(verbose_name="公示截止（含当日）")),
                ("members", models.JSONField(default=list, verbose_name="公示名单")),
                ("added", models.JSONField(default=list, verbose_name="新增")),
                ("removed", models.JSONField(default=list, verbose_name="移出")),
                ("reason", models.CharField(blank=True, max_length=300, verbose_name="变更理由")),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rounds",
                        to="volunteers.recruitmentcampaign",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "公示轮次",
                "verbose_name_plural": "公示轮次",
                "ordering": ["campaign", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "number"), name="publicity_round_once"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="objection",
            name="round",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="objections",
                to="volunteers.publicityround",
                verbose_name="公示轮次",
            ),
        ),
        migrations.RunPython(rounds_from_campaigns, migrations.RunPython.noop),
    ]
