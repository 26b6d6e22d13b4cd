import datetime
import itertools

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from conftest import PASSWORD
from longcheng.audit.chain import GENESIS, find_first_break, verify_stored_chain
from longcheng.audit.models import Action, AuditAlert, AuditRecord
from longcheng.audit.services import audit_purge, audit_record
from longcheng.audit.tasks import audit_verify_task
from longcheng.core.errors import LongchengError

pytestmark = pytest.mark.django_db


def _chain():
    return list(AuditRecord.objects.order_by("id"))


def test_records_are_hash_chained(users):
    for n in range(3):
        audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id=str(n))
    records = _chain()
    assert records[0].prev_hash == GENESIS
    for previous, current in itertools.pairwise(records):
        assert current.prev_hash == previous.hash
    assert find_first_break(records) == (len(records), None)


def test_audit_verify_names_the_first_broken_link(users, capsys):
    for n in range(5):
        audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id=str(n))
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out

    victim = _chain()[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditrecord SET object_repr = %s WHERE id = %s", ["篡改", victim.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
    with pytest.raises(CommandError) as broken:
        call_command("audit_verify")
    assert f"id={victim.pk}" in str(broken.value)


def test_a_deleted_record_breaks_the_chain(users):
    for n in range(4):
        audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id=str(n))
    records = _chain()
    remaining = [r for r in records if r.pk != records[1].pk]
    _count, broken = find_first_break(remaining)
    assert broken is not None
    assert broken.record_id == records[2].pk


def test_a_changed_audit_record_is_refused_on_postgresql_and_found_on_sqlite(users):
    record = audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x")
    audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="y")
    change = "UPDATE audit_auditrecord SET object_repr = 'x' WHERE id = %s"
    if connection.vendor != "postgresql":
        # The embedded default has no trigger: the hash chain shows the change at its record.
        with connection.cursor() as cursor:
            cursor.execute(change, [record.pk])
        _count, broken = verify_stored_chain()
        assert broken is not None and broken.record_id == record.pk
        return
    for statement in (change, "DELETE FROM audit_auditrecord WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_login_success_and_failure_are_recorded_with_the_ip(client, users):
    client.post(
        "/accounts/login/", {"username": "clerk1", "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        "/accounts/login/", {"username": "clerk1", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4"
    )
    failed = AuditRecord.objects.get(action=Action.LOGIN_FAILED)
    assert (failed.actor_repr, failed.ip) == ("clerk1", "10.1.2.3")
    success = AuditRecord.objects.get(action=Action.LOGIN)
    assert (success.actor_id, success.ip) == (users.clerk1.pk, "10.1.2.4")


def test_a_change_and_its_audit_record_roll_back_together(users, records):
    from longcheng.parties.models import Site

    before = AuditRecord.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        records.site1.name = "改名"
        records.site1.save()
        audit_record(actor=users.clerk1, action=Action.UPDATE, target=records.site1)
        raise RuntimeError("the request failed after writing")
    assert AuditRecord.objects.count() == before
    assert Site.objects.get(pk=records.site1.pk).name == "富力壹品地下车库项目"


def test_the_auditor_sees_the_trail_and_the_chain_status(login, users):
    audit_record(actor=users.clerk1, action=Action.EXPORT, object_type="parties.site")
    client = login(users.auditor)
    page = client.get("/audit/").content.decode()
    assert "导出" in page and "clerk1" in page
    assert "审计链完整" in client.get("/audit/verify/").content.decode()


def _old_records(users, days=200, n=3):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=False):
        return [
            audit_record(
                actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id=str(i)
            )
            for i in range(n)
        ]


def test_retention_purge_keeps_six_months_and_the_chain_verifies_from_its_anchor(users):
    old = _old_records(users)
    young = audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x")
    too_soon = timezone.now() - datetime.timedelta(days=100)
    with pytest.raises(LongchengError, match="至少保存 6 个月"):
        audit_purge(before=too_soon, actor_repr="test")
    assert AuditRecord.objects.count() == 4

    anchor = audit_purge(before=timezone.now() - datetime.timedelta(days=190), actor_repr="test")
    assert (anchor.count, anchor.purged_through_id, anchor.anchor_hash) == (
        3,
        old[-1].pk,
        old[-1].hash,
    )
    remaining = _chain()
    assert remaining[0].pk == young.pk
    assert remaining[-1].action == Action.PURGE  # the purge itself is on the record
    assert verify_stored_chain() == (2, None)
    # A gap the purge did not leave is still a break.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [young.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
    assert verify_stored_chain()[1] is not None


def test_a_broken_chain_is_not_purged(users):
    old = _old_records(users)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditrecord SET object_repr = '篡改' WHERE id = %s", [old[1].pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
    with pytest.raises(LongchengError, match="断裂处是证据"):
        audit_purge(before=timezone.now() - datetime.timedelta(days=190), actor_repr="test")
    assert AuditRecord.objects.count() == 3


def test_a_purge_of_young_records_is_refused_even_when_asked(users):
    record = audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x")
    # The service refuses on every database (网络安全法 Art. 21) …
    with pytest.raises(LongchengError, match="第二十一条"):
        audit_purge(before=timezone.now() + datetime.timedelta(hours=1), actor_repr="test")
    if connection.vendor == "postgresql":
        # … and on PostgreSQL the trigger refuses even SQL that says it is a purge.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL longcheng.audit_purge = 'on'")
            cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [record.pk])
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_the_daily_check_raises_one_alert_and_the_auditor_handles_it(
    users, login, mailoutbox, django_capture_on_commit_callbacks
):
    users.auditor.email = "auditor@example.cn"
    users.auditor.save()
    records = _old_records(users, days=1)
    assert audit_verify_task() == "intact"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditrecord SET object_repr = '改' WHERE id = %s", [records[0].pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves after the commit
        assert audit_verify_task() == f"broken at id={records[0].pk}"
        audit_verify_task()  # the next day: still one alert, one mail
    assert AuditAlert.objects.count() == 1 and len(mailoutbox) == 1
    assert mailoutbox[0].to == ["auditor@example.cn"]

    client = login(users.auditor)
    page = client.get("/audit/")
    assert "定时校验发现审计链" in page.text
    alert = AuditAlert.objects.get()
    client.post(f"/audit/alerts/{alert.pk}/handled/")
    assert AuditAlert.objects.get().handled_at is not None
    assert "定时校验发现审计链" not in client.get("/audit/").text
    assert login(users.secadmin).post(f"/audit/alerts/{alert.pk}/handled/").status_code == 403


def test_the_assessors_export_carries_the_full_hashes(users, login):
    import io

    from openpyxl import load_workbook

    from longcheng.audit.chain import record_hash

    for n in range(3):
        audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id=str(n))
    response = login(users.auditor).get("/audit/", {"export": "xlsx", "sort": "id"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    header, first = rows[0], rows[1]
    record = AuditRecord.objects.get(pk=first[0])
    assert first[header.index("本条哈希")] == record.hash
    assert first[header.index("前一条哈希")] == record.prev_hash
    assert record_hash(record.prev_hash, record) == record.hash
