import datetime
from decimal import Decimal

import pytest

from longcheng.inspections import hooks, selectors, services
from longcheng.inspections.models import ChecklistItem, Rectification, VisitPhoto
from longcheng.inspections.workflow import RectificationStatus, Result, VisitStatus
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status
from tests.fixtures.loop import at

from .conftest import answer_all, photo, signature, submit


@pytest.fixture
def visit(campaign, inspectors, records):
    target = campaign.targets.get(site=records.site1)
    return services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])


def test_a_visit_needs_two_inspectors_from_the_roster(campaign, inspectors, records, users):
    target = campaign.targets.get(site=records.site1)
    with pytest.raises(services.InspectionRefused, match="两名以上"):
        services.visit_start(actor=inspectors.a, target=target, partners=[])
    with pytest.raises(services.InspectionRefused, match="不在本次专项检查"):
        services.visit_start(actor=inspectors.a, target=target, partners=[users.dispatcher])


def test_a_linked_inspector_must_withdraw(campaign, inspectors, records):
    from longcheng.inspections.models import InspectorConflict

    InspectorConflict.objects.create(user=inspectors.b, site=records.site1, reason="曾任该项目监理")
    target = campaign.targets.get(site=records.site1)
    with pytest.raises(services.InspectionRefused, match="回避"):
        services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])


def test_unanswered_items_and_missing_photos_stop_the_submission(visit, inspectors):
    first = selectors.visit_items(visit)[0]
    services.visit_answer(actor=inspectors.a, visit=visit, item=first, verdict="pass")
    with pytest.raises(services.InspectionRefused) as error:
        submit(visit, inspectors.a)
    message = error.value.message
    assert "“出入口车辆冲洗”未作答" in message
    assert "“出入口车辆冲洗”须拍摄现场照片" in message
    assert "“在场作业人数”" not in message  # optional item
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS


def test_a_failed_item_needs_the_finding_written(visit, inspectors):
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="")
    with pytest.raises(services.InspectionRefused, match="写明发现的问题"):
        submit(visit, inspectors.a)


def test_signatures_are_required(visit, inspectors):
    answer_all(visit, inspectors.a)
    with pytest.raises(services.InspectionRefused, match="签名"):
        services.visit_submit(
            actor=inspectors.a,
            visit=visit,
            representative="王经理",
            inspector_signature=signature(),
            party_signature="",
        )


def test_a_clean_visit_passes_and_opens_nothing(visit, inspectors):
    answer_all(visit, inspectors.a)
    visit = submit(visit, inspectors.a)
    assert visit.result == Result.PASS and visit.score == 100
    assert visit.matter is None
    # 20 working days from Monday 2023-09-25: 3 in September, the holiday (29 Sep – 6 Oct)
    # skipped, the make-up Saturday and Sunday 7–8 October counted, then 15 more.
    assert visit.publish_due == datetime.date(2023, 10, 27)


def test_findings_become_a_rectification_matter_and_reinspection_closes_it(
    visit, inspectors, clock
):
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="东侧约200平方米裸土未覆盖")
    visit = submit(visit, inspectors.a)
    # 扬尘治理 (weight 2) 10 of 20, 施工秩序 (weight 1) 10 of 10: (2×0.5 + 1×1) ÷ 3 = 66.7.
    assert visit.score == Decimal("66.7")
    assert visit.result == Result.FAIL  # below the pass mark of 80
    rectification = visit.rectifications.get()
    assert rectification.requirement == "裸土全部覆盖防尘网"
    # 5 working days from 2023-09-25: 26, 27, 28, then the holiday, then 7 and 8 October.
    assert rectification.deadline == datetime.date(2023, 10, 8)
    matter = Matter.objects.get(pk=visit.matter_id)
    assert matter.status == Status.SIGNED and matter.channel == "inspection"
    assert matter.lead_unit == inspectors.a.unit
    assert "东侧约200平方米裸土未覆盖" in matter.description

    # The site reports its fix through its link, with a photo.
    services.rectification_report(
        rectification=rectification, note="已全部覆盖防尘网", photos=[photo("fixed.png")]
    )
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.EVIDENCE
    assert matter.attachments.count() == 1
    assert matter.events.filter(note__contains="已全部覆盖防尘网").exists()

    clock.to(at(2023, 10, 8, 10))
    follow_up = services.reinspection_start(
        actor=inspectors.a, visit=visit, partners=[inspectors.c]
    )
    assert [i.text for i in selectors.visit_items(follow_up)] == ["裸露土方覆盖"]
    answer_all(follow_up, inspectors.a)
    follow_up = submit(follow_up, inspectors.a)
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.VERIFIED
    assert rectification.verified_by_visit == follow_up
    matter.refresh_from_db()
    assert matter.status == Status.ANSWERED and not matter.answered_late
    assert "复查合格" in matter.answer_text


def test_a_failed_reinspection_keeps_the_rectification_open(visit, inspectors):
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖", "建筑垃圾运输核准"})
    visit = submit(visit, inspectors.a)
    assert visit.result == Result.FAIL  # a serious item failed
    follow_up = services.reinspection_start(
        actor=inspectors.a, visit=visit, partners=[inspectors.b]
    )
    assert len(selectors.visit_items(follow_up)) == 2
    answer_all(follow_up, inspectors.a, fail={"建筑垃圾运输核准"}, note="仍无核准手续")
    submit(follow_up, inspectors.a)
    statuses = dict(visit.rectifications.values_list("item__text", "status"))
    assert statuses == {
        "裸露土方覆盖": RectificationStatus.VERIFIED,
        "建筑垃圾运输核准": RectificationStatus.OPEN,
    }
    matter = Matter.objects.get(pk=visit.matter_id)
    assert matter.status == Status.IN_PROGRESS
    assert matter.events.filter(note__contains="复查仍不符合：建筑垃圾运输核准").exists()
    # The next re-inspection asks only what is still open.
    again = services.reinspection_start(
        actor=inspectors.a, visit=follow_up, partners=[inspectors.b]
    )
    assert again.parent == visit
    assert [i.text for i in selectors.visit_items(again)] == ["建筑垃圾运输核准"]


@pytest.fixture
def no_enforcement():
    """As if the enforcement app were not installed; the registered handler comes back after."""
    previous = hooks._handler
    hooks.register_case_transfer(None)
    yield
    hooks.register_case_transfer(previous)


def test_transfer_to_enforcement_without_the_module_is_refused(visit, inspectors, no_enforcement):
    answer_all(visit, inspectors.a, fail={"建筑垃圾运输核准"})
    visit = submit(visit, inspectors.a)
    rectification = visit.rectifications.get()
    with pytest.raises(services.LongchengError, match="执法办案模块尚未启用"):
        services.rectification_transfer(
            actor=inspectors.a, rectification=rectification, reason="无证运输"
        )
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_transfer_hands_the_evidence_to_the_registered_module(visit, inspectors):
    answer_all(visit, inspectors.a, fail={"建筑垃圾运输核准"})
    visit = submit(visit, inspectors.a)
    rectification = visit.rectifications.get()
    received = {}

    def handler(*, actor, evidence):
        received.update(actor=actor, evidence=evidence)
        return "并城管立〔2023〕88号"

    previous = hooks._handler
    hooks.register_case_transfer(handler)
    try:
        services.rectification_transfer(
            actor=inspectors.a, rectification=rectification, reason="无核准运输建筑垃圾"
        )
    finally:
        hooks.register_case_transfer(previous)
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.TRANSFERRED
    assert rectification.case_reference == "并城管立〔2023〕88号"
    evidence = received["evidence"]
    assert evidence.party == visit.party
    assert evidence.legal_basis == "《太原市建筑垃圾管理条例》"
    assert evidence.finding == "现场发现问题"


def test_a_template_in_use_is_never_altered_in_place(visit, inspectors, template):
    answer_all(visit, inspectors.a)
    submit(visit, inspectors.a)
    section = template.sections.first()
    with pytest.raises(services.InspectionRefused, match="建立新版本"):
        services.template_item_save(
            actor=inspectors.leader,
            template=template,
            section=section,
            item=ChecklistItem(text="围挡完好"),
        )
    v2 = services.template_new_version(actor=inspectors.leader, template=template)
    assert v2.version == 2 and v2.code == template.code
    services.template_item_save(
        actor=inspectors.leader,
        template=v2,
        section=v2.sections.first(),
        item=ChecklistItem(text="围挡完好"),
    )
    services.template_publish(actor=inspectors.leader, template=v2)
    template.refresh_from_db()
    assert template.status == "retired"
    # The submitted visit still reads the version it used.
    visit.refresh_from_db()
    assert visit.template == template
    assert "围挡完好" not in [i.text for i in selectors.visit_items(visit)]
    assert ChecklistItem.objects.filter(section__template=v2).count() == 5


def test_a_resent_operation_lands_once(visit, inspectors):
    item = selectors.visit_items(visit)[1]
    for _attempt in range(3):
        result = services.sync_apply(
            actor=inspectors.a,
            visit=visit,
            op_id="op-photo-1",
            kind="photo",
            payload={"item": item.pk},
            upload=photo(),
        )
    assert result == "duplicate"
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    # A photo resent under the same client id but a new operation id also lands once.
    services.visit_add_photo(
        actor=inspectors.a, visit=visit, upload=photo(), client_id="op-photo-1"
    )
    assert VisitPhoto.objects.filter(visit=visit).count() == 1


def test_a_resent_submission_does_not_duplicate_rectifications(visit, inspectors):
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"})
    payload = {
        "representative": "王经理",
        "inspector_signature": signature(),
        "party_signature": signature(),
        "credentials_shown": True,
    }
    services.sync_apply(actor=inspectors.a, visit=visit, op_id="s1", kind="submit", payload=payload)
    services.sync_apply(actor=inspectors.a, visit=visit, op_id="s2", kind="submit", payload=payload)
    assert Rectification.objects.filter(visit=visit).count() == 1
    assert Matter.objects.filter(channel="inspection").count() == 1


def test_only_the_visit_team_writes_it(visit, inspectors):
    item = selectors.visit_items(visit)[0]
    with pytest.raises(services.PermissionRefused):
        services.visit_answer(actor=inspectors.c, visit=visit, item=item, verdict="pass")
