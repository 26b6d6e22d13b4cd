"""Retention: reporters' contacts leave archived matters after the period; nothing else does."""

from django.core.management import call_command

from longcheng.audit.models import Action, AuditRecord
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status
from longcheng.ops.purge import retention_purge
from tests.fixtures.loop import at


def _archive(matter, when):
    Matter.objects.filter(pk=matter.pk).update(status=Status.ARCHIVED, archived_at=when)


def test_contacts_of_long_archived_matters_are_cleared_and_the_rest_kept(receive, clock, settings):
    settings.LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS = 365
    old, recent, still_open = receive(), receive(), receive()
    _archive(old, at(2022, 9, 1, 9))
    _archive(recent, at(2023, 3, 1, 9))
    assert retention_purge(dry_run=True)["诉求人联系方式（已归档事项）"] == 1
    assert Matter.objects.get(pk=old.pk).reporter_phone  # a dry run changes nothing
    counts = retention_purge()
    assert counts["诉求人联系方式（已归档事项）"] == 1
    cleared = Matter.objects.get(pk=old.pk)
    assert (cleared.reporter_name, cleared.reporter_phone) == ("", "")
    # The lookup index went with the phone: searching the old number no longer finds the matter.
    assert not Matter.objects.filter(pk=old.pk, reporter_phone=old.reporter_phone).exists()
    assert cleared.title == old.title and cleared.status == Status.ARCHIVED
    for kept in (recent, still_open):
        assert Matter.objects.get(pk=kept.pk).reporter_phone == kept.reporter_phone
    record = AuditRecord.objects.get(action=Action.RETENTION_PURGE)
    assert record.detail["cleared"] == 1
    # A second run finds nothing more and records nothing more.
    assert retention_purge()["诉求人联系方式（已归档事项）"] == 0
    assert AuditRecord.objects.filter(action=Action.RETENTION_PURGE).count() == 1
    clock.to(at(2024, 3, 2, 9))
    call_command("retention_purge")
    assert Matter.objects.get(pk=recent.pk).reporter_phone == ""
    assert Matter.objects.get(pk=still_open.pk).reporter_phone == still_open.reporter_phone


def test_a_legal_hold_keeps_the_contacts_until_it_is_lifted(receive, login, users, settings):
    settings.LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS = 365
    matter = receive()
    _archive(matter, at(2022, 9, 1, 9))
    matter.refresh_from_db()
    refused = login(users.committee_clerk).post(
        f"/loop/matters/{matter.pk}/legal-hold/",
        {"reason": "行政复议中", "version": matter.version},
        follow=True,
    )
    assert "只有单位领导或派单中心可以设置或解除保全" in refused.content.decode()
    client = login(users.dispatcher)
    client.post(
        f"/loop/matters/{matter.pk}/legal-hold/",
        {"reason": "行政复议中", "version": matter.version},
    )
    matter.refresh_from_db()
    assert matter.legal_hold == "行政复议中"
    page = client.get(f"/loop/matters/{matter.pk}/").content.decode()
    assert "保全中：行政复议中" in page and "设置保全：行政复议中" in page  # box and timeline
    assert retention_purge()["诉求人联系方式（已归档事项）"] == 0
    assert Matter.objects.get(pk=matter.pk).reporter_phone == matter.reporter_phone

    client.post(f"/loop/matters/{matter.pk}/legal-hold/", {"reason": "", "version": matter.version})
    assert Matter.objects.get(pk=matter.pk).legal_hold == ""
    assert retention_purge()["诉求人联系方式（已归档事项）"] == 1
    # Setting and lifting are each audited (the reason's digest, as any change).
    holds = AuditRecord.objects.filter(action=Action.UPDATE, object_type="loop.matter")
    assert holds.filter(actor=users.dispatcher).count() == 2
