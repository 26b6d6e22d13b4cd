"""An audit trail that survives a database administrator: a keyed chain they cannot recompute,
a head anchored outside the database, refusals on the record, no personal data in clear."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from longcheng.audit.anchors import anchor_head, verify_against_anchors, written_heads
from longcheng.audit.chain import canonical, record_content, verify_stored_chain
from longcheng.audit.models import Action, AuditRecord
from longcheng.audit.services import audit_record
from longcheng.loop.drafts import MatterDraft

pytestmark = pytest.mark.django_db


def _records(users, n=4):
    for i in range(n):
        audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id=str(i))
    return list(AuditRecord.objects.order_by("id"))


def _sql(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER USER")


def test_records_are_signed_with_the_audit_key(users):
    records = _records(users)
    assert {r.key_id for r in records} == {"dev"}
    plain = hashlib.sha256(
        (records[0].prev_hash + canonical(record_content(records[0]))).encode()
    ).hexdigest()
    assert records[0].hash != plain  # not a bare digest anyone could recompute


def test_an_edit_with_a_recomputed_plain_hash_is_found(users):
    """A DBA changes a record and recomputes SHA-256 for it and every later link: without the
    key the chain still breaks (a keyed record's hash no longer verifies, or unkeyed records
    appear after keyed ones)."""
    records = _records(users)
    victim = records[1]
    victim.object_repr = "篡改"
    previous = records[0].hash
    for record in records[1:]:
        record.prev_hash = previous
        record.hash = hashlib.sha256(
            (previous + canonical(record_content(record))).encode()
        ).hexdigest()
        _sql(
            "UPDATE audit_auditrecord SET object_repr = %s, prev_hash = %s, hash = %s, "
            "key_id = '' WHERE id = %s",
            [record.object_repr, record.prev_hash, record.hash, record.pk],
        )
        previous = record.hash
    _count, broken = verify_stored_chain()
    assert broken is not None and broken.record_id == victim.pk and broken.reason == "unkeyed"


def test_the_anchored_head_shows_a_truncated_or_rewritten_tail(users, audit_anchor_file):
    records = _records(users)
    call_command("audit_verify")  # verifies, then anchors today's head
    [head] = written_heads()
    assert head.last_id == records[-1].pk and head.count == len(records)
    assert json.loads(audit_anchor_file.read_text().splitlines()[0])["last_hash"] == head.last_hash
    assert verify_against_anchors() is None

    _sql("DELETE FROM audit_auditrecord WHERE id = %s", [records[-1].pk])
    # The chain that is left is intact in itself…
    assert verify_stored_chain()[1] is None
    # …but the head written outside the database says it was longer.
    assert "截断" in verify_against_anchors()
    with pytest.raises(CommandError, match="库外锚点"):
        call_command("audit_verify")


def test_anchoring_appends_and_never_rewrites(users, audit_anchor_file):
    _records(users, 2)
    anchor_head()
    audit_record(actor=users.clerk1, action=Action.UPDATE, object_type="x", object_id="later")
    anchor_head()
    lines = audit_anchor_file.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["count"] < json.loads(lines[1])["count"]


def test_personal_data_never_enters_an_audit_record_in_clear(users):
    record = audit_record(
        actor=users.clerk1,
        action=Action.EXPORT,
        object_type="parties.person",
        detail={"filters": {"q": "13912345678"}, "note": "身份证 11010519491231002X 已核对"},
    )
    stored = json.dumps(AuditRecord.objects.get(pk=record.pk).detail, ensure_ascii=False)
    assert "13912345678" not in stored and "11010519491231002X" not in stored
    assert "139****5678" in stored and "110105********002X" in stored


def test_a_refused_page_and_a_refused_reveal_are_security_events(users, login, org):
    from longcheng.loop import services
    from longcheng.loop.workflow import Channel, Kind, Urgency

    client = login(users.sysadmin)
    assert client.get("/cockpit/").status_code == 403
    refused = AuditRecord.objects.filter(action=Action.REFUSED, actor=users.sysadmin).first()
    assert refused is not None and "/cockpit/" in refused.detail["refused"]

    matter = services.matter_receive(
        MatterDraft(
            title="噪音",
            description="夜间施工",
            channel=Channel.HOTLINE,
            kind=Kind.COMPLAINT,
            urgency=Urgency.NORMAL,
            reporter_phone="13912340001",
        ),
        actor=users.committee_clerk,
    )
    with pytest.raises(Exception, match="没有查看完整个人信息的权限"):
        services.matter_reveal_reporter_phone(matter=matter, actor=users.clerk1)
    assert AuditRecord.objects.filter(
        action=Action.REFUSED, actor=users.clerk1, object_id=str(matter.pk)
    ).exists()


@pytest.fixture
def anchor_bucket(settings):
    """A real S3 API (moto's server) as the city's object store."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    settings.LONGCHENG_AUDIT_ANCHOR_BUCKET = "audit-heads"
    settings.LONGCHENG_AUDIT_ANCHOR_ENDPOINT_URL = f"http://{host}:{port}"
    settings.LONGCHENG_AUDIT_ANCHOR_ACCESS_KEY = "minio"
    settings.LONGCHENG_AUDIT_ANCHOR_SECRET_KEY = "minio-secret"
    client = boto3.client(
        "s3",
        endpoint_url=settings.LONGCHENG_AUDIT_ANCHOR_ENDPOINT_URL,
        region_name="us-east-1",
        aws_access_key_id="minio",
        aws_secret_access_key="minio-secret",
    )
    client.create_bucket(Bucket="audit-heads")
    yield client
    server.stop()


def test_the_head_also_goes_to_the_object_store_and_counts_there(
    users, audit_anchor_file, anchor_bucket
):
    """Issue 23, item 7: the bucket keeps its own copy of every head, so deleting the anchor
    file with the database's tail still leaves the truncation visible."""
    from longcheng.audit.anchors import object_heads

    records = _records(users, 3)
    anchor_head()
    keys = [o["Key"] for o in anchor_bucket.list_objects_v2(Bucket="audit-heads")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("audit-anchors/")
    [head] = object_heads()
    assert head.last_id == records[-1].pk

    _sql("DELETE FROM audit_auditrecord WHERE id = %s", [records[-1].pk])
    audit_anchor_file.unlink()  # the file went with the server; the bucket did not
    assert "截断" in verify_against_anchors()
