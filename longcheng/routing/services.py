"""Writing routing model versions: a trained version is recorded, and one is promoted (also how
an administrator rolls back). Training is `training.routing_train`; suggesting is
`suggesting.suggest`. The area rules (`places`) are written here too."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import require_role
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core.errors import ConcurrentEditError, LongchengError, PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned

from . import suggesting
from .models import AreaRule, RoutingModel


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


# — Area rules (区域分拨规则): written by the dispatch centre, versioned and audited —


def _rule_state(rule: AreaRule) -> dict:
    return {
        "category": rule.category.code,
        "division": rule.division.code,
        "lead_unit": rule.lead_unit.code,
        "note": rule.note,
    }


def _check_rule(rule: AreaRule) -> None:
    if not rule.lead_unit.is_active:
        raise RoutingError(_("主办单位 %(u)s 已停用。") % {"u": rule.lead_unit})
    taken = AreaRule.objects.filter(category=rule.category, division=rule.division)
    if rule.pk:
        taken = taken.exclude(pk=rule.pk)
    if taken.exists():
        raise RoutingError(
            _("“%(d)s × %(c)s”已有规则，请修改那一条。") % {"d": rule.division, "c": rule.category}
        )


@service
def area_rule_create(*, actor, category, division, lead_unit, note: str = "") -> AreaRule:
    require_role(actor, Role.DISPATCHER, _("编辑区域分拨规则"))
    rule = AreaRule(
        category=category, division=division, lead_unit=lead_unit, note=note, updated_by=actor
    )
    _check_rule(rule)
    rule.save()
    after = _rule_state(rule)
    audit_record(
        actor=actor, action=AuditAction.CREATE, target=rule, after=after, detail={"after": after}
    )
    return rule


@service
def area_rule_update(
    *, actor, rule: AreaRule, expected_version: int, category, division, lead_unit, note: str = ""
) -> AreaRule:
    require_role(actor, Role.DISPATCHER, _("编辑区域分拨规则"))
    before = _rule_state(rule)
    rule.category, rule.division, rule.lead_unit = category, division, lead_unit
    rule.note, rule.updated_by = note, actor
    _check_rule(rule)
    save_versioned(
        rule,
        expected_version=expected_version,
        fields=["category", "division", "lead_unit", "note", "updated_by"],
    )
    after = _rule_state(rule)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=rule,
        before=before,
        after=after,
        detail={"before": before, "after": after, "version": rule.version},
    )
    return rule


@service
def area_rule_delete(*, actor, rule: AreaRule, expected_version: int) -> None:
    require_role(actor, Role.DISPATCHER, _("编辑区域分拨规则"))
    before = _rule_state(rule)
    text, pk = str(rule), rule.pk
    deleted, _rows = AreaRule.objects.filter(pk=rule.pk, version=expected_version).delete()
    if not deleted:
        raise ConcurrentEditError(
            _("该规则已被他人修改或删除（您打开的是第 %(v)s 版），请刷新后再操作。")
            % {"v": expected_version}
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type="routing.arearule",
        object_id=str(pk),
        object_repr=text,
        before=before,
        detail={"before": before},
    )
