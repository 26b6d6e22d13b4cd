from django.db import migrations, models


class Migration(migrations.Migration):
    """集体讨论 is a step on a notified case, never a state a case can be in: the unreachable
    status is dropped so every status listed has someone who acts on it."""

    dependencies = [("enforcement", "0008_lawful_procedure")]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="status",
            field=models.CharField(
                choices=[
                    ("lead", "案源登记"),
                    ("not_filed", "不予立案"),
                    ("filed", "已立案调查取证"),
                    ("notified", "已告知待陈述申辩"),
                    ("hearing", "听证"),
                    ("reviewing", "法制审核"),
                    ("decided", "已作出决定"),
                    ("served", "已送达待履行"),
                    ("enforcing", "催告与强制执行"),
                    ("closed", "已结案"),
                ],
                db_index=True,
                default="lead",
                max_length=20,
                verbose_name="状态",
            ),
        ),
    ]
