"""The link in a message to the reporter: it opens their progress on the phone without an
account or the phone's last digits, a hotline call without an appeal included; 不再接收短信通知
works only with the right token; anything else is a plain 404."""

import pytest

from longcheng.appeals.services import AppealDraft, appeal_submit
from longcheng.appeals.tokens import matter_token
from longcheng.core import notices
from longcheng.loop import services as loop
from longcheng.loop import sms
from longcheng.loop.models import Matter, ReporterMessage
from longcheng.loop.workflow import Channel, Status

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def hotline_matter(receive):
    return receive(channel=Channel.HOTLINE, reporter_phone=PHONE)


def test_the_opt_out_page_confirms_then_stops_the_messages(
    client, hotline_matter, users, org, django_capture_on_commit_callbacks
):
    token = matter_token(hotline_matter)
    page = client.get(f"/a/m/{token}/stop/")
    html = page.content.decode()
    assert page.status_code == 200 and "确定不再接收本诉求的短信通知吗" in html
    assert Matter.objects.get(pk=hotline_matter.pk).updates_opt_out is False  # only asked
    done = client.post(f"/a/m/{token}/stop/", {"confirm": "1"})
    assert done.status_code == 200 and "已退订" in done.content.decode()
    assert Matter.objects.get(pk=hotline_matter.pk).updates_opt_out is True
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        loop.matter_dispatch(
            matter=Matter.objects.get(pk=hotline_matter.pk),
            actor=users.dispatcher,
            lead_unit=org.brigade1,
        )
    assert sms.outbox == []
    assert ReporterMessage.objects.get(template="dispatched").outcome == "opted_out"


@pytest.mark.parametrize("damage", ["swap", "other", "short", "junk"])
def test_a_wrong_token_is_a_404_and_changes_nothing(client, hotline_matter, receive, damage):
    token = matter_token(hotline_matter)
    other = receive(channel=Channel.HOTLINE, reporter_phone="13800000000")
    forged = {
        "swap": token[1] + token[0] + token[2:] if token[0] != token[1] else "A" + token[1:],
        "other": token[:10] + matter_token(other)[10:],  # another matter's id, this MAC
        "short": token[:6],
        "junk": "%E4%B9%B1" + token,
    }[damage]
    assert client.get(f"/a/m/{forged}").status_code == 404
    assert client.get(f"/a/m/{forged}/stop/").status_code == 404
    assert client.post(f"/a/m/{forged}/stop/", {"confirm": "1"}).status_code == 404
    assert not Matter.objects.filter(updates_opt_out=True).exists()


def test_an_anonymous_matters_link_opens_nothing(client, receive):
    matter = receive(channel=Channel.HOTLINE, anonymous=True)
    assert client.get(f"/a/m/{matter_token(matter)}").status_code == 404


def test_a_hotline_callers_link_shows_progress_and_takes_the_rating(
    client, hotline_matter, users, org, django_capture_on_commit_callbacks
):
    matter = loop.matter_dispatch(
        matter=hotline_matter, actor=users.dispatcher, lead_unit=org.brigade1
    )
    loop.matter_sign(matter=matter, actor=users.clerk1)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        loop.matter_answer(
            matter=Matter.objects.get(pk=matter.pk), actor=users.clerk1, text="已责令夜间停工。"
        )
    link = sms.outbox[-1][1].rsplit("：", 1)[1]
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    html = page.content.decode()
    assert page.status_code == 200
    assert matter.number in html and "已责令夜间停工" in html and "请对办理结果进行评价" in html
    assert "不再接收短信通知" in html
    rated = client.post("/" + path, {"rating": "satisfied", "resolved": "1", "note": ""})
    assert rated.status_code == 302
    assert Matter.objects.get(pk=matter.pk).status == Status.CLOSED


def test_an_appeals_link_opens_its_tracking_page_with_the_opt_out(client, users, org):
    appeal, _created = appeal_submit(
        draft=AppealDraft(
            description="营业执照变更窗口说材料不全，跑了三次还没办成。",
            reporter_name="王先生",
            reporter_phone=PHONE,
            consent=True,
            consent_notice=notices.current("appeal").version,
        )
    )
    response = client.get(f"/a/m/{matter_token(appeal.matter)}")
    assert response.status_code == 302
    assert response["Location"] == f"/a/t/{appeal.tracking_code}/"
    html = client.get(response["Location"]).content.decode()
    assert appeal.tracking_code in html and "不再接收短信通知" in html
