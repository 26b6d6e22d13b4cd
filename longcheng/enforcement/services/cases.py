"""A case from lead to closing: filing, investigation, notice, statement, review,
collective discussion, decision, service and closing; the summary procedure; leads
transferred from inspections."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import leads
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop import services as loop
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from longcheng.loop.workflow import Status as MatterStatus

from ..checks import Given
from ..models import Case, CaseDocument, CaseOfficer, Evidence, Finding, LegalProvision
from ..rules import (
    DECISION_DAYS,
    DECISION_EXTENSION_MAX_DAYS,
    HEARING_REQUEST_WORKING_DAYS,
    PRESERVATION_WORKING_DAYS,
    PUBLISH_WORKING_DAYS,
    SERVICE_WORKING_DAYS,
    SUMMARY_FINE_LIMIT,
    SUMMARY_REPORT_WORKING_DAYS,
    CaseRefused,
    act_period_problem,
    fine_in_legal_range,
    hearing_eligible,
    party_kind_allowed,
    payment_due_after,
    service_due,
)
from ..rules import today as _today
from ..selectors import benchmark_for, decision_document
from ..workflow import DocumentKind, Outcome, PartyKind, Signature, StatementReview, Status, Step
from ._steps import (
    REVIEW_FIELDS,
    _advance,
    _escalate,
    _event,
    _move_matter,
    _officer,
    _require_case_officer,
    _void_review,
)
from .documents import document_issue


@service
def case_register_lead(
    *,
    actor,
    source: str,
    facts: str,
    occurred_on: datetime.date,
    enterprise=None,
    person=None,
    site=None,
    provision: LegalProvision | None = None,
    finding: Finding | None = None,
    source_note: str = "",
    continuing: bool = False,
    act_ended_on: datetime.date | None = None,
) -> Case:
    """案源登记: what came in, before anybody decides to file it. A continuing or repeated act
    records the day it ended, or that it is still going on (no end day)."""
    if actor.unit_id is None:
        raise PermissionRefused(_("只有所属单位的执法人员可以登记案源。"))
    if enterprise is None and person is None and site is None:
        raise CaseRefused(_("请确定当事人（单位或个人）或涉案场所。"))
    problem = act_period_problem(occurred_on, continuing, act_ended_on)
    if problem:
        raise CaseRefused(problem)
    # A lead may name only the site; the party is identified before filing.
    party = enterprise or person or site
    case = Case.objects.create(
        unit=actor.unit,
        source=source,
        source_note=source_note,
        finding=finding,
        party_kind=PartyKind.PERSON if person else PartyKind.ORGANISATION,
        enterprise=enterprise,
        person=person,
        site=site,
        party_name=party.name,
        party_address=party.address,
        party_code=getattr(party, "credit_code", "") or getattr(party, "id_number", ""),
        division=(site or party).division,
        provision=provision,
        facts=facts,
        occurred_on=occurred_on,
        continuing=continuing,
        act_ended_on=act_ended_on,
        discovered_on=_today(),
        created_by=actor,
    )
    _event(case, "lead", actor, note=facts[:200])
    audit_record(actor=actor, action=AuditAction.CREATE, target=case)
    return case


@service
def case_file(
    *, actor, case: Case, officers: Iterable, provision: LegalProvision | None = None
) -> Case:
    """立案: a leader approves; two officers with credentials are named; the limitation period
    is checked; the case gets its number and its 90-day decision deadline on the loop."""
    team = list({u.pk: u for u in officers}.values())
    credentials = {u.pk: _officer(u).credential_number for u in team}
    provision = provision or case.provision
    today = _today()

    def mutate(c: Case) -> None:
        c.provision = provision
        c.filed_at = clock.now()
        c.decision_deadline = today + datetime.timedelta(days=DECISION_DAYS)

    case = _advance(
        case,
        Step.FILE,
        actor,
        given=Given(actor=actor, team=tuple(team), provision=provision),
        mutate=mutate,
        fields=["provision", "filed_at", "decision_deadline"],
    )
    for user in team:
        CaseOfficer.objects.create(case=case, user=user, credential_number=credentials[user.pk])
    filing = document_issue(
        actor=actor,
        kind=DocumentKind.FILING,
        case=case,
        content={"officers": [f"{u.full_name}（{credentials[u.pk]}）" for u in team]},
    )
    matter = loop.matter_open_for_unit(
        actor=actor,
        title=_("办案：%(p)s %(v)s") % {"p": case.party_name, "v": provision.violation},  # type: ignore[union-attr]
        description=case.facts,
        channel=Channel.ENFORCEMENT,
        deadline=case.decision_deadline,  # type: ignore[arg-type]
        division=case.division,
        address=case.party_address,
        unit=case.unit,
    )
    Case.objects.filter(pk=case.pk).update(number=filing.number, matter=matter)
    case.number, case.matter = filing.number, matter
    return case


@service
def case_extend_deadline(*, actor, case: Case, until: datetime.date, reason: str) -> Case:
    """Art. 60 allows other periods where laws and rules provide: an extension of the decision
    period is approved by the head, with its reason, and moves the loop's deadline too."""
    if not leads(actor, case.unit):
        raise PermissionRefused(_("延长办案期限须经行政机关负责人批准。"))
    if case.decided_at or case.decision_deadline is None:
        raise CaseRefused(_("只有已立案、尚未作出决定的案件可以延长办案期限。"))
    if _today() > case.decision_deadline:
        raise CaseRefused(
            _("办案期限已于 %(d)s 届满，延长须在届满前批准（《行政处罚法》第六十条）。")
            % {"d": case.decision_deadline}
        )
    if until <= case.decision_deadline:
        raise CaseRefused(_("延长后的期限须晚于原期限 %(d)s。") % {"d": case.decision_deadline})
    longest = case.decision_deadline + datetime.timedelta(days=DECISION_EXTENSION_MAX_DAYS)
    if until > longest:
        raise CaseRefused(
            _("每次延长不超过 %(n)d 日（至 %(d)s）。")
            % {"n": DECISION_EXTENSION_MAX_DAYS, "d": longest}
        )
    if len(reason.strip()) < 4:
        raise CaseRefused(_("请写明延长理由。"))
    before = case.decision_deadline
    expected = case.version
    case.decision_deadline = until
    save_versioned(case, expected_version=expected, fields=["decision_deadline"])
    _event(
        case,
        "extension",
        actor,
        note=reason.strip(),
        data={"from": before.isoformat(), "to": until.isoformat()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=case,
        before={"decision_deadline": before.isoformat()},
        after={"decision_deadline": until.isoformat()},
    )
    _move_matter(case, actor, until, _("批准延长办案期限"))
    return case


@service
def case_decline(*, actor, case: Case, reason: str) -> Case:
    if len(reason.strip()) < 4:
        raise CaseRefused(_("不予立案须写明理由。"))
    return _advance(case, Step.DECLINE, actor, note=reason.strip())


@service
def evidence_record(
    *,
    actor,
    case: Case,
    kind: str,
    description: str,
    officers: Iterable,
    video_ref: str = "",
    upload=None,
    approved_by=None,
    credentials_shown: bool = False,
    position: tuple | None = None,
) -> Evidence:
    """调查取证: two officers of the case at least; 先行登记保存 needs a leader's approval and a
    decision within seven working days (Art. 56). `position` is where the phone was when a
    photo was taken (latitude, longitude, accuracy in metres), when it gave one."""
    _require_case_officer(actor, case)
    if case.status not in (Status.FILED, Status.NOTIFIED, Status.HEARING):
        raise CaseRefused(
            _("案件当前处于“%(s)s”，不能调查取证。") % {"s": case.get_status_display()}
        )
    team = list({u.pk: u for u in [actor, *officers]}.values())
    on_case = set(case.case_officers.values_list("user_id", flat=True))
    if len(team) < 2:
        raise CaseRefused(_("调查取证须由两名以上执法人员进行（《行政处罚法》第四十二条）。"))
    outsiders = [u.full_name for u in team if u.pk not in on_case]
    if outsiders:
        raise CaseRefused(_("%(n)s 不是本案承办人员。") % {"n": "、".join(outsiders)})
    if len(description.strip()) < 5:
        raise CaseRefused(_("请写明证据内容。"))
    for user in team:  # Art. 42: every officer's credential valid on the day of the step
        _officer(user)
    on_site = kind in (
        Evidence.Kind.INSPECTION_RECORD,
        Evidence.Kind.QUESTIONING,
        Evidence.Kind.PRESERVATION,
    )
    if on_site and not credentials_shown:
        raise CaseRefused(
            _(
                "调查或者检查时，执法人员应当主动向当事人或者有关人员出示执法证件"
                "（《行政处罚法》第五十五条）：请确认已出示。"
            )
        )
    preservation = kind == Evidence.Kind.PRESERVATION
    if preservation and (approved_by is None or not leads(approved_by, case.unit)):
        raise CaseRefused(_("先行登记保存证据须经行政机关负责人批准。"))
    evidence = Evidence.objects.create(
        case=case,
        kind=kind,
        description=description.strip(),
        video_ref=video_ref,
        recorded_at=clock.now(),
        approved_by=approved_by if preservation else None,
        credentials_shown=credentials_shown,
        decide_by=add_working_days(_today(), PRESERVATION_WORKING_DAYS) if preservation else None,
    )
    if position is not None and upload is not None:
        evidence.latitude, evidence.longitude, evidence.accuracy = position
        evidence.save(update_fields=["latitude", "longitude", "accuracy"])
    evidence.officers.set(team)
    if upload is not None:
        evidence.file.save(upload.name, upload, save=True)
    _event(case, "evidence", actor, note=f"{evidence.get_kind_display()}：{description[:100]}")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if _void_review(locked):
        save_versioned(locked, expected_version=locked.version, fields=REVIEW_FIELDS)
        _event(
            locked,
            "review_voided",
            actor,
            note=_("审核后又取得新证据，须重新法制审核（第五十八条）"),
        )
    audit_record(actor=actor, action=AuditAction.CREATE, target=evidence)
    if kind in (
        Evidence.Kind.INSPECTION_RECORD,
        Evidence.Kind.QUESTIONING,
        Evidence.Kind.PRESERVATION,
    ):
        document_issue(
            actor=actor,
            kind={
                Evidence.Kind.INSPECTION_RECORD: DocumentKind.INSPECTION_RECORD,
                Evidence.Kind.QUESTIONING: DocumentKind.QUESTIONING,
                Evidence.Kind.PRESERVATION: DocumentKind.PRESERVATION,
            }[Evidence.Kind(kind)],
            case=case,
            content={
                "text": description.strip(),
                "credentials_shown": credentials_shown,
                "officers": [
                    f"{o.user.full_name}（{o.credential_number}）"
                    for o in case.case_officers.filter(user__in=team).select_related("user")
                ],
            },
        )
    return evidence


@service
def preservation_decide(*, actor, evidence: Evidence, decision: str) -> Evidence:
    if evidence.kind != Evidence.Kind.PRESERVATION or evidence.decided_at:
        raise CaseRefused(_("该证据不是待处理的先行登记保存。"))
    _require_case_officer(actor, evidence.case)
    if not decision.strip():
        raise CaseRefused(_("请写明处理决定。"))
    if evidence.decide_by and _today() > evidence.decide_by:
        raise CaseRefused(
            _(
                "先行登记保存的处理决定应于 %(d)s 前作出（《行政处罚法》第五十六条）；"
                "逾期未作出的，应当解除保存、返还物品，请登记返还。"
            )
            % {"d": evidence.decide_by}
        )
    evidence.decided_at = clock.now()
    evidence.decision = decision.strip()
    evidence.save(update_fields=["decided_at", "decision"])
    _event(evidence.case, "preservation_decided", actor, note=decision)
    return evidence


@service
def preservation_release(*, actor, evidence: Evidence, note: str) -> Evidence:
    """Art. 56: the preservation is lifted and the goods returned (on time or after the seven
    working days ran out without a decision); the return is on the record."""
    if evidence.kind != Evidence.Kind.PRESERVATION or evidence.decided_at:
        raise CaseRefused(_("该证据不是待处理的先行登记保存。"))
    _require_case_officer(actor, evidence.case)
    if len(note.strip()) < 4:
        raise CaseRefused(_("请写明返还的物品、时间和接收人。"))
    evidence.decided_at = clock.now()
    evidence.decision = (_("解除先行登记保存并返还：%(n)s") % {"n": note.strip()})[:200]
    evidence.released = True
    evidence.save(update_fields=["decided_at", "decision", "released"])
    _event(evidence.case, "preservation_released", actor, note=note.strip())
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=evidence.case,
        detail={"preservation_released": evidence.pk},
    )
    return evidence


@service
def case_notify(
    *,
    actor,
    case: Case,
    circumstance: str,
    fine: Decimal | None,
    warning: bool = False,
    stop_work: bool = False,
    discretion_reason: str = "",
    major: bool = False,
    complex_case: bool = False,
) -> Case:
    """告知 (Art. 44): the intended penalty with facts, reasons, basis and the party's rights —
    statement and defence, and a hearing where the penalty reaches the thresholds."""
    _require_case_officer(actor, case)
    provision = case.provision
    assert provision is not None
    if fine is None and not warning and not stop_work:
        raise CaseRefused(_("请确定拟作出的行政处罚（罚款、警告或责令停产停业）。"))
    fine_in_legal_range(provision, fine)
    benchmark = benchmark_for(provision, circumstance)
    outside = bool(
        benchmark and fine is not None and not benchmark.fine_min <= fine <= benchmark.fine_max
    )
    if outside and len(discretion_reason.strip()) < 10:
        raise CaseRefused(
            _(
                "罚款 %(f)s 元不在“%(c)s”情节的裁量基准 %(a)s–%(b)s 元内，"
                "须写明理由（不少于 10 个字）。"
            )
            % {
                "f": fine,
                "c": benchmark.get_circumstance_display(),  # type: ignore[union-attr]
                "a": benchmark.fine_min,  # type: ignore[union-attr]
                "b": benchmark.fine_max,  # type: ignore[union-attr]
            }
        )

    today = _today()

    def mutate(c: Case) -> None:
        c.circumstance, c.fine, c.warning, c.stop_work = circumstance, fine, warning, stop_work
        c.discretion_reason = discretion_reason.strip() if outside else ""
        c.major, c.complex_case = major, complex_case
        c.notice_at = clock.now()
        c.statement_due = add_working_days(today, HEARING_REQUEST_WORKING_DAYS)

    case = _advance(
        case,
        Step.NOTIFY,
        actor,
        mutate=mutate,
        fields=[
            "circumstance",
            "fine",
            "warning",
            "stop_work",
            "discretion_reason",
            "major",
            "complex_case",
            "notice_at",
            "statement_due",
        ],
    )
    document_issue(
        actor=actor,
        kind=DocumentKind.NOTICE,
        case=case,
        content={
            "hearing_right": hearing_eligible(case),
            "due": str(case.statement_due),
            # Art. 44: the facts are told with the evidence actually on the case.
            "evidence": [
                f"{e.get_kind_display()}（{timezone.localtime(e.recorded_at):%Y年%m月%d日}）："
                f"{e.description[:80]}"
                for e in case.evidence.all()
            ],
        },
    )
    return case


@service
def case_record_statement(*, actor, case: Case, statement: str = "", waived: bool = False) -> Case:
    """陈述申辩 (Art. 45): the party's own words, or its express waiver, on the record."""
    if not waived and len(statement.strip()) < 2:
        raise CaseRefused(_("请记录当事人的陈述申辩意见，或注明当事人明确放弃。"))

    def mutate(c: Case) -> None:
        c.statement, c.statement_waived, c.statement_at = statement.strip(), waived, clock.now()
        # A new statement is answered by a new 复核 (Art. 45).
        c.statement_review, c.statement_review_result, c.statement_reviewed_at = "", "", None

    return _advance(
        case,
        Step.STATEMENT,
        actor,
        mutate=mutate,
        fields=[
            "statement",
            "statement_waived",
            "statement_at",
            "statement_review",
            "statement_review_result",
            "statement_reviewed_at",
        ],
        note=_("当事人明确放弃陈述申辩") if waived else statement.strip(),
    )


@service
def case_review_statement(
    *, actor, case: Case, result: str, opinion: str, fine: Decimal | None = None
) -> Case:
    """复核 (Art. 45): the organ answers the party's statement and defence on the record before
    it decides. An accepted defence may lower the proposed fine, never raise it (Art. 45 (2):
    no heavier penalty because the party defended itself)."""
    _require_case_officer(actor, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in (Status.NOTIFIED, Status.HEARING):
        raise CaseRefused(_("只有已告知、尚未决定的案件可以复核陈述申辩。"))
    if not locked.statement_at or locked.statement_waived:
        raise CaseRefused(_("当事人尚未提出陈述申辩，无需复核。"))
    if result not in StatementReview.values:
        raise CaseRefused(_("请选择复核结论。"))
    if len(opinion.strip()) < 10:
        raise CaseRefused(
            _("请写明复核意见：当事人提出的事实、理由和证据是否成立（不少于 10 个字）。")
        )
    new_fine = locked.fine if fine is None else fine
    if new_fine is not None and locked.fine is not None and new_fine > locked.fine:
        raise CaseRefused(
            _(
                "行政机关不得因当事人陈述、申辩而给予更重的处罚（《行政处罚法》第四十五条第二款）："
                "复核后的罚款 %(n)s 元高于告知的 %(o)s 元。"
            )
            % {"n": new_fine, "o": locked.fine}
        )
    if result == StatementReview.REJECTED and new_fine != locked.fine:
        raise CaseRefused(_("不予采纳陈述申辩的，维持告知的处罚，不变更罚款。"))
    if new_fine is not None and locked.provision is not None:
        fine_in_legal_range(locked.provision, new_fine)
    lowered = new_fine != locked.fine
    before = locked.fine
    if lowered:
        locked.fine_before_review = locked.fine_before_review or locked.fine
        locked.fine = new_fine
    locked.statement_review = opinion.strip()
    locked.statement_review_result = result
    locked.statement_reviewed_at = clock.now()
    voided = lowered and _void_review(locked)
    save_versioned(
        locked,
        expected_version=locked.version,
        fields=[
            "fine",
            "fine_before_review",
            "statement_review",
            "statement_review_result",
            "statement_reviewed_at",
            *REVIEW_FIELDS,
        ],
    )
    _event(
        locked,
        "statement_reviewed",
        actor,
        note=f"{StatementReview(result).label}：{opinion.strip()}",
        data={"fine_before": str(before), "fine_after": str(locked.fine)},
    )
    if voided:
        _event(
            locked, "review_voided", actor, note=_("复核变更了拟处罚，须重新法制审核（第五十八条）")
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=locked,
        before={"fine": str(before)},
        after={"fine": str(locked.fine), "statement_review_result": result},
    )
    return locked


@service
def case_submit_review(*, actor, case: Case) -> Case:
    return _advance(case, Step.SUBMIT_REVIEW, actor)


@service
def case_review(*, actor, case: Case, passed: bool, opinion: str) -> Case:
    """法制审核 (Art. 58) by a qualified reviewer who did not investigate the case."""

    def mutate(c: Case) -> None:
        c.reviewer, c.reviewed_at, c.review_passed = actor, clock.now(), passed
        c.review_opinion = opinion.strip()

    return _advance(
        case,
        Step.REVIEW,
        actor,
        given=Given(actor=actor, text=opinion),
        mutate=mutate,
        fields=["reviewer", "reviewed_at", "review_passed", "review_opinion"],
        note=opinion.strip(),
        data={"passed": passed},
    )


@service
def case_discuss(*, actor, case: Case, minutes: str) -> Case:
    if len(minutes.strip()) < 10:
        raise CaseRefused(_("请记录集体讨论的参加人员和决定意见。"))

    def mutate(c: Case) -> None:
        c.discussed_at, c.discussion_minutes = clock.now(), minutes.strip()

    return _advance(
        case, Step.DISCUSS, actor, mutate=mutate, fields=["discussed_at", "discussion_minutes"]
    )


@service
def case_decide(
    *,
    actor,
    case: Case,
    outcome: str,
    education: str = "",
    expected_version: int | None = None,
) -> Case:
    """作出决定 (Arts. 57–62); a party not penalised is educated and the education recorded
    (Art. 33 (3)); 首违不罚 only for a first violation, checked against the party's history."""
    if outcome not in Outcome.values:
        raise CaseRefused(_("请选择处理结果。"))
    if outcome == Outcome.PENALTY and case.status == Status.FILED:
        raise CaseRefused(_("未告知拟作出的行政处罚，不得作出决定（第六十二条）。"))
    today = _today()

    def mutate(c: Case) -> None:
        c.outcome = outcome
        c.decided_at = clock.now()
        c.decided_late = bool(c.decision_deadline and today > c.decision_deadline)
        if outcome in (Outcome.MINOR_FIRST, Outcome.MINOR):
            c.education_record = education.strip()
        if outcome == Outcome.PENALTY:
            c.publish_due = add_working_days(today, PUBLISH_WORKING_DAYS)

    case = _advance(
        case,
        Step.DECIDE,
        actor,
        given=Given(actor=actor, outcome=outcome, on=today, text=education),
        mutate=mutate,
        fields=["outcome", "decided_at", "decided_late", "publish_due", "education_record"],
        data={"outcome": outcome},
        expected_version=expected_version,
    )
    decision = document_issue(
        actor=actor,
        kind=DocumentKind.PENALTY_DECISION
        if outcome == Outcome.PENALTY
        else DocumentKind.NO_PENALTY,
        case=case,
    )
    Case.objects.filter(pk=case.pk).update(decision_number=decision.number)
    case.decision_number = decision.number
    _move_matter(case, actor, add_working_days(today, SERVICE_WORKING_DAYS), _("送达期限"))
    return case


# Art. 61 (2): electronic service only with the party's consent and signed confirmation.
ELECTRONIC_SERVICE = "电子送达"


@service
def case_serve(
    *,
    actor,
    case: Case,
    method: str,
    served_on: datetime.date | None = None,
    late_reason: str = "",
    electronic_confirmed: bool = False,
) -> Case:
    """送达 (Art. 61): on the spot, or within seven working days; never dated before the
    decision. Late service states its reason and raises a supervision matter to the unit on the
    loop. The payment period starts from service."""
    if not method.strip():
        raise CaseRefused(_("请写明送达方式（直接送达、留置送达、邮寄送达等）。"))
    if ELECTRONIC_SERVICE in method and not electronic_confirmed:
        raise CaseRefused(
            _(
                "电子送达须当事人同意并签订确认书（《行政处罚法》第六十一条第二款）："
                "请先取得确认书，或改用其他送达方式。"
            )
        )
    served_on = served_on or _today()
    if served_on > _today():
        raise CaseRefused(_("送达日期不能晚于今天。"))
    _officer(actor, served_on)  # Art. 42: service is an officer's step
    decided_on = timezone.localtime(case.decided_at).date() if case.decided_at else None
    if decided_on and served_on < decided_on:
        raise CaseRefused(
            _("送达日期不能早于作出决定的日期 %(d)s（《行政处罚法》第六十一条）。")
            % {"d": decided_on}
        )
    late = bool(decided_on and served_on > service_due(decided_on))
    if late and len(late_reason.strip()) < 4:
        raise CaseRefused(
            _(
                "决定书应于 %(d)s 前送达（《行政处罚法》第六十一条，七个工作日），"
                "迟延送达须写明原因。"
            )
            % {"d": service_due(decided_on)}  # type: ignore[arg-type]
        )

    def mutate(c: Case) -> None:
        c.served_at = clock.now()
        c.service_method = method.strip()
        c.served_late = late
        c.service_late_reason = late_reason.strip() if late else ""
        if c.outcome == Outcome.PENALTY and c.fine:
            c.payment_due = payment_due_after(served_on)

    case = _advance(
        case,
        Step.SERVE,
        actor,
        mutate=mutate,
        fields=["served_at", "service_method", "served_late", "service_late_reason", "payment_due"],
        note=method,
    )
    if late:
        _escalate(
            case,
            "service",
            title=_("迟延送达：%(n)s") % {"n": case.number},
            description=_("行政处罚决定书应于 %(d)s 前送达，实际 %(s)s 送达。原因：%(r)s")
            % {"d": service_due(decided_on), "s": served_on, "r": late_reason.strip()},  # type: ignore[arg-type]
            note=_("迟延送达督办（《行政处罚法》第六十一条）"),
        )
    decision = decision_document(case)
    if decision is not None:
        CaseDocument.objects.filter(pk=decision.pk).update(served_at=case.served_at)
    document_issue(
        actor=actor,
        kind=DocumentKind.SERVICE,
        case=case,
        content={
            "served": decision.number if decision else "",
            "method": method.strip(),
            "on": served_on.isoformat(),
        },
    )
    if case.payment_due:
        _move_matter(case, actor, case.payment_due, _("缴款期限"))
    return case


@service
def case_close(*, actor, case: Case) -> Case:
    """结案: the penalty carried out (paid, or handed to the court), or no penalty served."""
    today = _today()

    def mutate(c: Case) -> None:
        c.closed_at = clock.now()

    case = _advance(
        case,
        Step.CLOSE,
        actor,
        given=Given(actor=actor, on=today),
        mutate=mutate,
        fields=["closed_at"],
    )
    document_issue(actor=actor, kind=DocumentKind.CLOSING, case=case)
    if case.matter_id:
        matter = Matter.objects.get(pk=case.matter_id)
        if matter.status in (
            MatterStatus.SIGNED,
            MatterStatus.IN_PROGRESS,
            MatterStatus.REOPENED,
        ):
            loop.matter_answer(
                matter=matter, actor=actor, text=_("案件已结案（%(n)s）。") % {"n": case.number}
            )
    return case


@service
def case_summary(
    *,
    actor,
    officers: Iterable,
    provision: LegalProvision,
    facts: str,
    place: str,
    party_signature: str,
    enterprise=None,
    person=None,
    site=None,
    fine: Decimal | None = None,
    warning: bool = False,
    statement: str = "",
) -> Case:
    """简易程序 (Arts. 51–52): on the spot, a warning or a fine up to ¥200 (person) / ¥3,000
    (organisation) for the party kinds the provision names. The decision carries the facts,
    basis, penalty, time, place, the officers and their credential numbers, the party's
    signature or its refusal and the remedies, is handed over at once and reported (备案) to
    the organ within its period. A statement is recorded only when the party made one."""
    kind = PartyKind.ORGANISATION if enterprise else PartyKind.PERSON
    if len(place.strip()) < 2:
        raise CaseRefused(_("请写明当场处罚的地点（《行政处罚法》第五十二条）。"))
    if party_signature not in Signature.values:
        raise CaseRefused(
            _(
                "当场处罚决定书应当由执法人员签名或者盖章，当事人拒绝签收的，应当在决定书上注明"
                "（《行政处罚法》第五十二条）：请选择当事人签收情况。"
            )
        )
    if fine is None and not warning:
        raise CaseRefused(_("简易程序只能给予警告或罚款。"))
    problem = party_kind_allowed(provision, kind)
    if problem:
        raise CaseRefused(problem)
    if fine is not None and fine > SUMMARY_FINE_LIMIT[kind]:
        raise CaseRefused(
            _("当场处罚的罚款不能超过 %(m)s 元（《行政处罚法》第五十一条），请按普通程序立案。")
            % {"m": SUMMARY_FINE_LIMIT[kind]}
        )
    fine_in_legal_range(provision, fine) if fine is not None else None
    team = list({u.pk: u for u in [actor, *officers]}.values())
    if len(team) < 2:
        raise CaseRefused(_("执法人员不得少于两人（《行政处罚法》第四十二条）。"))
    credentials = {u.pk: _officer(u).credential_number for u in team}
    today = _today()
    case = case_register_lead(
        actor=actor,
        source=Case.Source.PATROL,
        facts=facts,
        occurred_on=today,
        enterprise=enterprise,
        person=person,
        site=site,
        provision=provision,
    )
    now = clock.now()
    case.summary_procedure = True
    case.status = Status.SERVED if fine else Status.DECIDED
    case.outcome = Outcome.PENALTY
    case.fine, case.warning = fine, warning
    case.filed_at = case.decided_at = case.served_at = now
    case.notice_at = now
    if statement.strip():
        case.statement, case.statement_at = statement.strip(), now
    case.summary_place = place.strip()
    case.summary_signature = party_signature
    case.summary_report_due = add_working_days(today, SUMMARY_REPORT_WORKING_DAYS)
    case.service_method = _("当场交付")
    case.payment_due = payment_due_after(today) if fine else None
    case.publish_due = add_working_days(today, PUBLISH_WORKING_DAYS)
    case.save()
    for user in team:
        CaseOfficer.objects.create(case=case, user=user, credential_number=credentials[user.pk])
    decision = document_issue(
        actor=actor,
        kind=DocumentKind.PENALTY_DECISION,
        case=case,
        content={
            "summary": True,
            "at": timezone.localtime(now).strftime("%Y年%m月%d日%H时%M分"),
            "place": case.summary_place,
            "officers": [f"{u.full_name}（{credentials[u.pk]}）" for u in team],
            "signature": party_signature,
        },
    )
    CaseDocument.objects.filter(pk=decision.pk).update(served_at=now)
    Case.objects.filter(pk=case.pk).update(number=decision.number, decision_number=decision.number)
    case.number = case.decision_number = decision.number
    _event(case, Step.DECIDE, actor, note=_("简易程序当场作出决定并交付"))
    return case


@service
def case_summary_report(*, actor, case: Case, late_reason: str = "") -> Case:
    """备案 (Art. 52): the on-the-spot decision reaches the organ within its period; a late
    report states why and raises a supervision matter to the unit on the loop."""
    if not leads(actor, case.unit):
        raise PermissionRefused(_("当场处罚决定由行政机关负责人接收备案。"))
    if not case.summary_procedure or case.summary_reported_at:
        raise CaseRefused(_("只有尚未备案的当场处罚决定可以备案。"))
    today = _today()
    late = bool(case.summary_report_due and today > case.summary_report_due)
    if late and len(late_reason.strip()) < 4:
        raise CaseRefused(
            _(
                "当场处罚决定应于 %(d)s 前报所属行政机关备案（《行政处罚法》第五十二条），"
                "迟延备案须写明原因。"
            )
            % {"d": case.summary_report_due}
        )
    expected = case.version
    case.summary_reported_at = clock.now()
    case.summary_report_late_reason = late_reason.strip()[:300] if late else ""
    save_versioned(
        case,
        expected_version=expected,
        fields=["summary_reported_at", "summary_report_late_reason"],
    )
    _event(case, "summary_reported", actor, note=case.summary_report_late_reason)
    if late:
        _escalate(
            case,
            "summary_report",
            title=_("迟延备案：%(n)s") % {"n": case.number},
            description=_("当场处罚决定应于 %(d)s 前备案，实际 %(s)s 备案。原因：%(r)s")
            % {"d": case.summary_report_due, "s": today, "r": late_reason.strip()},
            note=_("迟延备案督办（《行政处罚法》第五十二条）"),
        )
    return case


@service
def transfer_from_inspection(*, actor, evidence) -> str:
    """The handler inspections call: a serious finding becomes a case lead with its evidence."""
    from longcheng.parties.models import Enterprise, Institution, Site

    party = evidence.party
    enterprise = person = site = None
    if isinstance(party, Enterprise):
        enterprise = party
    elif isinstance(party, Site):
        site, enterprise = party, party.builder
    elif isinstance(party, Institution):
        enterprise = (
            Enterprise.objects.filter(credit_code=party.credit_code).first()
            if party.credit_code
            else None
        )
        if enterprise is None:
            enterprise = Enterprise.objects.create(
                name=party.name,
                credit_code=party.credit_code,
                owner_unit=actor.unit,
                division=party.division,
                address=party.address,
                created_by=actor,
            )
    provision = LegalProvision.objects.filter(law__in=[evidence.legal_basis.strip("《》")]).first()
    case = case_register_lead(
        actor=actor,
        source=Case.Source.INSPECTION,
        facts=f"{evidence.finding}（{evidence.reason}）",
        occurred_on=_today(),
        enterprise=enterprise,
        person=person,
        site=site,
        provision=provision,
        source_note=_("检查移送：%(b)s") % {"b": evidence.legal_basis},
    )
    for photo in evidence.photos:
        _event(case, "evidence_received", actor, note=photo.file.name)
    return _("案源 %(n)s") % {"n": case.pk}
