"""Visits on site (also when a phone sends them late), their submission and re-inspection."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.positions import photo_position
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop import services as loop
from longcheng.loop.attachments import AttachmentRefused, clean_image
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from longcheng.loop.workflow import Status as MatterStatus
from longcheng.web.inputs import MoneyField, record_id

from ..models import (
    Answer,
    CampaignTarget,
    ChecklistItem,
    DocumentSequence,
    InspectionVisit,
    Rectification,
    SyncReceipt,
    VisitPhoto,
)
from ..rules import (
    CREDENTIALS_BASIS,
    document_number,
    document_prefix,
    document_word,
    parse_seen_time,
    publish_within_working_days,
    seen_time_problem,
    to_scoring,
)
from ..scoring import item_failed, score_visit
from ..selectors import (
    visit_items,
    visit_missing,
)
from ..workflow import (
    RECTIFICATION_DONE,
    CampaignStatus,
    RectificationStatus,
    Verdict,
    VisitStatus,
)
from ._shared import (
    InspectionRefused,
    _check_team,
    _require_inspector,
    _require_open,
)


@service
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
    visit = InspectionVisit.objects.create(
        campaign=campaign,
        target=target,
        template=campaign.template,
        status=VisitStatus.IN_PROGRESS,
        started_at=clock.now(),
        started_by=actor,
        institution=target.institution,
        site=target.site,
        enterprise=target.enterprise,
    )
    visit.inspectors.set(team)
    audit_record(actor=actor, action=AuditAction.CREATE, target=visit)
    return visit


def _decimal(value, label: str, *, max_digits: int, decimal_places: int) -> Decimal | None:
    """A number the phone sent, in its column's digits; anything else is refused by name."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InspectionRefused(_("“%(l)s”须填写数字。") % {"l": label})
    try:
        MoneyField(max_digits=max_digits, decimal_places=decimal_places).clean(number)
    except ValidationError as error:
        raise InspectionRefused(
            _("“%(l)s”填写有误：%(e)s") % {"l": label, "e": " ".join(error.messages)}
        ) from None
    return number


@service
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
    found_at: datetime.datetime | None = None,
) -> Answer:
    """An answer; a problem noted carries 发现时间, when it was seen on site (by default now,
    or the time it was first noted), never in the future nor before the visit began."""
    _require_inspector(actor, visit)
    _require_open(visit)
    if item.section.template_id != visit.template_id:
        raise InspectionRefused(_("检查项不属于本次检查使用的检查表。"))
    now = clock.now()
    if found_at is None and note.strip():
        earlier = Answer.objects.filter(visit=visit, item=item).values_list("found_at", flat=True)
        found_at = next(iter(earlier), None) or now
    if found_at is not None:
        problem = seen_time_problem(found_at, began_at=visit.started_at, now=now)
        if problem:
            raise InspectionRefused(f"“{item.text}”：{problem}")
    if verdict and verdict not in Verdict.values:
        raise InspectionRefused(_("请选择符合、不符合或不适用。"))
    score_value = _decimal(score, item.text, max_digits=5, decimal_places=1)
    if score_value is not None and not 0 <= score_value <= item.max_score:
        raise InspectionRefused(
            _("“%(t)s”的得分须在 0 到 %(m)d 之间。") % {"t": item.text, "m": item.max_score}
        )
    answer, _created = Answer.objects.update_or_create(
        visit=visit,
        item=item,
        defaults={
            "verdict": verdict,
            "score": score_value,
            "number": _decimal(number, item.text, max_digits=12, decimal_places=2),
            "text": text[:500],
            "note": note[:500],
            "found_at": found_at,
            "answered_at": now,
        },
    )
    if visit.status == VisitStatus.PLANNED:
        # A drawn visit begins with its first answer: whoever gives it leads, the other
        # assigned inspector is the partner.
        InspectionVisit.objects.filter(pk=visit.pk).update(
            status=VisitStatus.IN_PROGRESS, started_at=now, started_by=actor
        )
        visit.status, visit.started_at, visit.started_by = VisitStatus.IN_PROGRESS, now, actor
    return answer


@service
def visit_add_photo(
    *,
    actor,
    visit: InspectionVisit,
    upload,
    client_id: str,
    item: ChecklistItem | None = None,
    taken_at: datetime.datetime | None = None,
    position: tuple[Decimal, Decimal, int | None] | None = None,
) -> VisitPhoto:
    """A photo lands once per client id, however often a reconnecting phone resends it. It
    keeps the time and the position the phone took it at (sent later when it was offline);
    a time in the future or before the visit began is replaced by the time it arrived."""
    _require_inspector(actor, visit)
    existing = VisitPhoto.objects.filter(visit=visit, client_id=client_id).first()
    if existing:
        return existing
    _require_open(visit)
    if upload.size > 10 * 1024 * 1024:
        raise AttachmentRefused(_("照片超过 10 MB，请压缩后再上传。"))
    content, _type, extension = clean_image(upload.read())
    now = clock.now()
    if taken_at is None or seen_time_problem(taken_at, began_at=visit.started_at, now=now):
        taken_at = now
    latitude, longitude, accuracy = position or (None, None, None)
    photo = VisitPhoto(
        visit=visit,
        item=item,
        client_id=client_id,
        taken_at=min(taken_at, now),
        latitude=latitude,
        longitude=longitude,
        accuracy=accuracy,
        uploaded_by=actor,
    )
    photo.file.save(f"{client_id[:32]}{extension}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:  # the same photo arrived twice at the same moment
        photo.file.delete(save=False)
        return VisitPhoto.objects.get(visit=visit, client_id=client_id)
    return photo


def _take_document_number(visit: InspectionVisit, year: int) -> str:
    """The next 文号 for the visit's document, taken in the submission's transaction with the
    sequence row locked: a rollback gives the number back, so none is skipped or reused."""
    prefix = visit.campaign.doc_prefix or document_prefix(visit.campaign.unit)
    row, _created = DocumentSequence.objects.select_for_update().get_or_create(
        prefix=prefix, word=document_word(visit), year=year
    )
    row.value += 1
    row.save(update_fields=["value"])
    return document_number(row.prefix, row.word, year, row.value)


def _item_answers(
    visit: InspectionVisit, items: list[ChecklistItem]
) -> list[tuple[ChecklistItem, Answer]]:
    answers = {a.item_id: a for a in visit.answers.all()}
    return [(item, answers[item.pk]) for item in items if item.pk in answers]


@service
def visit_submit(
    *,
    actor,
    visit: InspectionVisit,
    representative: str,
    inspector_signature: str,
    party_signature: str,
    summary: str = "",
    credentials_shown: bool = False,
) -> InspectionVisit:
    """提交: checks completeness, scores, and turns every failed item into a rectification
    requirement on one loop matter with the campaign's deadline. A re-inspection instead
    verifies the requirements it carried and answers the matter when none is left open.
    The inspectors confirm that they showed their credentials (Art. 55 行政处罚法); the
    document's 文号 is taken here, once."""
    _require_inspector(actor, visit)
    if visit.status == VisitStatus.SUBMITTED:
        return visit  # a phone resending its submission
    problems = visit_missing(visit)
    if not credentials_shown:
        problems.append(
            _("依照%(basis)s，检查人员应当主动出示执法证件；请出示后勾选“已出示执法证件”。")
            % {"basis": CREDENTIALS_BASIS}
        )
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
    outcome = score_visit([to_scoring(i, a) for i, a in pairs], visit.template.pass_score)
    now = clock.now()
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
    locked.credentials_shown = credentials_shown
    locked.document_number = _take_document_number(locked, timezone.localtime(now).year)
    if locked.parent_id is None:  # 一公开 concerns the inspection; a follow-up updates it
        locked.publish_due = add_working_days(
            timezone.localtime(now).date(), publish_within_working_days()
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
            "credentials_shown",
            "document_number",
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
        after={
            "status": locked.status,
            "result": locked.result,
            "score": str(locked.score),
            "document_number": locked.document_number,
            "credentials_shown": locked.credentials_shown,
        },
    )
    return locked


def _open_rectifications(actor, visit: InspectionVisit, pairs) -> None:
    failed = [(item, answer) for item, answer in pairs if item_failed(to_scoring(item, answer))]
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
            found_at=answer.found_at,
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
        if item_failed(to_scoring(item, answer)):
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


@service
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
    follow_up = InspectionVisit.objects.create(
        campaign=visit.campaign,
        target=visit.target,
        template=visit.template,
        parent=visit,
        status=VisitStatus.IN_PROGRESS,
        started_at=clock.now(),
        started_by=actor,
        institution=visit.institution,
        site=visit.site,
        enterprise=visit.enterprise,
    )
    follow_up.inspectors.set(team)
    audit_record(
        actor=actor, action=AuditAction.CREATE, target=follow_up, detail={"parent": visit.pk}
    )
    return follow_up


def _text(payload: dict, key: str) -> str:
    """A value of the phone's payload as text (numbers arrive as numbers or as text)."""
    value = payload.get(key)
    return "" if value is None or isinstance(value, dict | list) else str(value)


@service
def sync_apply(*, actor, visit: InspectionVisit, op_id: str, kind: str, payload: dict, upload=None):
    """Apply one operation a phone queued while offline, exactly once per `op_id`."""
    if not op_id or len(op_id) > 64:
        raise InspectionRefused(_("同步请求缺少操作编号。"))
    _require_inspector(actor, visit)
    if SyncReceipt.objects.filter(visit=visit, op_id=op_id).exists():
        return "duplicate"
    items = ChecklistItem.objects.select_related("section").filter(section__template=visit.template)
    item_id = record_id(payload.get("item"))
    if kind == "answer":
        item = items.filter(pk=item_id).first() if item_id else None
        if item is None:
            raise InspectionRefused(_("检查项不存在或不属于本次检查使用的检查表。"))
        found_at = parse_seen_time(payload.get("found_at"))
        if found_at is None and _text(payload, "found_at").strip():
            raise InspectionRefused(_("“%(t)s”的发现时间格式有误，请重新选择。") % {"t": item.text})
        visit_answer(
            actor=actor,
            visit=visit,
            item=item,
            verdict=_text(payload, "verdict"),
            score=_text(payload, "score"),
            number=_text(payload, "number"),
            text=_text(payload, "text"),
            note=_text(payload, "note"),
            found_at=found_at,
        )
    elif kind == "photo":
        photo_item = items.filter(pk=item_id).first() if item_id else None
        if upload is None:
            raise InspectionRefused(_("照片未随请求上传。"))
        visit_add_photo(
            actor=actor,
            visit=visit,
            upload=upload,
            client_id=op_id,
            item=photo_item,
            taken_at=parse_seen_time(payload.get("taken_at")),
            position=photo_position(
                payload.get("latitude"), payload.get("longitude"), payload.get("accuracy")
            )
            if payload.get("latitude") is not None
            else None,
        )
    elif kind == "submit":
        visit_submit(
            actor=actor,
            visit=visit,
            representative=_text(payload, "representative"),
            inspector_signature=_text(payload, "inspector_signature"),
            party_signature=_text(payload, "party_signature"),
            summary=_text(payload, "summary"),
            credentials_shown=payload.get("credentials_shown") is True,
        )
    else:
        raise InspectionRefused(_("无法识别的同步操作。"))
    SyncReceipt.objects.create(visit=visit, op_id=op_id, kind=kind, received_at=clock.now())
    return "applied"
