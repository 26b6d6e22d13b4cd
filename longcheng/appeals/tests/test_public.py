"""The phone form, tracking and rating, as a citizen meets them."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from longcheng.appeals.events import appeal_received
from longcheng.appeals.models import Appeal
from longcheng.appeals.tokens import point_token
from longcheng.core import notices
from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Attachment, Matter
from longcheng.loop.workflow import Status

pytestmark = pytest.mark.django_db


def _form(client, url):
    page = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def _data(key, **overrides):
    data = {
        "description": "营业执照变更窗口说材料不全，跑了三次还没办成。",
        "category": "",
        "reporter_name": "王先生",
        "reporter_phone": "13912345678",
        "consent": "on",
        "enterprise_name": "",
        "credit_code": "",
        "submission_key": key,
    }
    data.update(overrides)
    return data


def _photo(name="现场.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_the_signed_qr_code_opens_the_points_form(client, point, other_point):
    token = point_token(point)
    page = client.get(f"/a/p/{token}/")
    assert page.status_code == 200 and "小店政务大厅" in page.content.decode()
    forged = token.replace("xd-hall", "xd-yitong")
    assert client.get(f"/a/p/{forged}/").status_code == 404


@pytest.mark.parametrize("damaged", ["xd-hall", "xd-hall:abc", "%E4%B9%B1%E7%A0%81", "a" * 300])
def test_a_damaged_qr_link_leads_to_the_general_form(client, point, damaged):
    page = client.get(f"/a/p/{damaged}/")
    assert page.status_code == 404
    html = page.content.decode()
    assert "这个二维码无法识别" in html and 'href="/a/"' in html
    assert client.post(f"/a/p/{damaged}/", {"title": "路面塌陷"}).status_code == 404


def test_scan_submit_track_and_rate(
    client, point, users, org, catalogue, django_capture_on_commit_callbacks
):
    url = f"/a/p/{point_token(point)}/"
    key = _form(client, url)
    received = []
    appeal_received.connect(
        lambda **kw: received.append(kw["appeal"]), weak=False, dispatch_uid="t"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _data(key, photos=[_photo(), _photo("2.jpg")]))
    appeal_received.disconnect(dispatch_uid="t")
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/a/done/{appeal.tracking_code}/"
    assert appeal.point == point and appeal.fallback_window is True
    assert appeal.consent_at is not None
    assert Attachment.objects.filter(matter=appeal.matter).count() == 2
    assert received == [appeal]  # the key-project hook fires once, after commit

    # Someone else, with the code but the wrong phone digits, sees nothing.
    stranger = client.__class__()
    assert (
        stranger.post(
            "/a/track/", {"code": appeal.tracking_code, "phone_last4": "0000"}
        ).status_code
        == 404
    )
    assert stranger.get(f"/a/t/{appeal.tracking_code}/").status_code == 404
    assert (
        stranger.post(
            "/a/track/", {"code": appeal.tracking_code.lower(), "phone_last4": "5678"}
        ).status_code
        == 302
    )
    status = stranger.get(f"/a/t/{appeal.tracking_code}/").content.decode()
    assert "已受理" in status and "13912345678" not in status

    matter = loop.matter_dispatch(
        matter=appeal.matter, actor=users.dispatcher, lead_unit=org.brigade1
    )
    matter = loop.matter_sign(matter=matter, actor=users.clerk1)
    loop.matter_answer(matter=matter, actor=users.clerk1, text="已协调窗口当场办结。")
    status = stranger.get(f"/a/t/{appeal.tracking_code}/").content.decode()
    assert "已协调窗口当场办结" in status and "请对办理结果进行评价" in status
    stranger.post(f"/a/t/{appeal.tracking_code}/", {"rating": "satisfied", "resolved": "1"})
    assert Matter.objects.get(pk=matter.pk).status == Status.CLOSED
    refused = stranger.post(
        f"/a/t/{appeal.tracking_code}/", {"rating": "dissatisfied", "resolved": "0"}
    )
    assert refused.status_code == 409
    assert Matter.objects.get(pk=matter.pk).rating == "satisfied"


def test_a_double_tap_creates_one_appeal(client, point):
    url = f"/a/p/{point_token(point)}/"
    key = _form(client, url)
    first = client.post(url, _data(key))
    second = client.post(url, _data(key))
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_anonymous_needs_no_phone_and_gets_no_callback(client, point):
    url = f"/a/p/{point_token(point)}/"
    client.post(url, _data(_form(client, url), anonymous="on", reporter_phone="13912345678"))
    matter = Appeal.objects.get().matter
    assert matter.anonymous and matter.reporter_phone == "" and matter.reporter_name == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "太短"}, "至少"),
        ({"reporter_phone": ""}, "请留下手机号码"),
        ({"reporter_phone": "12345"}, "11位"),
        ({"consent": ""}, "个人信息告知"),
        ({"credit_code": "91140105MA0K2XQ310"}, "校验不通过"),
        ({"description": "长" * 2001}, "2000"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_stored(client, point, overrides, message):
    url = f"/a/p/{point_token(point)}/"
    response = client.post(url, _data(_form(client, url), **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appeal.objects.exists() and not Matter.objects.exists()


def test_more_than_five_photos_or_a_fake_photo_stores_nothing(client, point):
    url = f"/a/p/{point_token(point)}/"
    six = [_photo(f"{i}.jpg") for i in range(6)]
    assert (
        "最多上传 5 张" in client.post(url, _data(_form(client, url), photos=six)).content.decode()
    )
    fake = SimpleUploadedFile("照片.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(url, _data(_form(client, url), photos=[fake]))
    assert response.status_code == 400 and "不是图片或 PDF" in response.content.decode()
    assert not Matter.objects.exists() and not Attachment.objects.exists()


def test_a_flood_gets_a_polite_refusal(client, point, settings):
    settings.LONGCHENG_APPEAL_LIMIT_PER_IP = "3/3600"
    from django.core.cache import cache

    cache.clear()
    url = f"/a/p/{point_token(point)}/"
    codes = [
        client.post(
            url, _data(_form(client, url), reporter_phone=f"1391234567{i}", confirm_new="1")
        ).status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert (
        "提交过于频繁"
        in client.post(url, _data(_form(client, url), confirm_new="1")).content.decode()
    )
    assert Appeal.objects.count() == 3


def test_the_public_form_is_small(client, point):
    from django.contrib.staticfiles import finders

    url = f"/a/p/{point_token(point)}/"
    html = client.get(url).content
    css = open(finders.find("css/public.css"), "rb").read()
    assert len(html) + len(css) < 150 * 1024
    assert b"bootstrap" not in html


def test_the_transparency_page_has_figures_and_no_personal_data(
    client, point, users, org, catalogue, clock
):
    url = f"/a/p/{point_token(point)}/"
    client.post(url, _data(_form(client, url)))
    matter = Appeal.objects.get().matter
    loop.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
    page = client.get("/open/figures/?start=2023-09-01&end=2023-09-30").content.decode()
    assert "直属一大队" in page and "本期受理市民诉求 1 件" in page
    assert "13912345678" not in page and "王先生" not in page


def test_a_similar_open_problem_is_offered_to_follow_instead(client, point, users, org, catalogue):
    url = f"/a/p/{point_token(point)}/"
    client.post(url, _data(_form(client, url)))
    first = Appeal.objects.get().matter
    again = client.post(url, _data(_form(client, url), reporter_phone="13800002222"))
    assert again.status_code == 200 and "类似的问题已在办理中" in again.content.decode()
    assert first.number in again.content.decode()
    assert Appeal.objects.count() == 1  # nothing stored until the citizen chooses
    followed = client.post(
        url, _data(_form(client, url), reporter_phone="13800002222", follow=first.pk)
    )
    assert followed.status_code == 302
    follower = Appeal.objects.exclude(matter=first).get().matter
    assert follower.status == Status.MERGED and follower.master == first


def test_the_consent_records_the_version_of_the_notice_the_form_showed(client, point):
    url = f"/a/p/{point_token(point)}/"
    page = client.get(url).content.decode()
    notice = notices.current("appeal")
    assert str(notice.text) in page
    shown = re.search(r'name="notice_version" value="([^"]+)"', page).group(1)
    client.post(url, _data(_form(client, url), notice_version=shown))
    appeal = Appeal.objects.get()
    assert appeal.consent_at is not None and appeal.consent_notice == f"appeal/{shown}"


def test_a_consent_to_an_unknown_notice_is_not_taken(client, point):
    url = f"/a/p/{point_token(point)}/"
    response = client.post(url, _data(_form(client, url), notice_version="1999-01"))
    assert "个人信息告知已更新" in response.content.decode()
    assert not Appeal.objects.exists()


def test_only_an_offered_matter_can_be_followed(client, point, users, org, catalogue):
    """Issue 23, item 1: the follow button names a matter the page proposed; a typed-in id of
    any other matter (an internal one, say) is not taken, and the appeal stands on its own."""
    from longcheng.loop import services as loop

    internal = loop.matter_receive(
        MatterDraft(
            title="内部事项",
            description="巡查发现的内部问题，不对外公开。",
            channel="inspection",
            kind="complaint",
            urgency="normal",
        ),
        actor=users.clerk1,
    )
    url = f"/a/p/{point_token(point)}/"
    forged = client.post(
        url,
        _data(_form(client, url), follow=str(internal.pk), reporter_phone="13800003333"),
    )
    assert forged.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.matter.master is None and appeal.matter.status == Status.RECEIVED
    garbage = client.post(url, _data(_form(client, url), follow="1e999", confirm_new="1"))
    assert garbage.status_code in (200, 302)


def test_personal_data_in_an_answer_is_flagged_to_the_clerk_and_masked_for_the_public(
    client, login, point, users, org, catalogue
):
    from longcheng.loop import services as loop
    from longcheng.loop.services import TransitionRefused

    url = f"/a/p/{point_token(point)}/"
    done = client.post(url, _data(_form(client, url)))
    appeal = Appeal.objects.get()
    matter = loop.matter_dispatch(
        matter=appeal.matter, actor=users.dispatcher, lead_unit=org.brigade1
    )
    matter = loop.matter_sign(matter=matter, actor=users.clerk1)
    text = "已办结。如有疑问请联系经办人13912340001（身份证11010519491231002X 已核验）。"
    with pytest.raises(TransitionRefused, match="手机号码 139\\*\\*\\*\\*0001"):
        loop.matter_answer(matter=matter, actor=users.clerk1, text=text)

    staff = login(users.clerk1)
    page = staff.get(matter.get_absolute_url()).content.decode()
    assert "已核对答复中的个人信息" in page
    refused = staff.post(
        f"/loop/matters/{matter.pk}/act/answer/",
        {"answer-text": text, "answer-version": matter.version},
        follow=True,
    ).content.decode()
    assert "答复中含有个人信息" in refused and "13912340001" not in refused
    matter.refresh_from_db()
    assert matter.status == Status.SIGNED
    staff.post(
        f"/loop/matters/{matter.pk}/act/answer/",
        {
            "answer-text": text,
            "answer-version": matter.version,
            "answer-personal_data_checked": "on",
        },
    )
    matter.refresh_from_db()
    assert matter.status == Status.ANSWERED and matter.answer_text == text

    public = client.get(done["Location"].replace("/a/done/", "/a/t/")).content.decode()
    assert "139****0001" in public and "110105********002X" in public
    assert "13912340001" not in public and "11010519491231002X" not in public
