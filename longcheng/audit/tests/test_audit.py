import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from conftest import PASSWORD
from longcheng.audit.chain import GENESIS, find_first_break
from longcheng.audit.models import Action, AuditRecord
from longcheng.audit.services import audit_record

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_update_and_delete_of_audit_records(users):
    record = audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x")
    for statement in (
        "UPDATE audit_auditrecord SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
    ):
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
