"""Reminders, overdue, supervision, escalation and default ratings: each exactly once."""

import pytest

from longcheng.loop import services
from longcheng.loop.models import Matter, MatterEvent, Notification, SupervisionNotice
from longcheng.loop.timers import loop_sweep
from longcheng.loop.workflow import Rating, Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db
K = SupervisionNotice.Kind


def _signed(dispatched, users):
    return services.matter_sign(matter=dispatched(), actor=users.clerk1)


def test_reminder_at_80_percent_is_sent_once_however_often_the_sweep_runs(dispatched, users, clock):
    matter = _signed(dispatched, users)
    # Window: Mon 25 Sep 09:00 -> Wed 18 Oct 17:30; 80 % is on 13 Oct.
    assert matter.remind_at.date().isoformat() == "2023-10-13"
    clock.to(at(2023, 10, 12, 9, 0))
    assert loop_sweep().reminders == 0
    clock.to(at(2023, 10, 16, 9, 0))
    assert loop_sweep().reminders == 1
    for _ in range(5):
        assert loop_sweep().reminders == 0
    assert SupervisionNotice.objects.filter(matter=matter, kind=K.REMINDER).count() == 1
    assert matter.events.filter(kind=MatterEvent.Kind.REMINDER).count() == 1
    assert (
        Notification.objects.filter(recipient=users.clerk1, title__startswith="催办").count() == 1
    )


def test_overdue_marks_the_matter_and_tells_the_units_leader(dispatched, users, org, clock):
    leader1 = type(users.leader).objects.create(
        username="b1_leader", full_name="一大队长", role="leader", unit=org.brigade1
    )
    matter = _signed(dispatched, users)
    clock.to(at(2023, 10, 19, 9, 0))
    result = loop_sweep()
    assert result.overdue == 1
    matter.refresh_from_db()
    assert matter.overdue is True
    assert SupervisionNotice.objects.filter(matter=matter, kind=K.SUPERVISION).count() == 1
    assert Notification.objects.filter(recipient=leader1, title__startswith="督办").exists()
    assert loop_sweep().overdue == 0


def test_escalation_after_three_working_days_late_goes_to_the_unit_above(
    dispatched, users, org, clock
):
    matter = _signed(dispatched, users)
    clock.to(at(2023, 10, 20, 9, 0))  # deadline 18 Oct; 2 working days late
    assert loop_sweep().escalations == 0
    clock.to(at(2023, 10, 24, 9, 0))  # 4 working days late
    assert loop_sweep().escalations == 1
    notice = SupervisionNotice.objects.get(matter=matter, kind=K.ESCALATION)
    assert notice.unit == org.team
    assert Notification.objects.filter(recipient=users.leader, title__startswith="升级").exists()
    assert loop_sweep().escalations == 0


def test_sign_reminder_when_nobody_signs(dispatched, users, clock):
    matter = dispatched()
    clock.to(at(2023, 9, 25, 12, 0))  # sign limit 2 office hours: 11:00
    assert loop_sweep().sign_reminders == 1
    assert loop_sweep().sign_reminders == 0
    clock.to(at(2023, 9, 25, 13, 0))
    matter = services.matter_sign(matter=matter, actor=users.clerk1)
    assert matter.signed_late is True


def test_an_extension_moves_the_reminder_and_a_new_reminder_follows(dispatched, users, clock):
    matter = _signed(dispatched, users)
    clock.to(at(2023, 10, 16, 9, 0))
    assert loop_sweep().reminders == 1
    extension = services.matter_request_extension(
        matter=matter, actor=users.clerk1, days=10, reason="需联合检查"
    )
    services.matter_decide_extension(extension=extension, actor=users.dispatcher, approve=True)
    assert loop_sweep().reminders == 0  # the new 80 % point is later
    clock.to(at(2023, 10, 30, 9, 0))
    assert loop_sweep().reminders == 1


def test_no_rating_within_the_callback_period_counts_as_the_default(
    dispatched, users, clock, settings
):
    settings.LONGCHENG_CALLBACK_DAYS = 3
    settings.LONGCHENG_CALLBACK_DEFAULT_RATING = Rating.SATISFIED
    matter = _signed(dispatched, users)
    clock.to(at(2023, 10, 9, 10, 0))
    services.matter_answer(matter=matter, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 11, 10, 0))  # 2 working days
    assert loop_sweep().default_ratings == 0
    clock.to(at(2023, 10, 12, 10, 0))  # 3 working days
    assert loop_sweep().default_ratings == 1
    matter.refresh_from_db()
    assert (matter.status, matter.rating, matter.rating_defaulted) == (
        Status.CLOSED,
        Rating.SATISFIED,
        True,
    )
    assert loop_sweep().default_ratings == 0


def test_the_sweeper_catches_up_after_downtime(dispatched, users, clock):
    matters = [_signed(dispatched, users) for _ in range(3)]
    clock.to(at(2023, 12, 1, 9, 0))  # weeks later, nothing ran in between
    result = loop_sweep()
    assert (result.reminders, result.overdue, result.escalations) == (0, 3, 3)
    assert all(Matter.objects.get(pk=m.pk).overdue for m in matters)
