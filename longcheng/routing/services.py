"""Writing routing model versions: a trained version is recorded, and one is promoted (also how
an administrator rolls back). Training is `training.routing_train`; suggesting is
`suggesting.suggest`."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.transactions import service

from . import suggesting
from .models import RoutingModel


class RoutingError(LongchengError):
    pass


@service
def routing_model_add(*, actor, content: bytes, trained_on: int, evaluation: dict) -> RoutingModel:
    """Record a trained version (not yet active) with its evaluation."""
    version = (
        RoutingModel.objects.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    record = RoutingModel(version=version, trained_on=trained_on, evaluation=evaluation)
    record.file.save(f"routing-v{version}.joblib", ContentFile(content), save=False)
    record.save()
    audit_record(
        actor=actor,
        actor_repr="" if actor else "routing_train",
        action=AuditAction.CREATE,
        target=record,
        detail={"accuracy": evaluation["accuracy"], "top3": evaluation["top3"]},
    )
    return record


def _require_sysadmin(actor) -> None:
    if actor is not None and actor.role != Role.SYSADMIN:
        raise PermissionRefused(_("只有系统管理员可以启用或回退分拨模型。"))


@service
def routing_promote(*, record: RoutingModel, actor) -> RoutingModel:
    """Make `record` the active version (also how an administrator rolls back)."""
    _require_sysadmin(actor)
    RoutingModel.objects.filter(state=RoutingModel.State.ACTIVE).exclude(pk=record.pk).update(
        state=RoutingModel.State.RETIRED
    )
    record.state = RoutingModel.State.ACTIVE
    record.promoted_at, record.promoted_by = timezone.now(), actor
    record.save()
    audit_record(
        actor=actor,
        actor_repr="" if actor else "routing",
        target=record,
        action=AuditAction.STATE_CHANGE,
        detail={"promoted": record.version},
    )
    # The loaded model is cached per process and version; the next suggestion reloads.
    transaction.on_commit(suggesting.forget_loaded_models)
    return record
