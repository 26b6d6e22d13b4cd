"""What a citizen and a special supervisor read of their appeals: when to expect the answer,
the tracking link to keep, the progress meant for them — and never an internal note."""

import re

import pytest

from longcheng.appeals.models import Appeal
from longcheng.appeals.services import AppealDraft, appeal_submit
from longcheng.loop import services as loop
from longcheng.loop.workflow import Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db


def _submit(client, **overrides):
    page = client.get("/a/").content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {
        "description": "小区门口人行道被挖开一个多月没有恢复，老人走路很危险。",
        "category": "",
        "reporter_name": "王先生",
        "reporter_phone": "13912345678",
        "consent": "on",
        "submission_key": key,
        "confirm_new": "1",
    }
    data.update(overrides)
    response = client.post("/a/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Appeal.objects.get(submission_key=key), response["Location"]


def test_the_done_page_says_when_to_expect_the_answer_and_offers_the_link(client, catalogue):
    # Monday 2023-09-25 09:00; a complaint has 13 working days; the National Day holiday
    # (9-29 to 10-6, with 10-7 and 10-8 worked) is skipped: the answer is due on 10-18.
    appeal, done = _submit(client)
    page = client.get(done).content.decode()
    assert "预计 13 个工作日内答复（2023年10月18日前）" in page
    link = f"/a/track/?code={appeal.tracking_code}"
    assert f'value="http://127.0.0.1:8000{link}"' in page
    assert 'data-testid="copy-link"' in page and "data:image/svg+xml" in page  # the QR code
    assert 'download="诉求查询码-' in page and appeal.tracking_code in page

    # The kept link opens the progress in the browser that submitted it; elsewhere it fills
    # in the code and still asks for the phone's last four digits.
    assert client.get(link)["Location"] == f"/a/t/{appeal.tracking_code}/"
    stranger = client.__class__()
    form = stranger.get(link).content.decode()
    assert f'value="{appeal.tracking_code}"' in form and "id_phone_last4" in form
    assert stranger.get("/a/track/?code=%3Cscript%3E").status_code == 200  # a bad code: ignored


def test_once_dispatched_the_done_page_names_the_unit_and_its_deadlines(
    client, catalogue, users, org, clock
):
    appeal, done = _submit(client, category=str(catalogue["noise"].pk))
    loop.matter_dispatch(matter=appeal.matter, actor=users.dispatcher, lead_unit=org.brigade1)
    page = client.get(done).content.decode()
    # Two working hours to sign (by 11:00), 13 working days to answer.
    assert "已转交直属一大队，9月25日 11:00前签收，2023年10月18日前答复" in page


def test_no_expected_date_without_a_time_limit(client, org):
    appeal, done = _submit(client)  # no time limits configured in the catalogue at all
    page = client.get(done).content.decode()
    assert appeal.tracking_code in page and "预计" not in page


def test_tracking_shows_the_notes_meant_for_the_public_and_never_an_internal_one(
    client, catalogue, users, org, clock
):
    appeal, _done = _submit(client)
    matter = loop.matter_dispatch(
        matter=appeal.matter, actor=users.dispatcher, lead_unit=org.brigade1, note="派单备注"
    )
    matter = loop.matter_sign(matter=matter, actor=users.clerk1)
    clock.to(at(2023, 9, 25, 10))  # (the citizen's session lasts a working session)
    matter = loop.matter_add_progress(
        matter=matter, actor=users.clerk1, text="内部：已与区住建局王科长沟通，对方推诿"
    )
    matter = loop.matter_add_progress(  # 向诉求人公开, the progress form's choice
        matter=matter, actor=users.clerk1, text="已责令施工单位三日内回填并恢复人行道", public=True
    )
    extension = loop.matter_request_extension(
        matter=matter, actor=users.clerk1, days=5, reason="内部：等候管线单位的检测报告"
    )
    loop.matter_decide_extension(extension=extension, actor=users.dispatcher, approve=True)

    page = client.get(f"/a/t/{appeal.tracking_code}/").content.decode()
    steps = page[page.index('data-testid="public-steps"') :]
    assert "已责令施工单位三日内回填并恢复人行道" in steps
    assert "已转交直属一大队办理" in steps and "直属一大队已签收" in steps
    # The extension and the deadline it gives: 10-18 plus five working days.
    assert "经批准延期 5 个工作日" in steps and "答复期限延至 2023年10月25日" in steps
    for internal in ("王科长", "推诿", "派单备注", "检测报告", users.clerk1.full_name):
        assert internal not in page
    assert "承办单位正在办理" in page and "2023年10月25日前答复" in page


def test_a_merged_appeal_follows_the_matter_it_joined(client, catalogue, users, org, clock):
    first, _done = _submit(client)
    master = loop.matter_dispatch(
        matter=first.matter, actor=users.dispatcher, lead_unit=org.brigade1
    )
    second, _done = _submit(client, reporter_phone="13800002222")
    loop.matter_merge(follower=second.matter, master=master, actor=users.dispatcher)
    master = loop.matter_sign(matter=master, actor=users.clerk1)
    loop.matter_answer(matter=master, actor=users.clerk1, text="人行道已于今日恢复。")
    page = client.get(f"/a/t/{second.tracking_code}/").content.decode()
    assert "与反映同一问题的诉求合并办理" in page and "承办单位已答复" in page
    assert "人行道已于今日恢复" in page and "直属一大队" in page


# — Special supervisors —


def _report(client, **overrides):
    page = client.get("/appeals/mine/report/").content.decode()
    key = page.split('name="submission_key" value="')[1].split('"')[0]
    data = {
        "category": "",
        "address": "小店区政务服务中心二楼",
        "description": "园区道路围挡两个月没有进展，商户进出困难。",
        "enterprise_name": "",
        "submission_key": key,
    }
    data.update(overrides)
    return client.post("/appeals/mine/report/", data)


def test_the_report_form_asks_category_and_place_and_says_submit(login, supervisor, catalogue):
    client = login(supervisor.user)
    page = client.get("/appeals/mine/report/").content.decode()
    assert "问题类型" in page and "地点" in page and "夜间施工噪音" in page
    assert ">提交</button>" in page
    missing = _report(client)
    assert missing.status_code == 200 and "请选择问题类型" in missing.content.decode()
    forged = _report(client, category="999999")
    assert forged.status_code == 200 and "请从列表中选择问题类型" in forged.content.decode()
    nowhere = _report(client, category=str(catalogue["noise"].pk), address="")
    assert "请填写问题发生的地点" in nowhere.content.decode()
    assert not Appeal.objects.exists()

    done = _report(client, category=str(catalogue["noise"].pk))
    assert done.status_code == 302
    matter = Appeal.objects.get().matter
    assert matter.category == catalogue["noise"] and matter.address == "小店区政务服务中心二楼"


def test_a_supervisors_home_lists_only_their_own_reports_as_links(
    login, supervisor, catalogue, users, org, clock
):
    client = login(supervisor.user)
    _report(client, category=str(catalogue["noise"].pk))
    own = Appeal.objects.get()
    appeal_submit(draft=AppealDraft(description="另一位市民反映的其他问题内容", anonymous=True))
    other = Appeal.objects.exclude(pk=own.pk).get()
    matter = loop.matter_dispatch(matter=own.matter, actor=users.dispatcher, lead_unit=org.brigade1)
    loop.matter_sign(matter=matter, actor=users.clerk1)

    home = client.get("/appeals/mine/").content.decode()
    assert home.count('data-testid="my-report"') == 1
    assert f'href="/appeals/mine/{own.pk}/"' in home and own.matter.number in home
    assert other.matter.number not in home
    assert "承办单位正在办理" in home  # the status in plain words
    assert "2023年10月18日前答复" in home and "直属一大队已签收" in home  # deadline, last step

    detail = client.get(f"/appeals/mine/{own.pk}/").content.decode()
    assert "直属一大队已签收" in detail and "小店区政务服务中心二楼" in detail
    assert users.clerk1.full_name not in detail
    assert client.get(f"/appeals/mine/{other.pk}/").status_code == 404
    assert client.get("/appeals/mine/?page=999").status_code == 404
    assert Appeal.objects.get(pk=own.pk).matter.status == Status.SIGNED
