"""网络安全法 Art. 21(3): network logs are kept no less than six months — calendar months on
the local calendar, not 180 days."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from longcheng.audit.models import Action, AuditRecord
from longcheng.audit.services import audit_purge, audit_record
from longcheng.audit.snapshots import months_before, retention_floor
from longcheng.core.errors import LongchengError

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "floor"),
    [
        (_at(2024, 8, 31, 10), _at(2024, 2, 29, 10)),  # leap year: the last day of February
        (_at(2023, 8, 31, 10), _at(2023, 2, 28, 10)),
        (_at(2023, 3, 31, 0, 30), _at(2022, 9, 30, 0, 30)),  # September has 30 days
        (_at(2024, 1, 15, 9), _at(2023, 7, 15, 9)),  # across the new year
        (_at(2023, 7, 1, 0, 0), _at(2023, 1, 1, 0, 0)),
        (_at(2023, 12, 31, 23, 59), _at(2023, 6, 30, 23, 59)),
    ],
)
def test_six_calendar_months_back_land_on_the_right_day(now, floor):
    assert months_before(now, 6) == floor


def test_the_floor_is_counted_on_the_local_calendar(settings):
    settings.LONGCHENG_AUDIT_RETENTION_MONTHS = 6
    # 31 August 02:00 in Shanghai is still 30 August in UTC: the local day counts.
    now = _at(2024, 8, 31, 2).astimezone(datetime.UTC)
    assert retention_floor(now) == _at(2024, 2, 29, 2)


def test_a_setting_below_six_months_keeps_six_and_a_longer_one_is_honoured(settings):
    now = _at(2024, 8, 31, 10)
    settings.LONGCHENG_AUDIT_RETENTION_MONTHS = 3
    assert retention_floor(now) == _at(2024, 2, 29, 10)
    settings.LONGCHENG_AUDIT_RETENTION_MONTHS = 12
    assert retention_floor(now) == _at(2023, 8, 31, 10)


def _record_at(users, moment):
    with time_machine.travel(moment, tick=False):
        return audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [_at(2024, 8, 31, 10), _at(2023, 8, 31, 10), _at(2024, 3, 31, 10), _at(2024, 5, 15, 10)],
)
def test_a_record_six_months_minus_one_day_old_is_never_purged(users, now):
    floor = months_before(now, 6)
    old = _record_at(users, floor - datetime.timedelta(hours=1))
    young = _record_at(users, floor + datetime.timedelta(days=1))
    with time_machine.travel(now, tick=False):
        # Asking for one day more than the law allows is refused, naming the article.
        with pytest.raises(LongchengError, match="网络安全法"):
            audit_purge(before=floor + datetime.timedelta(days=1), actor_repr="test")
        anchor = audit_purge(before=floor, actor_repr="test")
    assert anchor.purged_through_id == old.pk
    assert not AuditRecord.objects.filter(pk=old.pk).exists()
    assert AuditRecord.objects.filter(pk=young.pk).exists()


@pytest.mark.django_db
def test_180_days_is_not_six_months(users):
    # 31 August 2024 − 180 days = 3 March: a record from 1 March is 183 days old, but not yet
    # six calendar months (29 February).
    now = _at(2024, 8, 31, 10)
    record = _record_at(users, _at(2024, 3, 1, 10))
    with time_machine.travel(now, tick=False), pytest.raises(LongchengError):
        audit_purge(before=_at(2024, 3, 2), actor_repr="test")
    assert AuditRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
def test_the_database_keeps_a_record_younger_than_six_calendar_months(users):
    # A record an hour short of six calendar months (more than 180 days old, which the old
    # trigger let go) stays; one an hour past goes.
    floor = months_before(timezone.localtime(), 6)
    old = _record_at(users, floor - datetime.timedelta(hours=1))
    young = _record_at(users, floor + datetime.timedelta(hours=1))
    if connection.vendor != "postgresql":
        # The embedded default has no trigger: the service is the guard, on the same floor.
        with pytest.raises(LongchengError, match="第二十一条"):
            audit_purge(before=floor + datetime.timedelta(hours=2), actor_repr="test")
        audit_purge(before=floor, actor_repr="test")
        assert list(AuditRecord.objects.filter(pk__in=[old.pk, young.pk])) == [young]
        return
    # On PostgreSQL the trigger reads the database's own clock, whatever SQL asks.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL longcheng.audit_purge = 'on'")
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [old.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL longcheng.audit_purge = 'on'")
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [young.pk])
    assert AuditRecord.objects.filter(pk=young.pk).exists()
    assert not AuditRecord.objects.filter(pk=old.pk).exists()
