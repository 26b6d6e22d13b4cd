"""The two steps of an import: a dry run that checks every row and keeps the file, then a
commit that checks again (the registers may have changed) and writes every row or none."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record

from .importers import IMPORTERS, Importer, RowError, chunks
from .models import ImportBatch
from .reading import UnreadableFile, open_rows

# The errors a batch keeps (a file with a million bad rows says so without storing them all).
MAX_STORED_ERRORS = 5000


class ImportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _RowsFailed(Exception):
    """Raised inside the commit's transaction so that nothing of it stays."""


def importer_for(user, kind: str) -> Importer:
    cls = IMPORTERS.get(kind)
    importer = cls() if cls else None
    if importer is None or not importer.allowed(user):
        raise ImportRefused(_("您没有导入该类数据的权限。"))
    return importer


def _header_errors(importer: Importer, header: list[str]) -> list[RowError]:
    known = {c.name for c in importer.columns}
    errors = [
        RowError(1, c.name, _("缺少此列（请使用下载的模板）。"))
        for c in importer.columns
        if c.required and c.name not in header
    ]
    errors += [
        RowError(1, name, _("模板中没有此列。")) for name in header if name and name not in known
    ]
    if len(set(header)) != len(header):
        errors.append(RowError(1, "", _("表头有重复的列名。")))
    return errors


def _run(importer: Importer, user, batch: ImportBatch | None, fileobj, name: str, write: bool):
    """Check (and with `write`, write) every row; returns (rows, bad rows, errors, made)."""
    header, rows = open_rows(fileobj, name)
    errors = _header_errors(importer, header)
    if errors:
        return 0, 0, errors, 0
    importer.start(user)
    total = bad = made = 0
    limit = settings.LONGCHENG_IMPORT_MAX_ROWS
    for chunk in chunks(rows):
        total += len(chunk)
        if total > limit:
            errors.append(
                RowError(
                    chunk[0][0], "", _("超过单次导入上限 %(n)s 行，请分批导入。") % {"n": limit}
                )
            )
            bad += 1
            break
        cells = [(row, dict(zip(header, values, strict=False))) for row, values in chunk]
        checked = importer.check_chunk(user, cells)
        good = []
        for _row, item, row_errors in checked:
            if row_errors:
                bad += 1
                if len(errors) < MAX_STORED_ERRORS:
                    errors.extend(row_errors)
            else:
                good.append(item)
        if write and not bad and good:
            made += importer.write(user, good, batch)
    if total == 0 and not errors:
        errors.append(RowError(2, "", _("文件中没有数据行。")))
    if write and not errors:
        importer.finish(user, batch)
    return total, bad, errors, made


def import_check(*, user, kind: str, upload) -> ImportBatch:
    """The dry run: every row checked, nothing written but the batch and its file."""
    importer = importer_for(user, kind)
    if upload.size > settings.LONGCHENG_IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("文件超过 %(n)s MB。") % {"n": settings.LONGCHENG_IMPORT_MAX_BYTES // 2**20}
        )
    started = time.perf_counter()
    try:
        total, bad, errors, _made = _run(importer, user, None, upload, upload.name, write=False)
    except UnreadableFile as unreadable:
        raise ImportRefused(unreadable.message) from unreadable
    upload.seek(0)
    batch = ImportBatch.objects.create(
        kind=kind,
        file=upload,
        file_name=upload.name[:200],
        status=ImportBatch.Status.REJECTED if errors else ImportBatch.Status.CHECKED,
        total_rows=total,
        bad_rows=bad,
        errors=[e.as_dict() for e in errors],
        created_by=user,
        seconds=round(time.perf_counter() - started, 3),
    )
    audit_record(
        actor=user,
        action=Action.CREATE,
        target=batch,
        detail={"kind": kind, "rows": total, "bad_rows": bad, "dry_run": True},
    )
    return batch


def import_commit(*, user, batch: ImportBatch) -> ImportBatch:
    """All or nothing: a row that has become bad since the dry run refuses the whole file."""
    importer = importer_for(user, batch.kind)
    locked = ImportBatch.objects.select_for_update()
    started = time.perf_counter()
    outcome: dict = {}
    try:
        with transaction.atomic():
            current = locked.get(pk=batch.pk)
            if current.status != ImportBatch.Status.CHECKED:
                raise ImportRefused(
                    _("该批次状态为“%(s)s”，不能导入。") % {"s": current.get_status_display()}
                )
            with current.file.open("rb") as fileobj:
                total, bad, errors, made = _run(
                    importer, user, current, fileobj, current.file_name, write=True
                )
            if errors:
                outcome = {"total": total, "bad": bad, "errors": errors}
                raise _RowsFailed
            current.status = ImportBatch.Status.COMMITTED
            current.committed_by = user
            current.committed_at = timezone.now()
            current.created_objects = made
            current.seconds = round(time.perf_counter() - started, 3)
            current.save()
            audit_record(
                actor=user,
                action=Action.CREATE,
                target=current,
                detail={"kind": current.kind, "rows": total, "created": made, "dry_run": False},
            )
            return current
    except UnreadableFile as unreadable:
        raise ImportRefused(unreadable.message) from unreadable
    except _RowsFailed:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.REJECTED,
            bad_rows=outcome["bad"],
            errors=[e.as_dict() for e in outcome["errors"]],
        )
        raise ImportRefused(
            _("导入时发现 %(n)s 行有误（数据在检查后发生了变化），未导入任何数据。")
            % {"n": outcome["bad"]}
        ) from None
