"""Writing routing model versions: a trained version is recorded, and one is promoted (also how
an administrator rolls back). Training is `training.routing_train`; suggesting is
`suggesting.suggest`. The area rules (`places`) are written here too, and the dispatch
disputes (派单争议): raised when a return is committed, ruled by the dispatch centre."""

from __future__ import annotations

import re
from collections import Counter

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.models import User
from longcheng.accounts.policies import require, require_role, rules_disputes
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import ConcurrentEditError, LongchengError, PermissionRefused
from longcheng.core.models import Division, Unit
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop import notifications
from longcheng.loop import services as loop
from longcheng.loop.models import Category, Matter, MatterEvent, Notification

from . import selectors, suggesting
from .models import AreaRule, CatalogueChange, DispatchDispute, RoutingModel


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


# — Dispatch disputes (派单争议) —

E = MatterEvent.Kind
Change = DispatchDispute.Change


def _returns_since_last_ruling(matter: Matter) -> list[MatterEvent]:
    """The matter's returns a dispute weighs: those after the last ruling (a ruling settles
    the returns before it; the unit ruled responsible returning it again starts anew)."""
    events = (
        MatterEvent.objects.filter(matter=matter, kind=E.RETURNED, unit__isnull=False)
        .select_related("unit", "actor")
        .order_by("pk")
    )
    last = (
        DispatchDispute.objects.filter(
            matter=matter, status=DispatchDispute.Status.RULED, ruling_event__isnull=False
        )
        .order_by("-ruling_event_id")
        .values_list("ruling_event_id", flat=True)
        .first()
    )
    if last is not None:
        events = events.filter(pk__gt=last)
    return list(events)


def _dispute_is_due(returns: list[MatterEvent]) -> bool:
    """The rule: one unit returned the matter twice, or two units each returned it."""
    counts = Counter(e.unit_id for e in returns)
    return len(counts) >= 2 or any(n >= 2 for n in counts.values())


def _return_row(event: MatterEvent) -> dict:
    return {
        "event": event.pk,
        "unit": event.unit_id,
        "unit_name": event.unit.name if event.unit else "",
        "at": event.at.isoformat(),
        "actor": event.actor.full_name if event.actor else "",
        "reason": event.note,
    }


def _dispatchers():
    return User.objects.filter(role=Role.DISPATCHER, is_active=True)


@service
def dispute_raise_if_due(*, matter: Matter) -> DispatchDispute | None:
    """Called after a return is committed (`loop.events.matter_returned`): raise a dispute when
    the rule is met, or add the new return to the dispute already open on the matter."""
    # The matter's row serialises two returns committed at the same moment.
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    returns = _returns_since_last_ruling(matter)
    if not _dispute_is_due(returns):
        return None
    dispute = (
        DispatchDispute.objects.select_for_update()
        .filter(matter=matter, status=DispatchDispute.Status.OPEN)
        .first()
    )
    if dispute is not None:
        known = {row["event"] for row in dispute.returns}
        new = [e for e in returns if e.pk not in known]
        if new:
            dispute.returns = dispute.returns + [_return_row(e) for e in new]
            save_versioned(dispute, expected_version=dispute.version, fields=["returns"])
            dispute.units.add(*{e.unit_id for e in new if e.unit_id is not None})
            audit_record(
                actor=None,
                actor_repr="routing",
                action=AuditAction.UPDATE,
                target=dispute,
                detail={"returns_added": [e.pk for e in new]},
            )
        return dispute
    now = clock.now()
    dispute = DispatchDispute.objects.create(
        matter=matter, raised_at=now, returns=[_return_row(e) for e in returns]
    )
    unit_ids = list(dict.fromkeys(e.unit_id for e in returns if e.unit_id is not None))
    dispute.units.set(unit_ids)
    names = "、".join(dict.fromkeys(e.unit.name for e in returns if e.unit))
    MatterEvent.objects.create(
        matter=matter,
        kind=E.DISPUTE_RAISED,
        at=now,
        from_status=matter.status,
        to_status=matter.status,
        note=_("%(units)s 先后退单，形成派单争议，由派单中心裁定。") % {"units": names},
        data={"dispute": dispute.pk, "units": unit_ids},
    )
    audit_record(
        actor=None,
        actor_repr="routing",
        action=AuditAction.CREATE,
        target=dispute,
        after={"status": dispute.status, "units": unit_ids},
        detail={"returns": [e.pk for e in returns]},
    )
    notifications.notify(
        _dispatchers(),
        kind=Notification.Kind.DISPUTE,
        matter=matter,
        subject=dispute.subject,
        url=dispute.get_absolute_url(),
        title=_("派单争议待裁定：%(n)s") % {"n": matter.number},
        body=_("%(t)s（%(units)s 先后退单）") % {"t": matter.title, "units": names},
    )
    return dispute


_WORD_SPLIT = re.compile(r"[,，、;；\s]+")


def _split_keywords(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text or "") if w]


def _unit_state(unit: Unit | None) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit else None


def _change_lead_unit(category: Category, unit: Unit) -> tuple[dict, dict]:
    if category.default_lead_unit_id == unit.pk:
        raise RoutingError(
            _("目录“%(c)s”的默认主办单位已是 %(u)s，无需修改；请选择“不修改目录”。")
            % {"c": category.name, "u": unit.name}
        )
    before = _unit_state(category.default_lead_unit)
    category.default_lead_unit = unit
    category.save(update_fields=["default_lead_unit"])
    return {"unit": before}, {"unit": _unit_state(unit)}


KEYWORDS_MAX = Category._meta.get_field("keywords").max_length


def _change_keywords(category: Category, keywords: str) -> tuple[dict, dict]:
    words = _split_keywords(category.keywords)
    added = [w for w in dict.fromkeys(_split_keywords(keywords)) if w not in words]
    if not added:
        raise RoutingError(
            _("请填写要为目录“%(c)s”增加的关键词（已有的关键词不必重复）。") % {"c": category.name}
        )
    text = ",".join(words + added)
    if len(text) > KEYWORDS_MAX:
        raise RoutingError(
            _("目录“%(c)s”的关键词合计不能超过 %(n)d 个字符，请精简后再加。")
            % {"c": category.name, "n": KEYWORDS_MAX}
        )
    before = category.keywords
    category.keywords = text
    category.save(update_fields=["keywords"])
    return {"keywords": before}, {"keywords": text, "added": added}


def _named_rule_state(rule: AreaRule) -> dict:
    return {**_rule_state(rule), "lead_unit_name": rule.lead_unit.name}


def _change_area_rule(
    *, actor, category: Category, division: Division, unit: Unit, reasons: str
) -> tuple[dict, dict, AreaRule]:
    rule = AreaRule.objects.select_for_update().filter(category=category, division=division).first()
    note = (_("派单争议裁定：%(r)s") % {"r": reasons})[:200]
    if rule is None:
        rule = area_rule_create(
            actor=actor, category=category, division=division, lead_unit=unit, note=note
        )
        return {"rule": None}, {"rule": _named_rule_state(rule)}, rule
    if rule.lead_unit_id == unit.pk:
        raise RoutingError(
            _("“%(a)s × %(c)s”的区域规则已派 %(u)s，无需修改；请选择“不修改目录”。")
            % {"a": division.name, "c": category.name, "u": unit.name}
        )
    before = _named_rule_state(rule)
    rule = area_rule_update(
        actor=actor,
        rule=rule,
        expected_version=rule.version,
        category=category,
        division=division,
        lead_unit=unit,
        note=note,
    )
    return {"rule": before}, {"rule": _named_rule_state(rule)}, rule


def _apply_change(
    *, dispute, actor, change: str, category: Category, unit: Unit, keywords: str, area, reasons
) -> dict:
    """Apply the catalogue change the ruling chose; log it (CatalogueChange) and audit it."""
    if change in ("", Change.NONE):
        return {}
    # The category's row is locked: two rulings on one category apply one after the other.
    category = Category.objects.select_for_update().get(pk=category.pk)
    rule = None
    if change == Change.LEAD_UNIT:
        field = CatalogueChange.Field.LEAD_UNIT
        before, after = _change_lead_unit(category, unit)
    elif change == Change.KEYWORDS:
        field = CatalogueChange.Field.KEYWORDS
        before, after = _change_keywords(category, keywords)
    elif change == Change.AREA_RULE:
        if area is None or area.pk not in {a.pk for a in selectors.rule_areas(dispute.matter)}:
            raise RoutingError(_("请选择区域分拨规则适用的街道或区县（事项所在的）。"))
        field = CatalogueChange.Field.AREA_RULE
        before, after, rule = _change_area_rule(
            actor=actor, category=category, division=area, unit=unit, reasons=reasons
        )
    else:
        raise RoutingError(_("目录调整方式无效。"))
    record = CatalogueChange.objects.create(
        at=clock.now(),
        actor=actor,
        category=category,
        field=field,
        area_rule=rule,
        before=before,
        after=after,
        dispute=dispute,
    )
    if change != Change.AREA_RULE:  # the area rule's own service audits it
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=category,
            before=before,
            after=after,
            detail={"field": field, "dispute": dispute.pk, "change": record.pk},
        )
    return {
        "kind": change,
        "field": field,
        "category": {"code": category.code, "name": category.name},
        "area": ({"code": area.code, "name": area.name} if change == Change.AREA_RULE else None),
        "before": before,
        "after": after,
        "change": record.pk,
    }


@service
def dispute_rule(
    *,
    dispute: DispatchDispute,
    actor,
    expected_version: int,
    responsible_unit: Unit,
    category: Category,
    reasons: str,
    change: str = Change.NONE,
    keywords: str = "",
    area: Division | None = None,
    matter_version: int | None = None,
) -> DispatchDispute:
    """裁定: the dispatch centre names the responsible unit and the category, with reasons; the
    matter is redispatched to that unit, the catalogue changes as chosen (same transaction),
    the units involved hear of it and the dispute's notices are resolved."""
    require(rules_disputes(actor), _("只有派单中心可以裁定派单争议。"))
    reasons = (reasons or "").strip()
    if not reasons:
        raise RoutingError(_("请填写裁定理由：说明为什么由该单位主办。"))
    if not responsible_unit.is_active:
        raise RoutingError(_("责任单位 %(u)s 已停用。") % {"u": responsible_unit.name})
    if not category.is_active:
        raise RoutingError(_("派单目录“%(c)s”已停用。") % {"c": category.name})
    if change not in Change.values:
        raise RoutingError(_("目录调整方式无效。"))
    locked = DispatchDispute.objects.select_for_update().get(pk=dispute.pk)
    if locked.status != DispatchDispute.Status.OPEN:
        raise ConcurrentEditError(_("该争议已由他人裁定，请刷新后查看裁定结果。"))
    matter = locked.matter
    now = clock.now()
    changes = _apply_change(
        dispute=locked,
        actor=actor,
        change=change,
        category=category,
        unit=responsible_unit,
        keywords=keywords,
        area=area,
        reasons=reasons,
    )
    event = MatterEvent.objects.create(
        matter=matter,
        kind=E.DISPUTE_RULED,
        at=now,
        actor=actor,
        actor_unit=getattr(actor, "unit", None),
        from_status=matter.status,
        to_status=matter.status,
        note=_("裁定由 %(u)s 主办（%(c)s）。理由：%(r)s")
        % {"u": responsible_unit.name, "c": category.name, "r": reasons},
        data={
            "dispute": locked.pk,
            "responsible_unit": responsible_unit.pk,
            "category": category.code,
            "change": change,
        },
    )
    locked.status = DispatchDispute.Status.RULED
    locked.responsible_unit, locked.category = responsible_unit, category
    locked.reasons, locked.change, locked.changes = reasons, change, changes
    locked.ruled_by, locked.ruled_at, locked.ruling_event = actor, now, event
    save_versioned(
        locked,
        expected_version=expected_version,
        fields=[
            "status",
            "responsible_unit",
            "category",
            "reasons",
            "change",
            "changes",
            "ruled_by",
            "ruled_at",
            "ruling_event",
        ],
    )
    loop.matter_dispatch(
        matter=matter,
        actor=actor,
        lead_unit=responsible_unit,
        assisting_units=[
            u for u in category.default_assisting_units.all() if u.pk != responsible_unit.pk
        ],
        category=category,
        expected_version=matter_version,
        note=_("派单争议裁定") + f"：{reasons}",
        redispatch=True,
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=locked,
        before={"status": DispatchDispute.Status.OPEN},
        after={
            "status": locked.status,
            "responsible_unit": responsible_unit.code,
            "category": category.code,
            "change": change,
        },
        detail={"reasons": reasons, "changes": changes},
    )
    notifications.notifications_resolve(subject=locked.subject, kinds=[Notification.Kind.DISPUTE])
    units = list(locked.units.all())
    if responsible_unit.pk not in {u.pk for u in units}:
        units.append(responsible_unit)
    for unit in units:
        notifications.notify(
            notifications.staff_of(unit),
            kind=Notification.Kind.DISPUTE,
            matter=matter,
            title=_("派单争议已裁定：%(n)s 由 %(u)s 主办")
            % {"n": matter.number, "u": responsible_unit.name},
            body=reasons,
        )
    return locked
