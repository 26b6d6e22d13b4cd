"""The investment committee's records get their own names (投决会), apart from the supervision
committee's meeting in appeals (`appeals.CommitteeMeeting`)."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("CommitteeMeeting", "InvestmentMeeting"),
        migrations.RenameModel("CommitteeVote", "InvestmentVote"),
        migrations.RenameModel("CommitteeDecision", "InvestmentDecision"),
    ]
