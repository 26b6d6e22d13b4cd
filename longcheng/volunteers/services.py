"""The only code that writes volunteers: applications from the public form, screening,
interview slots and scores, selection (an exact solve), publicity and objections, rosters and
their repair, check-in and service hours, and team training with its certificates."""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import owns_campaign
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock, notices
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.validators import birth_date_from_id, validate_id_number, validate_mobile
from longcheng.loop import sms

from . import solvers
from .models import (
    Application,
    Assignment,
    Certificate,
    CheckinReview,
    InterviewSlot,
    Objection,
    Override,
    Position,
    PublicityRound,
    RecruitmentCampaign,
    Score,
    SelectionRun,
    Shift,
    TrainingRecord,
    TrainingSession,
    Venue,
)
from .rules import (
    age_problem,
    confirmation_problems,
    is_late_checkin,
    members_changed,
    publicity_last_day,
    publicity_open,
    score_problem,
    service_dates,
    today,
    why_not,
)
from .selectors import current_round, judge_totals, needs_rerun, selected_members
from .workflow import Status

MAX_PREFERENCES = 3
MIN_AVAILABLE_DAYS = 3
# Scores need this many totals from a judge before the judge is calibrated.
MIN_SCORES_TO_CALIBRATE = 5
DISAGREEMENT_POINTS = 20
LATE_AFTER_MINUTES = 10


class VolunteerRefused(LongchengError):
    pass


def _require_manager(actor, campaign: RecruitmentCampaign) -> None:
    if not owns_campaign(actor, campaign):
        raise PermissionRefused(_("只有组织单位的工作人员可以办理。"))


def _locked(campaign: RecruitmentCampaign) -> RecruitmentCampaign:
    """The campaign's row, locked: publications and the confirmation happen one at a time."""
    return RecruitmentCampaign.objects.select_for_update().get(pk=campaign.pk)


def _refuse_if_confirmed(campaign: RecruitmentCampaign, text: str) -> None:
    if campaign.confirmed_at:
        raise VolunteerRefused(
            _("录用名单已于 %(d)s 确认：%(t)s")
            % {"d": timezone.localtime(campaign.confirmed_at).strftime("%Y-%m-%d"), "t": text}
        )


def _notify(application: Application, text: str) -> None:
    transaction.on_commit(lambda: sms.send_sms(application.phone, text))


# — Applying —


@service
def application_submit(
    *,
    campaign: RecruitmentCampaign,
    full_name: str,
    id_number: str,
    phone: str,
    organisation: str,
    languages: list[dict],
    available_dates: list[datetime.date],
    preferences: list[Position],
    consent: bool,
    consent_notice: str = "",
    skills: str = "",
    certificates: str = "",
    experienced: bool = False,
    photo=None,
) -> Application:
    """报名 from the phone form; every problem is named, nothing half-stored."""
    problems = []
    notice = notices.seen("volunteer", consent_notice)
    if not consent:
        problems.append(_("请阅读并同意个人信息处理规则。"))
    elif notice is None:
        problems.append(_("个人信息处理规则已更新，请刷新页面重新阅读后提交。"))
    if today() > campaign.apply_until:
        problems.append(_("报名已于 %(d)s 截止。") % {"d": campaign.apply_until})
    try:
        id_number = validate_id_number(id_number)
    except ValidationError as error:
        problems.extend(error.messages)
    else:
        too_young_or_old = age_problem(birth_date_from_id(id_number), campaign)
        if too_young_or_old:
            problems.append(too_young_or_old)
    try:
        phone = validate_mobile(phone)
    except ValidationError as error:
        problems.extend(error.messages)
    if not full_name.strip():
        problems.append(_("请填写姓名。"))
    if not organisation.strip():
        problems.append(_("请填写学校或工作单位。"))
    dates = set(service_dates(campaign))
    chosen = sorted({d for d in available_dates if d in dates})
    if len(chosen) < MIN_AVAILABLE_DAYS:
        problems.append(
            _("请至少选择 %(n)d 个可服务日期（%(a)s 至 %(b)s）。")
            % {"n": MIN_AVAILABLE_DAYS, "a": campaign.service_from, "b": campaign.service_until}
        )
    positions = [p for p in preferences if p.campaign_id == campaign.pk]
    if not positions or len(positions) > MAX_PREFERENCES or len(set(positions)) != len(positions):
        problems.append(_("请按顺序选择 1 至 %(n)d 个不同的岗位志愿。") % {"n": MAX_PREFERENCES})
    if problems:
        raise VolunteerRefused(" ".join(str(p) for p in problems))
    birth = birth_date_from_id(id_number)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                campaign=campaign,
                code=secrets.token_hex(4).upper(),
                full_name=full_name.strip(),
                id_number=id_number,
                gender="M" if int(id_number[16]) % 2 else "F",
                birth_date=birth,
                phone=phone,
                organisation=organisation.strip(),
                languages=[
                    {"language": x["language"], "level": int(x["level"])}
                    for x in languages
                    if x.get("language")
                ],
                skills=skills.strip(),
                certificates=certificates.strip(),
                available_dates=[d.isoformat() for d in chosen],
                preferences=[p.pk for p in positions],
                experienced=experienced,
                consent_at=clock.now(),
                consent_notice=notice.reference if notice else "",
            )
            if photo is not None:
                application.photo.save(f"{application.code}.jpg", photo, save=True)
            audit_record(
                actor=None, actor_repr="public", action=AuditAction.CREATE, target=application
            )
    except IntegrityError:
        raise VolunteerRefused(
            _("该身份证号码已报名本次活动，请用查询码查看进度，不必重复报名。")
        ) from None
    _notify(
        application,
        _("您已报名%(c)s，查询码 %(k)s。") % {"c": campaign.name, "k": application.code},
    )
    return application


# — Screening —


@service
def screening_auto(*, actor, campaign: RecruitmentCampaign) -> dict:
    """The rules a clerk would apply first: age at the first service day, completeness."""
    _require_manager(actor, campaign)
    counts = {"in": 0, "out": 0}
    for application in campaign.applications.filter(status=Status.SUBMITTED):
        reasons = []
        too_young_or_old = age_problem(application.birth_date, campaign)
        if too_young_or_old:
            reasons.append(too_young_or_old)
        if not application.preferences or not application.available_dates:
            reasons.append(_("报名信息不完整"))
        passed = not reasons
        application.status = Status.SCREENED_IN if passed else Status.SCREENED_OUT
        application.screening_note = "；".join(str(r) for r in reasons) or str(_("符合条件"))
        application.screened_by = actor
        application.save(update_fields=["status", "screening_note", "screened_by", "updated_at"])
        counts["in" if passed else "out"] += 1
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=campaign, detail={"screening": counts}
    )
    return counts


@service
def screening_decide(*, actor, applications, passed: bool, reason: str) -> int:
    """Clerk review, one or many at once, each applicant told by SMS."""
    if not passed and len(reason.strip()) < 2:
        raise VolunteerRefused(_("不通过须写明理由。"))
    count = 0
    for application in applications:
        _require_manager(actor, application.campaign)
        if application.status not in (
            Status.SUBMITTED,
            Status.SCREENED_IN,
            Status.SCREENED_OUT,
        ):
            continue
        application.status = Status.SCREENED_IN if passed else Status.SCREENED_OUT
        application.screening_note = reason.strip() or str(_("符合条件"))
        application.screened_by = actor
        application.save(update_fields=["status", "screening_note", "screened_by", "updated_at"])
        _notify(
            application,
            _("您报名的%(c)s资料审核%(r)s。%(n)s")
            % {
                "c": application.campaign.name,
                "r": _("已通过，请留意面试安排") if passed else _("未通过"),
                "n": "" if passed else reason.strip(),
            },
        )
        count += 1
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="volunteers.application",
        detail={"screened": count, "passed": passed},
    )
    return count


# — Interviews —


@service
def slots_assign(*, actor, campaign: RecruitmentCampaign) -> int:
    """Everyone screened in and without a slot gets the earliest slot with room."""
    _require_manager(actor, campaign)
    slots = list(InterviewSlot.objects.filter(session__campaign=campaign).order_by("starts_at"))
    load = {s.pk: s.applicants.count() for s in slots}
    assigned = 0
    for application in campaign.applications.filter(
        status=Status.SCREENED_IN, slot__isnull=True
    ).order_by("created_at"):
        slot = next((s for s in slots if load[s.pk] < s.capacity), None)
        if slot is None:
            break
        application.slot = slot
        application.save(update_fields=["slot", "updated_at"])
        load[slot.pk] += 1
        assigned += 1
        _notify(
            application,
            _("面试时间：%(t)s，%(r)s。")
            % {
                "t": timezone.localtime(slot.starts_at).strftime("%m月%d日 %H:%M"),
                "r": slot.session.room,
            },
        )
    return assigned


@service
def slot_book(*, application: Application, slot: InterviewSlot) -> Application:
    if application.status != Status.SCREENED_IN:
        raise VolunteerRefused(_("资料审核通过后才能预约面试。"))
    if slot.session.campaign_id != application.campaign_id:
        raise VolunteerRefused(_("该时段不属于本次活动。"))
    locked = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
    if locked.applicants.exclude(pk=application.pk).count() >= locked.capacity:
        raise VolunteerRefused(_("该时段已约满，请选择其他时段。"))
    application.slot = locked
    application.save(update_fields=["slot", "updated_at"])
    return application


@service
def score_record(*, judge, application: Application, values: dict[str, Decimal]) -> list[Score]:
    """A judge's marks on the tablet: every rubric item, 0–100, once per applicant (a second
    submission corrects the first)."""
    if application.slot is None or not application.slot.session.judges.filter(pk=judge.pk).exists():
        raise PermissionRefused(_("您不是该考生所在场次的评委。"))
    if application.campaign.runs.exists():
        raise VolunteerRefused(
            _("录用分配已运行，评分已锁定。确需更正，请招募负责人说明理由后更正并重新分配。")
        )
    return _write_scores(judge=judge, application=application, values=values)


def _write_scores(*, judge, application: Application, values: dict) -> list[Score]:
    rubric = {item["code"]: item for item in application.campaign.rubric}
    missing = [rubric[c]["name"] for c in rubric if values.get(c) in (None, "")]
    if missing:
        raise VolunteerRefused(_("请为以下各项打分：%(m)s。") % {"m": "、".join(missing)})
    rows = []
    for code, item in rubric.items():
        try:
            value = Decimal(str(values[code]))
        except InvalidOperation:
            value = Decimal("NaN")
        problem = score_problem(item["name"], value)
        if problem:
            raise VolunteerRefused(problem)
        score, _created = Score.objects.update_or_create(
            application=application,
            judge=judge,
            criterion=code,
            defaults={"value": value, "scored_at": clock.now()},
        )
        rows.append(score)
    if application.status == Status.SCREENED_IN:
        application.status = Status.INTERVIEWED
        application.save(update_fields=["status", "updated_at"])
    return rows


@service
def score_correct(
    *, actor, application: Application, judge, values: dict, reason: str
) -> list[Score]:
    """After the allocation ran, a judge's marks change only by the campaign owner, with a
    reason, on the audit log; the scores are finalised again and the allocation must re-run
    before the list is published (`needs_rerun`)."""
    _require_manager(actor, application.campaign)
    if len(reason.strip()) < 5:
        raise VolunteerRefused(_("更正评分须说明理由（不少于 5 个字）。"))
    before = {
        s.criterion: str(s.value)
        for s in Score.objects.filter(application=application, judge=judge)
    }
    rows = _write_scores(judge=judge, application=application, values=values)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        before=before,
        after={r.criterion: str(r.value) for r in rows},
        detail={"score_correction": True, "judge": judge.pk, "reason": reason.strip()[:200]},
    )
    scores_finalise(actor=actor, campaign=application.campaign)
    RecruitmentCampaign.objects.filter(pk=application.campaign_id).update(rerun_needed=True)
    return rows


@service
def scores_finalise(*, actor, campaign: RecruitmentCampaign) -> int:
    _require_manager(actor, campaign)
    results = solvers.normalise(
        judge_totals(campaign), min_scores=MIN_SCORES_TO_CALIBRATE, flag_points=DISAGREEMENT_POINTS
    )
    for key, result in results.items():
        Application.objects.filter(pk=int(key)).update(
            score=Decimal(str(result.score)), score_flagged=result.flagged
        )
    return len(results)


# — Selection —


@service
def selection_run(*, actor, campaign: RecruitmentCampaign, reason: str = "") -> solvers.Allocation:
    """The exact allocation of interviewed applicants to positions; outcomes and reasons are
    written back, the waiting list is ranked; earlier manual overrides are kept. After the
    publication it needs a reason, and a changed list is published again at once (a new round);
    after the confirmation it is refused."""
    _require_manager(actor, campaign)
    state = _locked(campaign)
    _refuse_if_confirmed(state, _("不能重新计算录用。"))
    if state.published_at and len(reason.strip()) < 4:
        raise VolunteerRefused(
            _("名单已公示：重新计算录用须写明理由（名单如有变更，将作为新一轮重新公示）。")
        )
    positions = {str(p.pk): p for p in campaign.positions.all()}
    overridden = set(
        Override.objects.filter(application__campaign=campaign).values_list(
            "application_id", flat=True
        )
    )
    pool = list(
        campaign.applications.filter(
            status__in=[
                Status.INTERVIEWED,
                Status.SELECTED,
                Status.WAITLISTED,
                Status.NOT_SELECTED,
            ],
            score__isnull=False,
        ).exclude(pk__in=overridden)
    )
    fixed = _overridden_places(overridden)
    capacities = {key: max(0, p.required - fixed.get(p.pk, 0)) for key, p in positions.items()}
    certified = set(Certificate.objects.values_list("id_number", "kind"))
    by_key = {str(a.pk): a for a in pool}

    def unmet(candidate: str, position: str) -> str | None:
        return why_not(by_key[candidate], positions[position], certified)

    candidates = [
        solvers.Candidate(str(a.pk), float(a.score or 0), tuple(str(p) for p in a.preferences))
        for a in pool
    ]
    limit = max(0, campaign.places - sum(fixed.values()))
    result = solvers.allocate(candidates, capacities, unmet, limit=limit)
    names = {key: p.name for key, p in positions.items()}
    waiting_rank = {key: i for i, key in enumerate(result.waiting, 1)}
    for application in pool:
        key = str(application.pk)
        if key in result.placed:
            application.status = Status.SELECTED
            application.position = positions[result.placed[key]]
            application.outcome_note = str(_("按成绩和岗位志愿录用"))
            application.wait_rank = None
        else:
            application.position = None
            application.status = Status.WAITLISTED if key in waiting_rank else Status.NOT_SELECTED
            application.wait_rank = waiting_rank.get(key)
            text = result.reasons.get(key, "")
            for pkey, name in names.items():
                text = text.replace(f"{pkey}：", f"{name}：")
            application.outcome_note = text[:300]
        application.save(
            update_fields=["status", "position", "outcome_note", "wait_rank", "updated_at"]
        )
    SelectionRun.objects.create(
        campaign=campaign,
        ran_at=clock.now(),
        ran_by=actor,
        status=result.status,
        objective=result.objective,
        placed=len(result.placed),
        seconds=result.seconds,
    )
    RecruitmentCampaign.objects.filter(pk=campaign.pk).update(rerun_needed=False)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=campaign,
        detail={"selection": result.status, "placed": len(result.placed)},
    )
    _republish_if_changed(actor=actor, campaign=campaign, reason=reason)
    return result


def _overridden_places(overridden) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for position_id in Application.objects.filter(
        pk__in=overridden, position__isnull=False
    ).values_list("position_id", flat=True):
        counts[position_id] += 1
    return counts


@service
def selection_override(
    *, actor, application: Application, position: Position | None, reason: str
) -> Application:
    _require_manager(actor, application.campaign)
    state = _locked(application.campaign)
    _refuse_if_confirmed(state, _("不能再人工调整；志愿者退出请办理退出，缺员由候补名单依次递补。"))
    if len(reason.strip()) < 4:
        raise VolunteerRefused(_("人工调整须写明理由。"))
    if position is not None and position.campaign_id != application.campaign_id:
        raise VolunteerRefused(_("岗位不属于本次活动。"))
    Override.objects.create(
        application=application,
        position=position,
        reason=reason.strip(),
        by=actor,
        at=clock.now(),
    )
    application.position = position
    application.status = Status.SELECTED if position else Status.NOT_SELECTED
    application.outcome_note = _("人工调整：%(r)s") % {"r": reason.strip()}
    application.save(update_fields=["position", "status", "outcome_note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.OVERRIDE,
        target=application,
        detail={"position": position.pk if position else None, "reason": reason},
    )
    _republish_if_changed(actor=actor, campaign=application.campaign, reason=reason)
    return application


# — Publicity —
#
# Each publication of the selected list is a PublicityRound with its own period of
# `campaign.publicity_days` working days (core.calendar, 调休 included), counted from the day
# after publication and ending at the end of its last working day. Until the confirmation, a
# change of the list after the first publication (a re-run, an override, a withdrawal) is
# published again by the service that makes it: the change *is* the next round, with its
# reason, so the list can never differ from the one on the public page.


def _publish_round(*, actor, campaign: RecruitmentCampaign, reason: str) -> PublicityRound:
    previous = current_round(campaign)
    members = selected_members(campaign)
    added, removed = members_changed(previous.members if previous else [], members)
    now, day = clock.now(), today()
    publicity = PublicityRound.objects.create(
        campaign=campaign,
        number=previous.number + 1 if previous else 1,
        published_at=now,
        published_by=actor,
        working_days=campaign.publicity_days,
        until=publicity_last_day(day, campaign.publicity_days),
        members=members,
        added=added,
        removed=removed,
        reason=reason.strip()[:300],
    )
    if not campaign.published_at:
        campaign.published_at = now
        RecruitmentCampaign.objects.filter(pk=campaign.pk).update(published_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=campaign,
        detail={
            "publicity_round": publicity.number,
            "until": publicity.until.isoformat(),
            "added": len(added),
            "removed": len(removed),
            "reason": publicity.reason[:200],
        },
    )
    return publicity


def _republish_if_changed(
    *, actor, campaign: RecruitmentCampaign, reason: str
) -> PublicityRound | None:
    """After the publication and before the confirmation, a changed list is the next round."""
    state = RecruitmentCampaign.objects.get(pk=campaign.pk)
    previous = current_round(state)
    if previous is None or state.confirmed_at:
        return None
    added, removed = members_changed(previous.members, selected_members(state))
    if not added and not removed:
        return None
    if len(reason.strip()) < 4:
        raise VolunteerRefused(_("公示后变更名单须写明理由，变更将作为新一轮重新公示。"))
    return _publish_round(actor=actor, campaign=state, reason=reason)


@service
def publicity_publish(*, actor, campaign: RecruitmentCampaign) -> RecruitmentCampaign:
    """The first publication of the selected list (round 1)."""
    _require_manager(actor, campaign)
    state = _locked(campaign)
    previous = current_round(state)
    if previous is not None:
        raise VolunteerRefused(
            _("名单已于第 %(n)d 轮公示；此后名单的每次变更都会自动作为新一轮重新公示。")
            % {"n": previous.number}
        )
    if not state.applications.filter(status=Status.SELECTED).exists():
        raise VolunteerRefused(_("尚无拟录用名单，不能公示。"))
    if needs_rerun(state):
        raise VolunteerRefused(_("分配运行后评分有更正，请重新运行录用分配后再公示。"))
    _publish_round(actor=actor, campaign=state, reason="")
    campaign.published_at = state.published_at
    return campaign


@service
def objection_submit(*, campaign: RecruitmentCampaign, text: str, contact: str = "") -> Objection:
    """An objection to the current round, until the end of its last working day."""
    publicity = current_round(campaign)
    if publicity is None:
        raise VolunteerRefused(_("名单尚未公示。"))
    if not publicity_open(publicity.until, today()):
        raise VolunteerRefused(_("公示期已于 %(d)s 结束。") % {"d": publicity.until})
    if len(text.strip()) < 5:
        raise VolunteerRefused(_("请写明异议内容（不少于 5 个字）。"))
    return Objection.objects.create(
        campaign=campaign,
        round=publicity,
        text=text.strip(),
        contact=contact.strip(),
        submitted_at=clock.now(),
    )


@service
def objection_handle(*, actor, objection: Objection, handling: str) -> Objection:
    """The recorded answer to an objection: what, who, when; given once."""
    _require_manager(actor, objection.campaign)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.handled_at:
        raise VolunteerRefused(
            _("该异议已于 %(d)s 答复，答复不能更改。")
            % {"d": timezone.localtime(locked.handled_at).strftime("%Y-%m-%d %H:%M")}
        )
    if len(handling.strip()) < 4:
        raise VolunteerRefused(_("请写明处理结果。"))
    objection.handled_at, objection.handling, objection.handled_by = (
        clock.now(),
        handling.strip(),
        actor,
    )
    objection.save(update_fields=["handled_at", "handling", "handled_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=objection.campaign,
        detail={"objection_answered": objection.pk, "round": objection.round.number},
    )
    return objection


@service
def selection_confirm(*, actor, campaign: RecruitmentCampaign) -> RecruitmentCampaign:
    """确认录用: once the current round's period is over and every objection has its answer;
    the selected are told by SMS, and the roster may be made."""
    _require_manager(actor, campaign)
    state = _locked(campaign)
    publicity = current_round(state)
    problems = confirmation_problems(
        until=publicity.until if publicity else None,
        day=today(),
        unanswered=Objection.objects.filter(campaign=state, handled_at__isnull=True).count(),
        rerun_needed=state.rerun_needed,
        confirmed=bool(state.confirmed_at),
    )
    if problems:
        raise VolunteerRefused(" ".join(str(p) for p in problems))
    now = clock.now()
    RecruitmentCampaign.objects.filter(pk=state.pk).update(
        confirmed_at=now, confirmed_by=actor, updated_at=now
    )
    campaign.confirmed_at, campaign.confirmed_by = now, actor
    selected = state.applications.filter(status=Status.SELECTED).select_related("position")
    for application in selected:
        _notify(
            application,
            _("您已被正式录用为%(c)s志愿者（%(p)s），请留意排班通知。")
            % {"c": state.name, "p": application.position.name if application.position else ""},
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=state,
        detail={"confirmed": True, "round": publicity.number if publicity else None},
    )
    return campaign


# — Rosters —


@service
def shifts_generate(*, actor, campaign: RecruitmentCampaign) -> int:
    _require_manager(actor, campaign)
    tz = timezone.get_current_timezone()
    created = 0
    for position in campaign.positions.all():
        for day in service_dates(campaign):
            for start, end in position.shift_pattern:
                starts = datetime.datetime.combine(
                    day, datetime.time.fromisoformat(start), tzinfo=tz
                )
                ends = datetime.datetime.combine(day, datetime.time.fromisoformat(end), tzinfo=tz)
                _shift, made = Shift.objects.get_or_create(
                    position=position,
                    starts_at=starts,
                    defaults={"ends_at": ends, "demand": position.shift_demand},
                )
                created += int(made)
    return created


def _roster_inputs(campaign: RecruitmentCampaign, exclude: set[int] = frozenset()):  # type: ignore[assignment]
    people = [
        solvers.Person(
            str(a.pk),
            str(a.position_id),
            frozenset(datetime.date.fromisoformat(d) for d in a.available_dates),
            a.experienced,
        )
        for a in campaign.applications.filter(status=Status.SELECTED, position__isnull=False)
        if a.pk not in exclude
    ]
    shifts = [
        solvers.ShiftSlot(
            str(s.pk),
            str(s.position_id),
            timezone.localtime(s.starts_at).replace(tzinfo=None),
            timezone.localtime(s.ends_at).replace(tzinfo=None),
            s.demand,
        )
        for s in Shift.objects.filter(position__campaign=campaign)
    ]
    return people, shifts


def _store(campaign: RecruitmentCampaign, assignments: set[tuple[str, str]]) -> None:
    current = {
        (str(a.application_id), str(a.shift_id)): a
        for a in Assignment.objects.filter(
            shift__position__campaign=campaign, dropped=False, checked_in_at__isnull=True
        )
    }
    for key, assignment in current.items():
        if key not in assignments:
            assignment.delete()
    for person, shift in assignments:
        if (person, shift) not in current:
            Assignment.objects.get_or_create(shift_id=int(shift), application_id=int(person))


@service
def roster_solve(*, actor, campaign: RecruitmentCampaign, seconds: float = 10.0) -> solvers.Roster:
    _require_manager(actor, campaign)
    if not _locked(campaign).confirmed_at:
        raise VolunteerRefused(
            _("录用名单确认后才能排班（公示期满且每条异议均已答复后确认录用）。")
        )
    people, shifts = _roster_inputs(campaign)
    result = solvers.roster(people, shifts, seconds=seconds)
    if not result.assignments:
        raise VolunteerRefused(
            _("排班未找到可行方案（%(s)s），请检查人数和可服务日期。") % {"s": result.status}
        )
    _store(campaign, result.assignments)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=campaign,
        detail={"roster": result.status, "shortage": result.shortage},
    )
    return result


@service
def volunteer_drop(
    *, actor, application: Application, reason: str, seconds: float = 10.0
) -> solvers.Roster:
    """A volunteer leaves: their future shifts are re-covered changing as few others as
    possible; the waiting list fills what the others cannot."""
    campaign = application.campaign
    _require_manager(actor, campaign)
    if len(reason.strip()) < 2:
        raise VolunteerRefused(_("请写明退出原因。"))
    previous = {
        (str(a.application_id), str(a.shift_id))
        for a in Assignment.objects.filter(shift__position__campaign=campaign, dropped=False)
    }
    people, shifts = _roster_inputs(campaign)
    result = solvers.repair(people, shifts, previous, {str(application.pk)}, seconds=seconds)
    Assignment.objects.filter(application=application, checked_in_at__isnull=True).update(
        dropped=True
    )
    application.status = Status.WITHDRAWN
    application.outcome_note = _("本人退出：%(r)s") % {"r": reason.strip()}
    application.save(update_fields=["status", "outcome_note", "updated_at"])
    _store(campaign, result.assignments)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        detail={"dropped": reason, "repair": result.status},
    )
    _republish_if_changed(
        actor=actor, campaign=campaign, reason=_("本人退出：%(r)s") % {"r": reason.strip()}
    )
    return result


@service
def replacement_call(*, actor, shift: Shift) -> Assignment | None:
    """The best-ranked waiting applicant who meets the position and is free that day."""
    campaign = shift.position.campaign
    _require_manager(actor, campaign)
    if not _locked(campaign).confirmed_at:
        raise VolunteerRefused(
            _("录用名单确认后才能由候补递补；确认前调整名单请人工调整并说明理由（将重新公示）。")
        )
    day = timezone.localtime(shift.starts_at).date().isoformat()
    certified = set(Certificate.objects.values_list("id_number", "kind"))
    for application in campaign.applications.filter(status=Status.WAITLISTED).order_by("wait_rank"):
        if day not in application.available_dates or why_not(
            application, shift.position, certified
        ):
            continue
        application.status = Status.SELECTED
        application.position = shift.position
        application.outcome_note = str(_("候补递补"))
        application.save(update_fields=["status", "position", "outcome_note", "updated_at"])
        assignment = Assignment.objects.create(
            shift=shift, application=application, replacement=True
        )
        _notify(
            application,
            _("您已递补为%(p)s志愿者，请于 %(t)s 到岗。")
            % {
                "p": shift.position.name,
                "t": timezone.localtime(shift.starts_at).strftime("%m月%d日 %H:%M"),
            },
        )
        return assignment
    return None


# — On the day —


@service
def attendance_scan(*, venue: Venue, code: str) -> Assignment:
    """The volunteer's code at the venue (either side may scan): the first scan checks in to
    the shift on now, the second checks out. A first scan after the shift has ended is kept
    but not counted: it waits for a staff member's review (`late_checkin_review`)."""
    now = clock.now()
    application = Application.objects.filter(code=code.strip().upper()).first()
    if application is None:
        raise VolunteerRefused(_("查询码不存在。"))
    window_start = now + datetime.timedelta(hours=1)
    in_window = list(
        Assignment.objects.select_for_update()
        .filter(
            application=application,
            dropped=False,
            shift__position__venue=venue,
            shift__starts_at__lte=window_start,
            shift__ends_at__gte=now - datetime.timedelta(hours=1),
        )
        .select_related("shift", "application")
        .order_by("shift__starts_at")
    )
    if not in_window:
        raise VolunteerRefused(
            _("%(n)s 此时在%(v)s没有班次。") % {"n": application.masked_name, "v": venue.name}
        )
    # Back-to-back shifts: the first one not yet checked out is the one this scan is for.
    assignment = next((a for a in in_window if a.checked_out_at is None), None)
    if assignment is None:
        done = in_window[-1]
        raise VolunteerRefused(
            _("%(n)s 已于 %(t)s 签退，此时没有其他班次。")
            % {
                "n": application.masked_name,
                "t": timezone.localtime(done.checked_out_at).strftime("%H:%M"),
            }
        )
    if assignment.checked_in_at is None:
        assignment.checked_in_at = now
        if is_late_checkin(assignment.shift.ends_at, now):
            assignment.late = True
            assignment.review = CheckinReview.PENDING
            assignment.save(update_fields=["checked_in_at", "late", "review"])
            audit_record(
                actor=None,
                actor_repr="public",
                action=AuditAction.UPDATE,
                target=assignment,
                detail={"late_checkin": True, "venue": venue.pk},
            )
            return assignment
        assignment.late = now > assignment.shift.starts_at + datetime.timedelta(
            minutes=LATE_AFTER_MINUTES
        )
        assignment.no_show = False
        assignment.save(update_fields=["checked_in_at", "late", "no_show"])
    elif assignment.review == CheckinReview.PENDING:
        raise VolunteerRefused(
            _("%(n)s 已于 %(t)s 签到（班次结束后），正等待工作人员审核，无需签退。")
            % {
                "n": application.masked_name,
                "t": timezone.localtime(assignment.checked_in_at).strftime("%H:%M"),
            }
        )
    elif assignment.checked_out_at is None:
        assignment.checked_out_at = now
        assignment.save(update_fields=["checked_out_at"])
    return assignment


@service
def late_checkin_review(
    *, actor, assignment: Assignment, accepted: bool, reason: str
) -> Assignment:
    """A staff member's decision on a check-in made after its shift had ended: accepted, the
    whole shift counts (rules.credited_hours); refused, nothing counts. Once, with a reason,
    on the audit log; the volunteer is told by SMS."""
    campaign = assignment.shift.position.campaign
    _require_manager(actor, campaign)
    if len(reason.strip()) < 2:
        raise VolunteerRefused(_("请写明审核理由（如：经现场负责人核实，已按时到岗）。"))
    locked = (
        Assignment.objects.select_for_update()
        .select_related("shift__position", "application")
        .get(pk=assignment.pk)
    )
    if locked.review != CheckinReview.PENDING:
        raise VolunteerRefused(
            _("该签到已于 %(d)s 审核（%(r)s），不能重复审核。")
            % {
                "d": timezone.localtime(locked.reviewed_at).strftime("%Y-%m-%d %H:%M")
                if locked.reviewed_at
                else "—",
                "r": locked.get_review_display(),
            }
        )
    before = {"review": locked.review, "no_show": locked.no_show}
    locked.review = CheckinReview.ACCEPTED if accepted else CheckinReview.REFUSED
    locked.review_reason = reason.strip()[:200]
    locked.reviewed_at = clock.now()
    locked.reviewed_by = actor
    if accepted:
        locked.no_show = False
    locked.save(update_fields=["review", "review_reason", "reviewed_at", "reviewed_by", "no_show"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=locked,
        before=before,
        after={"review": locked.review, "no_show": locked.no_show},
        detail={"late_checkin_review": locked.review, "reason": locked.review_reason},
    )
    shift = locked.shift
    _notify(
        locked.application,
        _("您%(d)s %(p)s班次的迟到签到%(r)s。%(n)s")
        % {
            "d": timezone.localtime(shift.starts_at).strftime("%m月%d日"),
            "p": shift.position.name,
            "r": _("已认可，按整个班次计入服务时长") if accepted else _("未予认可，不计服务时长"),
            "n": "" if accepted else locked.review_reason,
        },
    )
    assignment.refresh_from_db()
    return assignment


@service
def no_shows_mark(*, campaign: RecruitmentCampaign) -> int:
    """After a shift has ended, whoever never checked in is recorded absent."""
    cutoff = clock.now() - datetime.timedelta(minutes=30)
    return Assignment.objects.filter(
        shift__position__campaign=campaign,
        shift__starts_at__lte=cutoff,
        checked_in_at__isnull=True,
        dropped=False,
        no_show=False,
    ).update(no_show=True)


# — Teams —


@service
def training_record(
    *, actor, session: TrainingSession, member, attended: bool, passed: bool | None
) -> TrainingRecord:
    unit = getattr(actor, "unit", None)
    if unit is None or unit.pk != session.team.unit_id:
        raise PermissionRefused(_("只有队伍所属单位可以记录培训。"))
    if member.team_id != session.team_id:
        raise VolunteerRefused(_("该队员不属于本队。"))
    if passed and not attended:
        raise VolunteerRefused(_("未出勤不能考核合格。"))
    record, _created = TrainingRecord.objects.update_or_create(
        session=session, member=member, defaults={"attended": attended, "passed": passed}
    )
    if passed and session.certificate:
        Certificate.objects.get_or_create(
            id_number=member.id_number,
            kind=session.certificate,
            defaults={"issued_on": session.held_on, "training": session},
        )
    return record
