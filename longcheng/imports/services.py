"""Starting an import: the batch and its kept file are recorded and the job is queued after the
commit; the steps themselves are `pipeline`'s."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core.jobs import run_in_background
from longcheng.core.transactions import service

from .models import ImportBatch
from .pipeline import ImportRefused, _claim_slot, importer_for


@service
def import_start_check(*, user, kind: str, upload, options: dict | None = None) -> ImportBatch:
    """Keep the file and check it in the background; the batch page shows the progress.
    `options`: what the form said besides the file (a boundary file's coordinate system)."""
    importer_for(user, kind, options)
    if upload.size > settings.LONGCHENG_IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("文件超过 %(n)s MB。") % {"n": settings.LONGCHENG_IMPORT_MAX_BYTES // 2**20}
        )
    try:
        with transaction.atomic():
            _claim_slot(user)
            batch = ImportBatch.objects.create(
                kind=kind,
                file=upload,
                file_name=upload.name[:200],
                status=ImportBatch.Status.CHECKING,
                options=options or {},
                created_by=user,
                running_for=user,
                job_heartbeat_at=timezone.now(),
            )
    except IntegrityError:  # two uploads at the same moment: the second one loses
        raise ImportRefused(_("您已有一个导入正在进行，请等它完成后再开始下一个。")) from None
    from .tasks import import_check_task

    run_in_background(import_check_task, batch.pk)
    return batch


@service
def import_start_commit(*, user, batch: ImportBatch) -> ImportBatch:
    """Write a checked file in the background (all rows or none)."""
    importer_for(user, batch.kind)
    try:
        with transaction.atomic():
            current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if current.status != ImportBatch.Status.CHECKED:
                raise ImportRefused(
                    _("该批次状态为“%(s)s”，不能导入。") % {"s": current.get_status_display()}
                )
            _claim_slot(user)
            current.status = ImportBatch.Status.COMMITTING
            current.running_for = user
            current.committed_by = user
            current.job_heartbeat_at = timezone.now()
            current.save(
                update_fields=["status", "running_for", "committed_by", "job_heartbeat_at"]
            )
    except IntegrityError:
        raise ImportRefused(_("您已有一个导入正在进行，请等它完成后再开始下一个。")) from None
    from .tasks import import_commit_task

    run_in_background(import_commit_task, current.pk)
    return current
