"""The two steps of an import: a dry run that checks every row and keeps the file, then a
commit that checks again (the registers may have changed) and writes every row or none.

A check reads for minutes and a commit writes in one transaction of its own, so neither is a
`@service`: the background jobs run them (`import_check_job`, `import_commit_job`), started by
`services.import_start_check` and `services.import_start_commit`; `import_check` and
`import_commit` run the same steps in the caller's process (benchmarks, tests)."""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record

from .importers import IMPORTERS, Importer, RowError, chunks
from .models import ImportBatch
from .reading import UnreadableFile

# The errors a batch keeps (a file with a million bad rows says so without storing them all).
MAX_STORED_ERRORS = 5000


class ImportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _RowsFailed(Exception):
    """Raised inside the commit's transaction so that nothing of it stays."""


def importer_for(user, kind: str, options: dict | None = None) -> Importer:
    cls = IMPORTERS.get(kind)
    importer = cls(options) if cls else None
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


def _run(
    importer: Importer,
    user,
    batch: ImportBatch | None,
    fileobj,
    name: str,
    write: bool,
    progress=None,
):
    """Check (and with `write`, write) every row; returns (rows, bad rows, errors, made).
    `progress(rows)` is told after every chunk (the background job's progress bar)."""
    header, rows = importer.read(fileobj, name)
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
        if progress is not None:
            progress(total)
    if total == 0 and not errors:
        errors.append(RowError(2, "", _("文件中没有数据行。")))
    if write and not errors:
        importer.finish(user, batch)
    return total, bad, errors, made


def import_check(*, user, kind: str, upload, options: dict | None = None) -> ImportBatch:
    """The dry run: every row checked, nothing written but the batch and its file."""
    importer = importer_for(user, kind, options)
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
        options=options or {},
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


def import_commit(*, user, batch: ImportBatch, progress=None) -> ImportBatch:
    """All or nothing: a row that has become bad since the dry run refuses the whole file."""
    importer = importer_for(user, batch.kind, batch.options)
    locked = ImportBatch.objects.select_for_update()
    started = time.perf_counter()
    outcome: dict = {}
    try:
        with transaction.atomic():
            current = locked.get(pk=batch.pk)
            if current.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.COMMITTING):
                raise ImportRefused(
                    _("该批次状态为“%(s)s”，不能导入。") % {"s": current.get_status_display()}
                )
            with current.file.open("rb") as fileobj:
                total, bad, errors, made = _run(
                    importer,
                    user,
                    current,
                    fileobj,
                    current.file_name,
                    write=True,
                    progress=progress,
                )
            if errors:
                outcome = {"total": total, "bad": bad, "errors": errors}
                raise _RowsFailed
            current.status = ImportBatch.Status.COMMITTED
            current.committed_by = user
            current.committed_at = timezone.now()
            current.created_objects = made
            current.seconds = round(time.perf_counter() - started, 3)
            current.running_for = None
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
            running_for=None,
        )
        raise ImportRefused(
            _("导入时发现 %(n)s 行有误（数据在检查后发生了变化），未导入任何数据。")
            % {"n": outcome["bad"]}
        ) from None


# — Background jobs: the page shows progress; one running import per person —

# A job that has not reported for this long is taken for dead (its worker or the demo server
# stopped); its batch is marked interrupted and the person may start again.
STALE_AFTER = datetime.timedelta(minutes=15)


def _progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def progress_of(batch: ImportBatch) -> int:
    """Rows the running job has got through (told through the cache: a commit's own writes
    are invisible to other connections until it ends)."""
    return (cache.get(_progress_key(batch.pk)) or {}).get("rows", 0)


def _reporter(batch_id: int):
    def report(rows: int) -> None:
        cache.set(_progress_key(batch_id), {"rows": rows, "at": time.time()}, 86400)

    return report


def _last_sign_of_life(batch: ImportBatch) -> datetime.datetime | None:
    told = (cache.get(_progress_key(batch.pk)) or {}).get("at")
    moments = [m for m in (batch.job_heartbeat_at,) if m]
    if told:
        moments.append(datetime.datetime.fromtimestamp(told, tz=datetime.UTC))
    return max(moments) if moments else None


def _interrupted_message() -> dict:
    return RowError(0, "", _("后台任务中断（服务重启或任务失败），请重新上传检查。")).as_dict()


def _claim_slot(user) -> None:
    """Inside the caller's transaction: free a dead job's slot, refuse while one runs."""
    for running in ImportBatch.objects.select_for_update().filter(running_for=user):
        last = _last_sign_of_life(running)
        if last and timezone.now() - last < STALE_AFTER:
            raise ImportRefused(
                _("您已有一个导入正在进行（批次 %(n)s），请等它完成后再开始下一个。")
                % {"n": running.pk}
            )
        ImportBatch.objects.filter(pk=running.pk).update(
            status=ImportBatch.Status.REJECTED, running_for=None, errors=[_interrupted_message()]
        )


def import_check_job(batch_id: int) -> None:
    """The dry run of a kept file, as the background job runs it."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.CHECKING:
        return  # already done (a redelivered task) or interrupted
    started = time.perf_counter()
    try:
        importer = importer_for(batch.created_by, batch.kind, batch.options)
        with batch.file.open("rb") as fileobj:
            total, bad, errors, _made = _run(
                importer,
                batch.created_by,
                None,
                fileobj,
                batch.file_name,
                write=False,
                progress=_reporter(batch.pk),
            )
        error_rows = [e.as_dict() for e in errors]
    except (UnreadableFile, ImportRefused) as refused:
        total = bad = 0
        error_rows = [RowError(0, "", refused.message).as_dict()]
    except Exception:
        _mark_interrupted(batch.pk)
        raise
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
        status=ImportBatch.Status.REJECTED if error_rows else ImportBatch.Status.CHECKED,
        total_rows=total,
        bad_rows=bad,
        errors=error_rows,
        seconds=round(time.perf_counter() - started, 3),
        running_for=None,
    )
    audit_record(
        actor=batch.created_by,
        action=Action.CREATE,
        target=batch,
        detail={"kind": batch.kind, "rows": total, "bad_rows": bad, "dry_run": True},
    )


def import_commit_job(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("committed_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return
    try:
        import_commit(user=batch.committed_by, batch=batch, progress=_reporter(batch.pk))
    except Exception as failure:
        if not isinstance(failure, ImportRefused):
            _mark_interrupted(batch.pk)
            raise
        refused = failure
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.COMMITTING).update(
            status=ImportBatch.Status.REJECTED,
            running_for=None,
            errors=[RowError(0, "", refused.message).as_dict()],
        )


def _mark_interrupted(batch_id: int) -> None:
    """A job that failed unexpectedly frees its slot at once and says so on its page."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING]
    ).update(status=ImportBatch.Status.REJECTED, running_for=None, errors=[_interrupted_message()])
