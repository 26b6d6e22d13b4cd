"""The only code that writes inspections: templates and their versions, campaigns and draws,
visits (also when a phone sends them late), rectifications and their re-inspection, the hand-off
to enforcement and publication."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import inspects_visit, owns_campaign
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.versioning import save_versioned
from longcheng.loop import services as loop
from longcheng.loop.attachments import AttachmentRefused, attachment_add, clean_image
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from longcheng.loop.workflow import Status as MatterStatus

from . import hooks, sampling
from .models import (
    Answer,
    Campaign,
    CampaignTarget,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Draw,
    EvidencePhoto,
    InspectionVisit,
    InspectorConflict,
    Rectification,
    SyncReceipt,
    VisitPhoto,
)
from .scope import parties_in_scope
from .scoring import ItemAnswer, item_failed, score_visit
from .workflow import (
    RECTIFICATION_DONE,
    CampaignStatus,
    Mode,
    RectificationStatus,
    Result,
    TemplateStatus,
    Verdict,
    VisitStatus,
)

# 双随机、一公开: results are published within 20 working days of being formed.
PUBLISH_WITHIN_WORKING_DAYS = 20


class InspectionRefused(LongchengError):
    pass


def _today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


def _party_fields(party) -> dict:
    name = type(party).__name__.lower()
    return {"institution": None, "site": None, "enterprise": None, name: party}


def _require_manager(actor, campaign: Campaign) -> None:
    if not owns_campaign(actor, campaign):
        raise PermissionRefused(_("只有组织单位的工作人员可以管理本次专项检查。"))


# — Templates —


def template_in_use(template: ChecklistTemplate) -> bool:
    return template.visits.exists()


def template_create(
    *,
    actor,
    code: str,
    name: str,
    party_type: str,
    pass_score: int = 80,
    basis: str = "",
    sections: Iterable[dict] = (),
) -> ChecklistTemplate:
    """`sections`: [{"name", "weight", "items": [{"text", ...ChecklistItem fields}]}]."""
    if ChecklistTemplate.objects.filter(code=code).exists():
        raise InspectionRefused(_("检查表编码“%(c)s”已存在。") % {"c": code})
    with transaction.atomic():
        template = ChecklistTemplate.objects.create(
            code=code,
            name=name,
            party_type=party_type,
            pass_score=pass_score,
            basis=basis,
            owner_unit=actor.unit,
            created_by=actor,
        )
        for order, section in enumerate(sections, 1):
            row = ChecklistSection.objects.create(
                template=template,
                name=section["name"],
                weight=section.get("weight", 1),
                order=order,
            )
            for item_order, item in enumerate(section.get("items", []), 1):
                ChecklistItem.objects.create(section=row, order=item_order, **item)
        audit_record(actor=actor, action=AuditAction.CREATE, target=template)
    return template


def _require_editable(template: ChecklistTemplate) -> None:
    if template_in_use(template):
        raise InspectionRefused(
            _("“%(t)s”已被现场检查使用，不能直接修改。请建立新版本后修改，已完成的检查仍按原版本。")
            % {"t": template}
        )
    if template.status == TemplateStatus.RETIRED:
        raise InspectionRefused(_("已停用的检查表不能修改。"))


def template_item_save(
    *, actor, template: ChecklistTemplate, section: ChecklistSection, item: ChecklistItem
) -> ChecklistItem:
    """Add or change an item of a version that no visit has used yet."""
    _require_editable(template)
    if section.template_id != template.pk:
        raise InspectionRefused(_("检查领域不属于该检查表。"))
    with transaction.atomic():
        item.section = section
        if not item.order:
            item.order = section.items.count() + 1
        item.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=template,
            detail={"item": item.pk, "text": item.text},
        )
    return item


def template_item_delete(*, actor, template: ChecklistTemplate, item: ChecklistItem) -> None:
    _require_editable(template)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            target=template,
            detail={"item": item.pk, "text": item.text},
        )
        item.delete()


def template_publish(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    if template.status != TemplateStatus.DRAFT:
        raise InspectionRefused(_("只有草稿可以发布。"))
    if not ChecklistItem.objects.filter(section__template=template).exists():
        raise InspectionRefused(_("检查表还没有检查项，不能发布。"))
    with transaction.atomic():
        # One published version per code: the previous one stops being offered for new campaigns.
        ChecklistTemplate.objects.filter(
            code=template.code, status=TemplateStatus.PUBLISHED
        ).update(status=TemplateStatus.RETIRED)
        template.status = TemplateStatus.PUBLISHED
        template.published_at = clock.now()
        template.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=template,
            after={"status": template.status},
        )
    return template


def template_new_version(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """A copy as the next draft version; the visits keep the version they used."""
    latest = ChecklistTemplate.objects.filter(code=template.code).order_by("-version").first()
    assert latest is not None
    if ChecklistTemplate.objects.filter(code=template.code, status=TemplateStatus.DRAFT).exists():
        raise InspectionRefused(_("该检查表已有未发布的新版本，请在该版本上修改。"))
    with transaction.atomic():
        copy = ChecklistTemplate.objects.create(
            code=template.code,
            version=latest.version + 1,
            name=template.name,
            party_type=template.party_type,
            pass_score=template.pass_score,
            basis=template.basis,
            owner_unit=template.owner_unit,
            created_by=actor,
        )
        for section in template.sections.prefetch_related("items"):
            new_section = ChecklistSection.objects.create(
                template=copy, name=section.name, order=section.order, weight=section.weight
            )
            for item in section.items.all():
                item.pk = None
                item.section = new_section
                item.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=copy,
            detail={"copied_from": template.pk, "version": copy.version},
        )
    return copy


# — Campaigns —


def campaign_create(
    *,
    actor,
    name: str,
    template: ChecklistTemplate,
    mode: str,
    scope: dict,
    start_date: datetime.date,
    end_date: datetime.date,
    inspectors: Iterable,
    sample_ratio: Decimal | None = None,
    stratify_by: str = "",
    rectification_days: int = 10,
    basis: str = "",
) -> Campaign:
    if actor.unit is None:
        raise PermissionRefused(_("只有所属单位的工作人员可以组织专项检查。"))
    if template.status != TemplateStatus.PUBLISHED:
        raise InspectionRefused(_("请选择已发布的检查表。"))
    if scope.get("party_type") != template.party_type:
        raise InspectionRefused(_("检查表适用的对象类型与检查范围不一致。"))
    if end_date < start_date:
        raise InspectionRefused(_("结束日期不能早于开始日期。"))
    if mode == Mode.RANDOM_SAMPLING and not sample_ratio:
        raise InspectionRefused(_("双随机抽查须填写抽查比例。"))
    parties_in_scope(scope)  # validates the rule
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            unit=actor.unit,
            template=template,
            mode=mode,
            scope=scope,
            start_date=start_date,
            end_date=end_date,
            sample_ratio=sample_ratio if mode == Mode.RANDOM_SAMPLING else None,
            stratify_by=stratify_by,
            rectification_days=rectification_days,
            basis=basis,
            created_by=actor,
        )
        campaign.inspectors.set(list(inspectors))
        audit_record(actor=actor, action=AuditAction.CREATE, target=campaign)
    return campaign


def _stratum(party, stratify_by: str) -> str:
    if stratify_by == "division":
        return party.division.name if party.division_id else ""
    if stratify_by == "grade":
        return getattr(party, "grade", "")
    return ""


def party_risk_weight(party) -> Decimal:
    """1, plus 1 for each failed or to-be-rectified visit before, plus 1 for each matter of the
    last twelve months whose title names the party (complaints are not linked to registers yet,
    so the name is the link)."""
    fields = _party_fields(party)
    bad = (
        InspectionVisit.objects.filter(**{k: v for k, v in fields.items() if v is not None})
        .filter(result__in=[Result.FAIL, Result.RECTIFY])
        .count()
    )
    since = clock.now() - datetime.timedelta(days=365)
    complaints = (
        Matter.objects.filter(received_at__gte=since, title__contains=party.name)
        .exclude(channel=Channel.INSPECTION)
        .count()
    )
    return Decimal(1 + bad + complaints)


def campaign_launch(*, actor, campaign: Campaign) -> Campaign:
    """Fix the target list from the scope rule. Full coverage: every party is to be visited.
    Random sampling: the parties are the candidates of the draw that follows."""
    _require_manager(actor, campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise InspectionRefused(_("专项检查已启动。"))
    parties = list(parties_in_scope(campaign.scope))
    if not parties:
        raise InspectionRefused(_("检查范围内没有登记的检查对象，请调整范围。"))
    sampling_mode = campaign.mode == Mode.RANDOM_SAMPLING
    with transaction.atomic():
        CampaignTarget.objects.bulk_create(
            [
                CampaignTarget(
                    campaign=campaign,
                    stratum=_stratum(party, campaign.stratify_by),
                    weight=party_risk_weight(party) if sampling_mode else 1,
                    selected=not sampling_mode,
                    **_party_fields(party),
                )
                for party in parties
            ]
        )
        expected = campaign.version
        campaign.status = CampaignStatus.ACTIVE
        save_versioned(campaign, expected_version=expected, fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=campaign,
            after={"status": campaign.status, "targets": len(parties)},
        )
    return campaign


def _conflicts_for(keys: set[str]) -> dict[str, set[int]]:
    conflicts: dict[str, set[int]] = {}
    for row in InspectorConflict.objects.select_related("institution", "site", "enterprise"):
        if row.party_key in keys:
            conflicts.setdefault(row.party_key, set()).add(row.user_id)
    return conflicts


def campaign_draw(*, actor, campaign: Campaign, seed: str = "", reason: str = "") -> Draw:
    """双随机抽取. The first draw needs no reason; any later one does, is numbered, and keeps
    the earlier ones on the record. No re-draw once a drawn visit has begun."""
    _require_manager(actor, campaign)
    if campaign.mode != Mode.RANDOM_SAMPLING:
        raise InspectionRefused(_("全覆盖检查不需要随机抽取。"))
    if campaign.status != CampaignStatus.ACTIVE:
        raise InspectionRefused(_("请先启动专项检查，确定候选名单。"))
    previous = campaign.draws.count()
    if previous and not reason.strip():
        raise InspectionRefused(_("已经抽取过一次，重新抽取须写明理由，并将留痕公示。"))
    if campaign.visits.exclude(status=VisitStatus.PLANNED).exists():
        raise InspectionRefused(_("已有抽中对象开始检查，不能重新抽取。"))
    targets = list(campaign.targets.select_related("institution", "site", "enterprise"))
    candidates = [
        sampling.Candidate(key=t.party_key, stratum=t.stratum, weight=float(t.weight))
        for t in targets
    ]
    roster = sorted(campaign.inspectors.values_list("pk", flat=True))
    conflicts = _conflicts_for({c.key for c in candidates})
    seed = seed or secrets.token_hex(8)
    ratio = campaign.sample_ratio or Decimal(0)
    result = sampling.draw(
        candidates=candidates,
        roster=roster,
        conflicts=conflicts,
        ratio=float(ratio),
        seed=seed,
        names={t.party_key: str(t.party) for t in targets},
    )
    by_key = {t.party_key: t for t in targets}
    with transaction.atomic():
        campaign.visits.filter(status=VisitStatus.PLANNED).delete()
        CampaignTarget.objects.filter(campaign=campaign).update(selected=False)
        CampaignTarget.objects.filter(pk__in=[by_key[k].pk for k in result.selected]).update(
            selected=True
        )
        draw = Draw.objects.create(
            campaign=campaign,
            number=previous + 1,
            seed=seed,
            ratio=ratio,
            candidates=[
                {"key": c.key, "stratum": c.stratum, "weight": c.weight} for c in candidates
            ],
            roster={
                "users": roster,
                "conflicts": {k: sorted(v) for k, v in sorted(conflicts.items())},
            },
            selected=result.selected,
            assignments=result.assignments,
            reason=reason.strip(),
            drawn_at=clock.now(),
            drawn_by=actor,
        )
        for key in result.selected:
            target = by_key[key]
            visit = InspectionVisit.objects.create(
                campaign=campaign,
                target=target,
                template=campaign.template,
                institution=target.institution,
                site=target.site,
                enterprise=target.enterprise,
            )
            visit.inspectors.set(result.assignments[key])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=draw,
            detail={"seed": seed, "selected": len(result.selected), "reason": reason},
        )
    return draw


def draw_verify(draw: Draw) -> bool:
    """Re-run the recorded draw from its own record; True when it gives the same result."""
    result = sampling.draw(
        candidates=[sampling.Candidate(**c) for c in draw.candidates],
        roster=draw.roster["users"],
        conflicts={k: set(v) for k, v in draw.roster["conflicts"].items()},
        ratio=float(draw.ratio),
        seed=draw.seed,
    )
    return result.selected == draw.selected and result.assignments == draw.assignments


def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    _require_manager(actor, campaign)
    if campaign.status != CampaignStatus.ACTIVE:
        raise InspectionRefused(_("只有检查中的专项检查可以结束。"))
    unfinished = campaign.visits.filter(status=VisitStatus.IN_PROGRESS).count()
    if unfinished:
        raise InspectionRefused(
            _("还有 %(n)d 次现场检查未提交，请先提交或作废后再结束。") % {"n": unfinished}
        )
    with transaction.atomic():
        expected = campaign.version
        campaign.status = CampaignStatus.CLOSED
        save_versioned(campaign, expected_version=expected, fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=campaign,
            after={"status": campaign.status},
        )
    return campaign


# — Visits —


def _check_team(campaign: Campaign, party, team: list) -> None:
    if len({u.pk for u in team}) < sampling.INSPECTORS_PER_VISIT:
        raise InspectionRefused(_("现场检查须由两名以上执法检查人员进行。"))
    roster = set(campaign.inspectors.values_list("pk", flat=True))
    outsiders = [u.full_name or u.username for u in team if u.pk not in roster]
    if outsiders:
        raise InspectionRefused(
            _("%(names)s 不在本次专项检查的执法检查人员名录中。") % {"names": "、".join(outsiders)}
        )
    key = f"{type(party).__name__.lower()}:{party.pk}"
    conflicted = _conflicts_for({key}).get(key, set())
    linked = [u.full_name or u.username for u in team if u.pk in conflicted]
    if linked:
        raise InspectionRefused(
            _("%(names)s 与“%(party)s”有利害关系，应当回避。")
            % {"names": "、".join(linked), "party": party}
        )


def visit_start(*, actor, target: CampaignTarget, partners: Iterable) -> InspectionVisit:
    """Begin a visit to a target (full coverage; a drawn visit is begun by answering it)."""
    campaign = target.campaign
    if campaign.status != CampaignStatus.ACTIVE:
        raise InspectionRefused(_("专项检查未在进行中。"))
    if not target.selected:
        raise InspectionRefused(_("该对象未列入本次检查。"))
    if target.visits.filter(parent__isnull=True).exists():
        raise InspectionRefused(_("该对象已有现场检查记录，请打开原记录。"))
    team = [actor, *[p for p in partners if p.pk != actor.pk]]
    _check_team(campaign, target.party, team)
    with transaction.atomic():
        visit = InspectionVisit.objects.create(
            campaign=campaign,
            target=target,
            template=campaign.template,
            status=VisitStatus.IN_PROGRESS,
            started_at=clock.now(),
            institution=target.institution,
            site=target.site,
            enterprise=target.enterprise,
        )
        visit.inspectors.set(team)
        audit_record(actor=actor, action=AuditAction.CREATE, target=visit)
    return visit


def visit_items(visit: InspectionVisit) -> list[ChecklistItem]:
    """What the visit asks: the whole template, or for a re-inspection the items still open."""
    items = ChecklistItem.objects.filter(section__template=visit.template).select_related("section")
    if visit.parent_id is None:
        return list(items)
    if visit.status == VisitStatus.SUBMITTED:  # what it asked then
        asked = list(Answer.objects.filter(visit=visit).values_list("item_id", flat=True))
    else:
        asked = list(
            Rectification.objects.filter(visit_id=visit.parent_id)
            .exclude(status__in=RECTIFICATION_DONE)
            .values_list("item_id", flat=True)
        )
    return list(items.filter(pk__in=asked))


def _require_inspector(actor, visit: InspectionVisit) -> None:
    if not inspects_visit(actor, visit):
        raise PermissionRefused(_("只有本次检查的执法检查人员可以填写检查记录。"))


def _require_open(visit: InspectionVisit) -> None:
    if visit.status == VisitStatus.SUBMITTED:
        raise InspectionRefused(_("检查记录已提交，不能再修改。"))


def _decimal(value, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise InspectionRefused(_("“%(l)s”须填写数字。") % {"l": label}) from None


def visit_answer(
    *,
    actor,
    visit: InspectionVisit,
    item: ChecklistItem,
    verdict: str = "",
    score=None,
    number=None,
    text: str = "",
    note: str = "",
) -> Answer:
    _require_inspector(actor, visit)
    _require_open(visit)
    if item.section.template_id != visit.template_id:
        raise InspectionRefused(_("检查项不属于本次检查使用的检查表。"))
    if verdict and verdict not in Verdict.values:
        raise InspectionRefused(_("请选择符合、不符合或不适用。"))
    score_value = _decimal(score, item.text)
    if score_value is not None and not 0 <= score_value <= item.max_score:
        raise InspectionRefused(
            _("“%(t)s”的得分须在 0 到 %(m)d 之间。") % {"t": item.text, "m": item.max_score}
        )
    with transaction.atomic():
        answer, _created = Answer.objects.update_or_create(
            visit=visit,
            item=item,
            defaults={
                "verdict": verdict,
                "score": score_value,
                "number": _decimal(number, item.text),
                "text": text[:500],
                "note": note[:500],
                "answered_at": clock.now(),
            },
        )
        if visit.status == VisitStatus.PLANNED:
            InspectionVisit.objects.filter(pk=visit.pk).update(
                status=VisitStatus.IN_PROGRESS, started_at=clock.now()
            )
            visit.status = VisitStatus.IN_PROGRESS
    return answer


def visit_add_photo(
    *, actor, visit: InspectionVisit, upload, client_id: str, item: ChecklistItem | None = None
) -> VisitPhoto:
    """A photo lands once per client id, however often a reconnecting phone resends it."""
    _require_inspector(actor, visit)
    existing = VisitPhoto.objects.filter(visit=visit, client_id=client_id).first()
    if existing:
        return existing
    _require_open(visit)
    if upload.size > 10 * 1024 * 1024:
        raise AttachmentRefused(_("照片超过 10 MB，请压缩后再上传。"))
    content, _type, extension = clean_image(upload.read())
    photo = VisitPhoto(
        visit=visit, item=item, client_id=client_id, taken_at=clock.now(), uploaded_by=actor
    )
    photo.file.save(f"{client_id[:32]}{extension}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:  # the same photo arrived twice at the same moment
        photo.file.delete(save=False)
        return VisitPhoto.objects.get(visit=visit, client_id=client_id)
    return photo


def _item_answers(
    visit: InspectionVisit, items: list[ChecklistItem]
) -> list[tuple[ChecklistItem, Answer]]:
    answers = {a.item_id: a for a in visit.answers.all()}
    return [(item, answers[item.pk]) for item in items if item.pk in answers]


def visit_missing(visit: InspectionVisit) -> list[str]:
    """What stops the visit from being submitted, each in a sentence."""
    items = visit_items(visit)
    answers = {a.item_id: a for a in visit.answers.all()}
    photographed = set(visit.photos.values_list("item_id", flat=True))
    problems = []
    for item in items:
        answer = answers.get(item.pk)
        empty = answer is None or (
            not answer.verdict
            and answer.score is None
            and answer.number is None
            and not answer.text
        )
        if (item.required or visit.parent_id) and empty:
            problems.append(_("“%(t)s”未作答。") % {"t": item.text})
        if item.photo_required and item.pk not in photographed:
            if answer is None or answer.verdict != Verdict.NOT_APPLICABLE:
                problems.append(_("“%(t)s”须拍摄现场照片。") % {"t": item.text})
        if answer is not None and item_failed(_to_scoring(item, answer)) and not answer.note:
            problems.append(_("“%(t)s”不符合，请写明发现的问题。") % {"t": item.text})
    return problems


def _to_scoring(item: ChecklistItem, answer: Answer) -> ItemAnswer:
    return ItemAnswer(
        section=item.section_id,
        section_weight=item.section.weight,
        answer_type=item.answer_type,
        max_score=item.max_score,
        serious=item.serious,
        verdict=answer.verdict,
        score=answer.score,
    )


def visit_submit(
    *,
    actor,
    visit: InspectionVisit,
    representative: str,
    inspector_signature: str,
    party_signature: str,
    summary: str = "",
) -> InspectionVisit:
    """提交: checks completeness, scores, and turns every failed item into a rectification
    requirement on one loop matter with the campaign's deadline. A re-inspection instead
    verifies the requirements it carried and answers the matter when none is left open."""
    _require_inspector(actor, visit)
    if visit.status == VisitStatus.SUBMITTED:
        return visit  # a phone resending its submission
    problems = visit_missing(visit)
    if not representative.strip():
        problems.append(_("请填写被检查单位在场负责人姓名。"))
    for label, signature in (
        (_("检查人员"), inspector_signature),
        (_("被检查单位"), party_signature),
    ):
        if not signature.startswith("data:image/png;base64,") or len(signature) < 200:
            problems.append(_("请%(who)s在屏幕上签名。") % {"who": label})
    if problems:
        raise InspectionRefused(" ".join(problems))
    items = visit_items(visit)
    pairs = _item_answers(visit, items)
    outcome = score_visit([_to_scoring(i, a) for i, a in pairs], visit.template.pass_score)
    now = clock.now()
    with transaction.atomic():
        locked = InspectionVisit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == VisitStatus.SUBMITTED:
            return locked
        locked.status = VisitStatus.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.score = outcome.score
        locked.result = outcome.result
        locked.summary = summary
        locked.representative = representative.strip()
        locked.inspector_signature = inspector_signature
        locked.party_signature = party_signature
        if locked.parent_id is None:  # 一公开 concerns the inspection; a follow-up updates it
            locked.publish_due = add_working_days(
                timezone.localtime(now).date(), PUBLISH_WITHIN_WORKING_DAYS
            )
        save_versioned(
            locked,
            expected_version=locked.version,
            fields=[
                "status",
                "submitted_at",
                "submitted_by",
                "score",
                "result",
                "summary",
                "representative",
                "inspector_signature",
                "party_signature",
                "publish_due",
            ],
        )
        if locked.parent_id:
            _close_reinspection(actor, locked, pairs)
        else:
            _open_rectifications(actor, locked, pairs)
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=locked,
            after={"status": locked.status, "result": locked.result, "score": str(locked.score)},
        )
    return locked


def _open_rectifications(actor, visit: InspectionVisit, pairs) -> None:
    failed = [(item, answer) for item, answer in pairs if item_failed(_to_scoring(item, answer))]
    if not failed:
        return
    deadline = add_working_days(
        timezone.localtime(visit.submitted_at).date(), visit.campaign.rectification_days
    )
    rows = [
        Rectification.objects.create(
            visit=visit,
            item=item,
            finding=answer.note,
            requirement=item.requirement or _("按照%(t)s的要求整改到位。") % {"t": item.text},
            deadline=deadline,
        )
        for item, answer in failed
    ]
    party = visit.party
    lines = [f"{n}. {r.item.text}：{r.finding}（{r.requirement}）" for n, r in enumerate(rows, 1)]
    matter = loop.matter_open_for_unit(
        actor=actor,
        title=_("整改：%(p)s（%(c)s）") % {"p": party, "c": visit.campaign.name},
        description="\n".join(
            [_("现场检查发现以下问题，责令于 %(d)s 前整改：") % {"d": deadline}, *lines]
        ),
        channel=Channel.INSPECTION,
        deadline=deadline,
        division=party.division,
        address=party.address,
    )
    InspectionVisit.objects.filter(pk=visit.pk).update(matter=matter)
    visit.matter = matter


def _close_reinspection(actor, visit: InspectionVisit, pairs) -> None:
    parent = visit.parent
    assert parent is not None
    rectifications = {
        r.item_id: r
        for r in parent.rectifications.exclude(status__in=RECTIFICATION_DONE).select_for_update()
    }
    still_failing = []
    for item, answer in pairs:
        rectification = rectifications.get(item.pk)
        if rectification is None:
            continue
        if item_failed(_to_scoring(item, answer)):
            rectification.failed_reinspections += 1
            rectification.status = RectificationStatus.OPEN
            rectification.save(update_fields=["failed_reinspections", "status"])
            still_failing.append(item.text)
        else:
            rectification.status = RectificationStatus.VERIFIED
            rectification.verified_by_visit = visit
            rectification.save(update_fields=["status", "verified_by_visit"])
    matter = parent.matter
    if matter is None:
        return
    matter = Matter.objects.get(pk=matter.pk)
    open_left = parent.rectifications.exclude(status__in=RECTIFICATION_DONE).exists()
    if not open_left and matter.status in (
        MatterStatus.SIGNED,
        MatterStatus.IN_PROGRESS,
        MatterStatus.REOPENED,
    ):
        loop.matter_answer(
            matter=matter,
            actor=actor,
            text=_("复查合格，整改到位（复查记录 %(n)s）。") % {"n": visit.pk},
        )
    elif still_failing:
        loop.matter_add_progress(
            matter=matter,
            actor=actor,
            text=_("复查仍不符合：%(items)s。") % {"items": "、".join(still_failing)},
        )


def reinspection_start(*, actor, visit: InspectionVisit, partners: Iterable) -> InspectionVisit:
    """复查: a new visit on the same template that asks only the items still open."""
    if visit.parent_id:
        visit = visit.parent  # type: ignore[assignment]
    if visit.status != VisitStatus.SUBMITTED:
        raise InspectionRefused(_("原检查尚未提交。"))
    if not visit.rectifications.exclude(status__in=RECTIFICATION_DONE).exists():
        raise InspectionRefused(_("没有待复查的整改要求。"))
    if visit.reinspections.exclude(status=VisitStatus.SUBMITTED).exists():
        raise InspectionRefused(_("已有一次复查正在进行，请打开该复查记录。"))
    team = [actor, *[p for p in partners if p.pk != actor.pk]]
    _check_team(visit.campaign, visit.party, team)
    with transaction.atomic():
        follow_up = InspectionVisit.objects.create(
            campaign=visit.campaign,
            target=visit.target,
            template=visit.template,
            parent=visit,
            status=VisitStatus.IN_PROGRESS,
            started_at=clock.now(),
            institution=visit.institution,
            site=visit.site,
            enterprise=visit.enterprise,
        )
        follow_up.inspectors.set(team)
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=follow_up, detail={"parent": visit.pk}
        )
    return follow_up


# — The phone's outbox —


def sync_apply(*, actor, visit: InspectionVisit, op_id: str, kind: str, payload: dict, upload=None):
    """Apply one operation a phone queued while offline, exactly once per `op_id`."""
    if not op_id or len(op_id) > 64:
        raise InspectionRefused(_("同步请求缺少操作编号。"))
    _require_inspector(actor, visit)
    if SyncReceipt.objects.filter(visit=visit, op_id=op_id).exists():
        return "duplicate"
    with transaction.atomic():
        if kind == "answer":
            item = ChecklistItem.objects.select_related("section").get(
                pk=int(payload.get("item") or 0), section__template=visit.template
            )
            visit_answer(
                actor=actor,
                visit=visit,
                item=item,
                verdict=payload.get("verdict", ""),
                score=payload.get("score"),
                number=payload.get("number"),
                text=payload.get("text", ""),
                note=payload.get("note", ""),
            )
        elif kind == "photo":
            item_id = payload.get("item")
            photo_item = (
                ChecklistItem.objects.filter(pk=item_id, section__template=visit.template).first()
                if item_id
                else None
            )
            if upload is None:
                raise InspectionRefused(_("照片未随请求上传。"))
            visit_add_photo(
                actor=actor, visit=visit, upload=upload, client_id=op_id, item=photo_item
            )
        elif kind == "submit":
            visit_submit(
                actor=actor,
                visit=visit,
                representative=payload.get("representative", ""),
                inspector_signature=payload.get("inspector_signature", ""),
                party_signature=payload.get("party_signature", ""),
                summary=payload.get("summary", ""),
            )
        else:
            raise InspectionRefused(_("无法识别的同步操作。"))
        SyncReceipt.objects.create(visit=visit, op_id=op_id, kind=kind, received_at=clock.now())
    return "applied"


# — Rectification: the party's evidence and the hand-off to enforcement —

_PARTY_SALT = "longcheng.inspections.party"


def party_token(visit: InspectionVisit) -> str:
    return signing.Signer(salt=_PARTY_SALT).sign(str(visit.pk))


def visit_from_party_token(token: str) -> InspectionVisit | None:
    try:
        pk = signing.Signer(salt=_PARTY_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return InspectionVisit.objects.filter(
        pk=pk, status=VisitStatus.SUBMITTED, parent__isnull=True
    ).first()


def rectification_report(*, rectification: Rectification, note: str, photos=()) -> Rectification:
    """The party reports what it fixed, with photos; the inspector verifies on re-inspection."""
    if rectification.status in RECTIFICATION_DONE:
        raise InspectionRefused(_("该项整改已经完结，无需再报。"))
    if len(note.strip()) < 5:
        raise InspectionRefused(_("请写明整改情况（不少于 5 个字）。"))
    now = clock.now()
    with transaction.atomic():
        rectification.status = RectificationStatus.EVIDENCE
        rectification.evidence_note = note.strip()
        rectification.evidence_at = now
        rectification.save(update_fields=["status", "evidence_note", "evidence_at"])
        matter = rectification.visit.matter
        event = None
        if matter is not None:
            event = loop.matter_add_external_note(
                matter=matter,
                text=_("被检查单位报送整改情况（%(i)s）：%(n)s")
                % {"i": rectification.item.text, "n": note.strip()},
                source=str(rectification.visit.party),
            )
        for upload in photos:
            content, _type, extension = clean_image(upload.read())
            photo = EvidencePhoto(rectification=rectification, uploaded_at=now)
            photo.file.save(f"evidence{extension}", ContentFile(content), save=False)
            photo.save()
            if matter is not None:
                upload.seek(0)
                attachment_add(matter=matter, upload=upload, actor=None, event=event)
    return rectification


def rectification_transfer(*, actor, rectification: Rectification, reason: str) -> Rectification:
    """移送立案: a serious finding goes to enforcement in one step, with its evidence."""
    if rectification.status in RECTIFICATION_DONE:
        raise InspectionRefused(_("该项整改已经完结或已移送。"))
    if not reason.strip():
        raise InspectionRefused(_("请写明移送理由。"))
    _require_inspector_or_manager(actor, rectification.visit)
    visit = rectification.visit
    evidence = hooks.TransferEvidence(
        rectification=rectification,
        party=visit.party,
        finding=rectification.finding,
        legal_basis=rectification.item.legal_basis,
        photos=list(visit.photos.filter(item=rectification.item))
        + list(rectification.evidence_photos.all()),
        reason=reason.strip(),
    )
    with transaction.atomic():
        reference = hooks.transfer_to_enforcement(actor=actor, evidence=evidence)
        rectification.status = RectificationStatus.TRANSFERRED
        rectification.case_reference = reference
        rectification.transferred_at = clock.now()
        rectification.save(update_fields=["status", "case_reference", "transferred_at"])
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=visit,
            detail={"transfer": rectification.pk, "case": reference, "reason": reason},
        )
    return rectification


def _require_inspector_or_manager(actor, visit: InspectionVisit) -> None:
    if not (inspects_visit(actor, visit) or owns_campaign(actor, visit.campaign)):
        raise PermissionRefused(_("只有检查人员或组织单位可以处理整改要求。"))


# — Publication (一公开) —


def visits_publish(*, actor, campaign: Campaign, visits: Iterable[InspectionVisit]) -> int:
    _require_manager(actor, campaign)
    now = clock.now()
    count = 0
    with transaction.atomic():
        for visit in visits:
            if visit.campaign_id != campaign.pk or visit.status != VisitStatus.SUBMITTED:
                continue
            if visit.published_at:
                continue
            InspectionVisit.objects.filter(pk=visit.pk).update(published_at=now)
            count += 1
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=campaign,
            detail={"published": count},
        )
    return count
