"""What every step of a case shares: the officer's credential, the event record, the
matter on the loop, and `_advance`, which checks the step table in `workflow.py` and runs the
step's named legal checks (`checks.STEP_CHECKS`), records who and when, and writes the audit
record."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_for, leads
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import PermissionRefused
from longcheng.core.versioning import save_versioned
from longcheng.loop import services as loop
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from longcheng.loop.workflow import Status as MatterStatus

from ..checks import STEP_CHECKS, Given
from ..models import Case, CaseEvent, Officer
from ..rules import CaseRefused
from ..rules import today as _today
from ..workflow import STEPS, Step


def _reviews_for(actor, case: Case) -> bool:
    """The legal reviewer sits with the body, above the brigade that handles the case."""
    unit = getattr(actor, "unit", None)
    return bool(
        unit is not None
        and case.unit.path.startswith(unit.path)
        and Officer.objects.filter(user=actor, legal_reviewer=True).exists()
    )


def _officer(user, on: datetime.date | None = None) -> Officer:
    """Arts. 42, 55: the officer's credential is valid on the day of the step (`on`, today by
    default) — at filing, at each evidence step, at service."""
    officer = Officer.objects.filter(user=user).first()
    if officer is None or officer.valid_until < (on or _today()):
        raise CaseRefused(
            _(
                "%(n)s 在 %(d)s 没有有效的行政执法证件，"
                "不能从事执法活动（《行政处罚法》第四十二条）。"
            )
            % {"n": user.full_name or user.username, "d": on or _today()}
        )
    return officer


def _event(case: Case, step: str, actor, *, note: str = "", data=None, before: str = "") -> None:
    CaseEvent.objects.create(
        case=case,
        step=step,
        at=clock.now(),
        actor=actor,
        from_status=before,
        to_status=case.status,
        note=note,
        data=data or {},
    )


def _advance(
    case: Case,
    step: Step,
    actor,
    *,
    given: Given | None = None,
    mutate: Callable[[Case], None] | None = None,
    fields: Iterable[str] = (),
    note: str = "",
    data: dict | None = None,
    expected_version: int | None = None,
) -> Case:
    from_states, to_state, leader_only = STEPS[step]
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise CaseRefused(_("案件已被他人处理，请刷新后再操作。"))
    # The reviewer (Art. 58) and the hearing's chair (Art. 64) may come from another unit of
    # the body: each acts only on its own step.
    if not (
        acts_for(actor, locked.unit)
        or (step == Step.REVIEW and _reviews_for(actor, locked))
        or (step == Step.HOLD_HEARING and locked.hearing_chair_id == getattr(actor, "pk", None))
    ):
        raise PermissionRefused(_("只有办案单位的人员可以办理本案。"))
    if leader_only and not leads(actor, locked.unit):
        raise PermissionRefused(_("“%(s)s”须由行政机关负责人批准。") % {"s": step.label})
    if locked.status not in from_states:
        raise CaseRefused(
            _("案件当前处于“%(now)s”，不能进行“%(s)s”。")
            % {"now": locked.get_status_display(), "s": step.label}
        )
    given = given or Given(actor=actor)
    problems = [p for p in (check(locked, given) for check in STEP_CHECKS.get(step, ())) if p]
    if problems:
        raise CaseRefused(" ".join(problems))
    before = locked.status
    if mutate is not None:
        mutate(locked)
    if to_state is not None:
        locked.status = to_state
    save_versioned(locked, expected_version=locked.version, fields=["status", *fields])
    _event(locked, step, actor, note=note, data=data, before=before)
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=locked,
        before={"status": before},
        after={"status": locked.status},
        detail={"step": str(step), **(data or {})},
    )
    return locked


def _require_unit(actor, case: Case) -> None:
    """A step outside the step table (records, payment, publication) is the case's unit's."""
    if not acts_for(actor, case.unit):
        raise PermissionRefused(_("只有办案单位的人员可以办理本案。"))


def _require_case_officer(actor, case: Case) -> None:
    if not case.case_officers.filter(user=actor).exists():
        raise PermissionRefused(_("只有本案承办的执法人员可以调查取证。"))


def _move_matter(case: Case, actor, deadline: datetime.date, label: str) -> None:
    if case.matter_id is None:
        return
    matter = Matter.objects.get(pk=case.matter_id)
    if matter.status in (MatterStatus.SIGNED, MatterStatus.IN_PROGRESS, MatterStatus.REOPENED):
        loop.matter_move_deadline(
            matter=matter, actor=actor, deadline=deadline, note=f"{label}：{deadline}"
        )


REVIEW_FIELDS = ["reviewer", "reviewed_at", "review_passed", "review_opinion"]


def _void_review(case: Case) -> bool:
    """Art. 58: the legal review judges the facts as finally found. New evidence or a hearing
    after a review voids it (the case must be reviewed again before the decision); True when
    there was one to void. The caller saves `REVIEW_FIELDS` and records the event."""
    if case.reviewed_at is None:
        return False
    case.reviewer, case.reviewed_at, case.review_passed, case.review_opinion = None, None, None, ""
    return True


ESCALATED = "escalated"


def _escalate(case: Case, what: str, *, title: str, description: str, note: str) -> bool:
    """A period reality missed (`what`: service, publication, withdrawal, summary_report)
    raises one supervision matter to the case's unit on the loop, once per case and period:
    the late step and the daily sweep share this record. True when a matter was raised."""
    if case.events.filter(step=ESCALATED, data__what=what).exists():
        return False
    matter = loop.matter_raise_for_unit(
        title=title, description=description, channel=Channel.ENFORCEMENT, unit=case.unit, note=note
    )
    _event(
        case,
        ESCALATED,
        None,
        note=f"{note}：{matter.number}",
        data={"what": what, "matter": matter.number},
    )
    return True
