"""Optimistic locking that works the same on SQLite and PostgreSQL."""

from django.db.models import F
from django.utils.translation import gettext as _

from .errors import ConcurrentEditError
from .models import VersionedModel


def save_versioned(instance: VersionedModel, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of an existing row only if nobody changed it since `expected_version`."""
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.fields):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
        instance.updated_at = values["updated_at"]  # type: ignore[attr-defined]
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConcurrentEditError(
            _("该记录已被他人修改（您打开的是第 %(v)s 版），请刷新后查看最新内容再修改。")
            % {"v": expected_version}
        )
    instance.version = expected_version + 1
