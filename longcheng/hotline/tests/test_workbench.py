"""The 12345 workbench: the caller's history, 跟进此件, 即时办结, category questions, answer
templates and who may use them."""

import datetime

import pytest
from django.urls import reverse

from conftest import UserFactory
from longcheng.audit.models import AuditRecord
from longcheng.hotline.selectors import fingerprint
from longcheng.loop import metrics, services
from longcheng.loop.models import (
    AnswerTemplate,
    Category,
    CategoryQuestion,
    Matter,
    MatterEvent,
    Notification,
)
from longcheng.loop.workflow import Status
from tests.factories import MatterFactory

pytestmark = pytest.mark.django_db

CALLER = "13903510001"
WORKBENCH = "/hotline/"


@pytest.fixture
def heating(catalogue, org):
    root = Category.objects.add_root({"code": "heating", "name": "供暖"})
    cold = Category.objects.add_child(
        root, {"code": "heating-cold", "name": "暖气不热", "default_lead_unit": org.brigade2}
    )
    return Category.objects.get(pk=root.pk), cold


def _call(**overrides):
    data = {
        "reporter_phone": CALLER,
        "reporter_name": "王建国",
        "title": "暖气不热",
        "description": "家里暖气不热，室温只有十四度。",
        "channel": "hotline",
        "kind": "complaint",
        "urgency": "normal",
        "mode": "receive",
    }
    data.update(overrides)
    return data


def test_history_is_found_by_phone_newest_first_and_masked(login, users, receive, clock):
    from tests.fixtures.loop import at

    older = receive(reporter_phone=CALLER, title="小区门口井盖缺失")
    clock.to(at(2023, 9, 26, 10))
    newer = receive(reporter_phone=CALLER, title="路灯晚上不亮")
    receive(reporter_phone="13903510002", title="别人的诉求")
    page = login(users.dispatcher).get(reverse("hotline:caller"), {"phone": CALLER})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(newer.number) < html.index(older.number)
    assert "别人的诉求" not in html
    assert CALLER not in html
    assert "139****0001" in html
    assert "以往诉求 2 件" in html
    # A phone never heard before: said so, nothing listed.
    first = login(users.dispatcher).get(reverse("hotline:caller"), {"phone": "13903519999"})
    assert "首次来电" in first.content.decode()
    # Not a mobile number: a plain sentence, no error page.
    bad = login(users.dispatcher).get(reverse("hotline:caller"), {"phone": "12ab"})
    assert bad.status_code == 400 and "11 位手机号码" in bad.content.decode()


def test_history_shows_at_most_twenty(login, users, receive):
    for n in range(22):
        receive(reporter_phone=CALLER, title=f"第{n}次反映")
    html = login(users.dispatcher).get(reverse("hotline:caller"), {"phone": CALLER}).content
    assert html.decode().count('data-testid="history-item"') == 20


def test_an_open_similar_matter_is_pointed_out_and_followed_without_a_new_one(
    login, users, dispatched, org
):
    open_one = dispatched(reporter_phone=CALLER, title="富力壹品工地夜间施工噪音扰民")
    client = login(users.dispatcher)
    html = client.get(
        reverse("hotline:caller"),
        {"phone": CALLER, "title": "工地夜间施工噪音扰民", "category": open_one.category_id},
    ).content.decode()
    assert 'data-testid="similar-open"' in html
    assert "同一类别" in html
    before = Matter.objects.count()
    response = client.post(
        reverse("hotline:follow"),
        {"matter": open_one.pk, "words": "今晚又在施工，十一点还没停。"},
    )
    assert response.status_code == 302 and response.url == open_one.get_absolute_url()
    assert Matter.objects.count() == before
    event = open_one.events.get(kind=MatterEvent.Kind.CALLER_FOLLOWED)
    assert event.note == "今晚又在施工，十一点还没停。"
    assert event.unit == org.brigade1
    notice = Notification.objects.get(
        recipient=users.clerk1, matter=open_one, title__contains="来电跟进"
    )
    assert "十一点" in notice.body
    assert AuditRecord.objects.filter(
        object_id=str(open_one.pk), detail__action="caller_followed"
    ).exists()


def test_a_closed_matter_cannot_be_followed(login, users, receive):
    matter = receive(reporter_phone=CALLER)
    Matter.objects.filter(pk=matter.pk).update(status=Status.CLOSED)
    client = login(users.dispatcher)
    response = client.post(reverse("hotline:follow"), {"matter": matter.pk, "words": "再问一下"})
    assert response.status_code == 302 and response.url == WORKBENCH
    assert not matter.events.filter(kind=MatterEvent.Kind.CALLER_FOLLOWED).exists()
    page = client.get(WORKBENCH).content.decode()
    assert "请另行受理" in page


def test_answer_on_call_closes_counts_and_can_be_rated(login, users, catalogue):
    client = login(users.dispatcher)
    response = client.post(
        WORKBENCH,
        _call(
            mode="on_call",
            kind="consultation",
            title="咨询供暖开栓时间",
            answer_text="太原市法定供暖期为每年11月1日至次年3月31日，开栓时间以供热公司通知为准。",
            knowledge_article="7",
            category=catalogue["noise"].pk,
        ),
    )
    matter = Matter.objects.get(title="咨询供暖开栓时间")
    assert response.status_code == 302 and response.url == matter.get_absolute_url()
    assert matter.status == Status.ANSWERED
    assert matter.answered_on_call and matter.answered_at is not None
    assert matter.lead_unit is None and matter.handle_deadline is None
    event = matter.events.get(kind=MatterEvent.Kind.ANSWERED_ON_CALL)
    assert event.data["knowledge_article"] == 7
    assert "法定供暖期" in event.note
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "即时办结（12345热线通话中直接答复）" in page
    assert 'data-testid="act-rate"' in page  # the callback can rate it
    day = datetime.date(2023, 9, 25)
    figures = metrics.on_call_figures(first=day, last=day)
    assert (figures.answered_on_call, figures.received, figures.rated) == (1, 1, 0)
    # Rated by the caller (the tracking page's path): closed, and counted as its own rating,
    # in no unit's figures.
    services.matter_rate_by_reporter(matter=matter, rating="satisfied", resolved=True)
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    figures = metrics.on_call_figures(first=day, last=day)
    assert (figures.rated, figures.satisfied, figures.satisfaction_rate) == (1, 1, 1.0)
    rows = metrics.unit_metrics(units=[users.dispatcher.unit], first=day, last=day)
    assert (rows[0].answered, rows[0].due, rows[0].rated) == (0, 0, 0)
    metrics_page = client.get("/loop/metrics/?start=2023-09-25&end=2023-09-25").content.decode()
    assert "12345即时办结：1 件" in metrics_page
    assert "即时办结率 100%" in metrics_page


def test_answer_on_call_rated_by_the_dispatch_centre(login, users, catalogue):
    client = login(users.dispatcher)
    client.post(
        WORKBENCH,
        _call(mode="on_call", kind="consultation", answer_text="可以在线办理，请登录政务服务网。"),
    )
    matter = Matter.objects.get(answered_on_call=True)
    response = client.post(
        reverse("loop:matter_act", args=[matter.pk, "rate"]),
        {"rate-version": matter.version, "rate-rating": "basically", "rate-resolved": "1"},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED and matter.rating == "basically"


def test_only_a_consultation_with_an_answer_is_closed_on_the_call(login, users, catalogue):
    client = login(users.dispatcher)
    response = client.post(WORKBENCH, _call(mode="on_call", kind="complaint", answer_text=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "只有咨询类诉求可以即时办结" in html
    assert "即时办结须填写答复内容" in html
    assert not Matter.objects.exists()


def test_category_questions_are_asked_validated_and_kept(login, users, heating):
    root, cold = heating
    floor = CategoryQuestion.objects.create(category=root, label="楼层/户号", required=True)
    temperature = CategoryQuestion.objects.create(
        category=cold, label="室温（℃）", kind="number", required=True
    )
    CategoryQuestion.objects.create(category=root, label="已停用的问题", is_active=False)
    client = login(users.dispatcher)
    fields = client.get(reverse("hotline:question_fields"), {"category": cold.pk})
    html = fields.content.decode()
    assert "楼层/户号" in html and "室温（℃）" in html and "已停用的问题" not in html
    assert html.index("楼层/户号") < html.index("室温（℃）")  # the parent's first
    # Required ones missing, a number that is not one: plain messages naming each question.
    response = client.post(WORKBENCH, _call(category=cold.pk, **{f"q_{temperature.pk}": "很冷"}))
    html = response.content.decode()
    assert "请填写“楼层/户号”。" in html
    assert "“室温（℃）”须填写数字。" in html
    assert not Matter.objects.exists()
    response = client.post(
        WORKBENCH,
        _call(category=cold.pk, **{f"q_{floor.pk}": "3单元602", f"q_{temperature.pk}": "14"}),
    )
    matter = Matter.objects.get()
    assert matter.intake_answers == {
        str(floor.pk): {"label": "楼层/户号", "value": "3单元602"},
        str(temperature.pk): {"label": "室温（℃）", "value": "14"},
    }
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "楼层/户号：3单元602" in page and "室温（℃）：14" in page


def test_a_choice_question_takes_only_its_options(login, users, heating):
    root, _cold = heating
    question = CategoryQuestion.objects.create(
        category=root, label="供暖方式", kind="choice", options="集中供暖\n自采暖", required=True
    )
    client = login(users.dispatcher)
    html = client.post(
        WORKBENCH, _call(category=root.pk, **{f"q_{question.pk}": "地暖"})
    ).content.decode()
    assert "“供暖方式”请从选项中选择。" in html
    client.post(WORKBENCH, _call(category=root.pk, **{f"q_{question.pk}": "自采暖"}))
    assert Matter.objects.get().intake_answers[str(question.pk)]["value"] == "自采暖"


def test_the_dispatch_centre_manages_questions_and_deletes_after_confirmation(
    login, users, heating
):
    root, _cold = heating
    client = login(users.dispatcher)
    response = client.post(
        reverse("hotline:question_new"),
        {
            "category": root.pk,
            "label": "用户编号",
            "kind": "choice",
            "options": "只有一个",
            "sort_order": 10,
            "is_active": "on",
        },
    )
    assert "至少要有两个选项" in response.content.decode()
    client.post(
        reverse("hotline:question_new"),
        {
            "category": root.pk,
            "label": "用户编号",
            "kind": "text",
            "sort_order": 10,
            "is_active": "on",
            "required": "on",
        },
    )
    question = CategoryQuestion.objects.get(label="用户编号")
    form = client.get(reverse("hotline:question", args=[question.pk])).content.decode()
    assert "data-confirm=" in form and "确定删除吗" in form
    expected = form.split('name="expected" value="')[1].split('"')[0]
    # Somebody else disables it meanwhile: the stale form is refused, not written over.
    CategoryQuestion.objects.filter(pk=question.pk).update(is_active=False)
    stale = client.post(
        reverse("hotline:question", args=[question.pk]),
        {
            "category": root.pk,
            "label": "用户编号（改）",
            "kind": "text",
            "sort_order": 10,
            "is_active": "on",
            "expected": expected,
        },
    )
    assert "已被他人修改" in stale.content.decode()
    question.refresh_from_db()
    client.post(
        reverse("hotline:question_delete", args=[question.pk]),
        {"expected": fingerprint(question)},
    )
    assert not CategoryQuestion.objects.filter(pk=question.pk).exists()
    assert AuditRecord.objects.filter(action="delete", object_repr__contains="用户编号").exists()


def test_templates_fill_the_unit_s_own_first(login, users, dispatched, org, catalogue):
    matter = dispatched(reporter_phone=CALLER, reporter_name="王建国")
    AnswerTemplate.objects.create(
        category=catalogue["root"],
        stage="answer",
        title="城管通用答复",
        text="{诉求人称呼}您好，您反映的{编号}已由{办理单位}办结。",
    )
    AnswerTemplate.objects.create(
        category=catalogue["noise"],
        stage="answer",
        unit=org.brigade1,
        title="一大队噪音答复",
        text="{诉求人称呼}您好，{办理单位}已对{标题}依法查处。",
    )
    AnswerTemplate.objects.create(stage="return", title="退单", text="该事项不属本单位职责。")
    AnswerTemplate.objects.create(
        stage="answer", unit=org.brigade2, title="二大队的", text="别的单位的模板内容"
    )
    client = login(users.clerk1)
    data = client.get(
        reverse("hotline:matter_templates", args=[matter.pk]), {"stage": "answer"}
    ).json()["templates"]
    assert [t["title"] for t in data] == ["一大队噪音答复", "城管通用答复"]
    assert data[0]["text"] == f"王建国您好，直属一大队已对{matter.title}依法查处。"
    assert data[1]["text"] == f"王建国您好，您反映的{matter.number}已由直属一大队办结。"
    assert data[1]["scope"] == "全市通用"
    # The matter page offers the picker on the answer form (the JS reads this address).
    clerk_page = client.get(matter.get_absolute_url()).content.decode()
    assert reverse("hotline:matter_templates", args=[matter.pk]) + "?stage=" in clerk_page
    # Someone who cannot see the matter gets nothing.
    other = login(users.clerk2).get(
        reverse("hotline:matter_templates", args=[matter.pk]), {"stage": "answer"}
    )
    assert other.status_code == 404


def test_a_leader_keeps_the_unit_s_templates_only(login, users, org, catalogue):
    client = login(users.leader)
    assert client.get(reverse("hotline:templates")).status_code == 200
    city = client.post(
        reverse("hotline:template_new"),
        {"stage": "answer", "title": "全市的", "text": "想建全市通用的模板", "is_active": "on"},
    )
    assert city.status_code == 200 and not AnswerTemplate.objects.exists()
    client.post(
        reverse("hotline:template_new"),
        {
            "stage": "progress",
            "unit": org.brigade1.pk,
            "title": "一大队进展",
            "text": "已安排执法人员到现场核查。",
            "is_active": "on",
        },
    )
    mine = AnswerTemplate.objects.get()
    assert mine.unit == org.brigade1
    city_one = AnswerTemplate.objects.create(stage="answer", title="全市", text="全市通用模板内容")
    assert client.get(reverse("hotline:template", args=[city_one.pk])).status_code == 404
    assert login(users.clerk1).get(reverse("hotline:templates")).status_code == 403


@pytest.mark.parametrize("who", ["clerk1", "leader", "sysadmin", "committee_clerk"])
def test_only_the_dispatch_centre_opens_the_workbench(login, users, who):
    client = login(getattr(users, who))
    for url in (
        WORKBENCH,
        reverse("hotline:caller") + f"?phone={CALLER}",
        reverse("hotline:questions"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("hotline:follow"), {"matter": 1, "words": "x"}).status_code == 403


def test_the_workbench_is_offered_in_the_menu_to_operators_only(login, users):
    html = login(users.dispatcher).get("/").content.decode()
    assert WORKBENCH in html
    html = login(users.clerk1).get("/").content.decode()
    assert 'href="/hotline/"' not in html


def test_an_unknown_category_or_odd_input_is_no_error(login, users):
    client = login(users.dispatcher)
    assert client.get(reverse("hotline:question_fields"), {"category": "9" * 30}).status_code == 200
    assert client.get(reverse("hotline:call_templates"), {"category": "x"}).status_code == 200
    response = client.post(WORKBENCH, _call(category="99999999999999", knowledge_article="-1"))
    assert response.status_code == 200


def test_a_new_caller_can_register_through_the_workbench(login, users, catalogue):
    UserFactory(username="other_dispatcher", role="dispatcher", unit=users.dispatcher.unit)
    client = login(users.dispatcher)
    response = client.post(WORKBENCH, _call(category=catalogue["noise"].pk))
    matter = Matter.objects.get()
    assert response.url == matter.get_absolute_url()
    assert matter.channel == "hotline" and matter.status == Status.RECEIVED
    assert matter.reporter_phone == CALLER and matter.intake_answers is None
    assert MatterFactory  # the factory's own path receives too (used above)


def test_the_fragments_of_a_category_with_a_required_question(login, users, heating):
    root, cold = heating
    CategoryQuestion.objects.create(category=root, label="楼层/户号", required=True)
    AnswerTemplate.objects.create(
        category=root, stage="on_call", title="供暖期", text="法定供暖期为11月1日至次年3月31日。"
    )
    client = login(users.dispatcher)
    fields = client.get(reverse("hotline:question_fields"), {"category": cold.pk})
    html = fields.content.decode()
    assert "楼层/户号" in html and "请填写" not in html  # nothing typed yet: no error
    found = client.get(reverse("hotline:call_templates"), {"category": cold.pk}).json()
    assert [t["title"] for t in found["templates"]] == ["供暖期"]
