"""The loop's pages: inbox, matter page, actions as a user clicks them, receipt with
attachments, notifications."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from longcheng.loop import services, sms
from longcheng.loop.models import Attachment, Matter, Notification
from longcheng.loop.workflow import Status

pytestmark = pytest.mark.django_db


def test_the_inbox_shows_a_units_matters_by_tab(login, dispatched, users):
    matter = dispatched()
    client = login(users.clerk1)
    page = client.get("/loop/?box=to_sign").content.decode()
    assert matter.number in page
    assert matter.number not in login(users.clerk2).get("/loop/?box=to_sign").content.decode()
    services.matter_sign(matter=matter, actor=users.clerk1)
    client = login(users.clerk1)
    assert matter.number in client.get("/loop/?box=handling").content.decode()


def test_a_tab_beyond_the_count_cap_says_so_and_pages_through_the_cap(
    monkeypatch, login, dispatched, users
):
    """A million archived matters are not counted on every view (core.counting)."""
    monkeypatch.setattr("longcheng.core.counting.COUNT_CAP", 2)
    matters = [dispatched() for _ in range(4)]
    page = login(users.clerk1).get("/loop/?box=to_sign&per_page=10").content.decode()
    assert "2+</span>" in page  # the tab's badge
    assert "超过 2 条" in page and 'data-testid="more-rows"' in page
    assert sum(m.number in page for m in matters) == 2  # the first two by the sort
    home = login(users.clerk1).get("/").content.decode()
    assert "2+" in home  # the 待签收 card
    monkeypatch.setattr("longcheng.core.counting.COUNT_CAP", 10)
    page = login(users.clerk1).get("/loop/?box=to_sign").content.decode()
    assert "4</span>" in page and "共 4 条" in page and "more-rows" not in page


def test_the_done_tab_lists_the_newest_first(login, dispatched, users):
    older, newer = dispatched(title="较早办结的事项"), dispatched(title="较晚办结的事项")
    Matter.objects.filter(pk=older.pk).update(
        status=Status.CLOSED, received_at=newer.received_at - datetime.timedelta(days=400)
    )
    Matter.objects.filter(pk=newer.pk).update(status=Status.ARCHIVED)
    page = login(users.clerk1).get("/loop/?box=done").content.decode()
    assert page.index(newer.number) < page.index(older.number)
    by_deadline = login(users.clerk1).get("/loop/?box=done&sort=-handle_deadline")
    assert by_deadline.status_code == 200  # the clerk's own sort still applies


def test_search_by_full_reporter_phone_finds_the_matter_but_shows_it_masked(
    login, dispatched, users
):
    matter = dispatched()
    page = login(users.dispatcher).get("/loop/?box=all&q=13912340001").content.decode()
    assert matter.number in page
    assert '">139****0001</td>' in page and "13912340001</td>" not in page
    # Spaces are ignored; a part of the number finds nothing (the database holds no digits).
    client = login(users.dispatcher)
    assert matter.number in client.get("/loop/?box=all&q=139 1234 0001").content.decode()
    assert matter.number not in client.get("/loop/?box=all&q=1391234").content.decode()


def test_the_matter_page_offers_only_the_users_actions(login, dispatched, users):
    matter = dispatched()
    lead_page = login(users.clerk1).get(f"/loop/matters/{matter.pk}/").content.decode()
    assert 'data-testid="act-sign"' in lead_page and 'data-testid="act-return"' in lead_page
    assert 'data-testid="act-dispatch"' not in lead_page
    assisting_page = login(users.committee_clerk).get(f"/loop/matters/{matter.pk}/")
    assert 'data-testid="act-sign"' not in assisting_page.content.decode()
    assert login(users.clerk2).get(f"/loop/matters/{matter.pk}/").status_code == 404
    assert login(users.sysadmin).get(f"/loop/matters/{matter.pk}/").status_code == 403


def test_actions_through_the_page_and_a_refusal_in_plain_chinese(login, dispatched, users):
    matter = dispatched()
    client = login(users.clerk1)
    url = f"/loop/matters/{matter.pk}/act/"
    response = client.post(url + "sign/", {"version": matter.version}, follow=True)
    assert "已签收" in response.content.decode()
    # The same (now stale) form submitted again: told what happened, nothing changes.
    response = client.post(url + "sign/", {"version": matter.version}, follow=True)
    assert "已被他人处理" in response.content.decode()
    matter.refresh_from_db()
    response = client.post(
        url + "answer/",
        {"answer-version": matter.version, "answer-text": "已处理完毕，工地停止夜间施工。"},
        follow=True,
    )
    assert Matter.objects.get(pk=matter.pk).status == Status.ANSWERED
    # The clerk cannot rate their own answer.
    response = client.post(
        url + "rate/",
        {"rate-version": matter.version + 1, "rate-rating": "satisfied", "rate-resolved": "1"},
        follow=True,
    )
    assert "只有派单中心可以" in response.content.decode()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _receive_form(**overrides):
    data = {
        "title": "工地夜间施工噪音",
        "description": "凌晨仍在施工。",
        "channel": "hotline",
        "kind": "complaint",
        "urgency": "normal",
        "category": "",
        "division": "",
        "address": "",
        "latitude": "",
        "longitude": "",
        "reporter_name": "王先生",
        "reporter_phone": "13912345678",
    }
    data.update(overrides)
    return data


def test_receiving_with_a_photo_strips_its_exif_and_texts_the_reporter(
    login, users, catalogue, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    photo = SimpleUploadedFile("现场.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    assert b"SecretCam" in photo.read()
    photo.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users.committee_clerk).post(
            "/loop/receive/", _receive_form(category=catalogue["noise"].pk, files=[photo])
        )
    matter = Matter.objects.get(title="工地夜间施工噪音")
    assert response.status_code == 302
    attachment = Attachment.objects.get(matter=matter)
    stored = attachment.file.read()
    assert b"SecretCam" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    assert sms.outbox[-1][0] == "13912345678" and matter.number in sms.outbox[-1][1]


def test_receiving_refuses_a_file_that_is_neither_image_nor_pdf(login, users, catalogue):
    bad = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00binary", content_type="image/jpeg")
    response = login(users.committee_clerk).post("/loop/receive/", _receive_form(files=[bad]))
    assert "只能上传" in response.content.decode()
    assert not Matter.objects.exists()  # nothing half-saved


def test_receiving_needs_a_phone_unless_anonymous(login, users, catalogue):
    client = login(users.committee_clerk)
    response = client.post("/loop/receive/", _receive_form(reporter_phone=""))
    assert "须留联系电话" in response.content.decode()
    client.post("/loop/receive/", _receive_form(reporter_phone="", anonymous="on"))
    assert Matter.objects.get().anonymous is True


def test_dispatch_notifies_the_lead_unit_in_app(dispatched, users):
    matter = dispatched()
    assert Notification.objects.filter(
        recipient=users.clerk1, title__contains=matter.number
    ).exists()


def test_email_leaves_only_after_commit(django_capture_on_commit_callbacks, dispatched, users):
    users.clerk1.email = "clerk1@example.gov.cn"
    users.clerk1.save()
    with django_capture_on_commit_callbacks(execute=True):
        matter = dispatched()
    assert any(matter.number in m.subject for m in mail.outbox)


def test_the_unit_metrics_page_shows_the_formulas(login, users, dispatched):
    dispatched()  # to 直属一大队, under the leader's 执法队
    page = (
        login(users.leader).get("/loop/metrics/?start=2023-09-01&end=2023-09-30").content.decode()
    )
    assert "（满意 + 基本满意）÷ 市民实际评价数" in page and "响应率" in page
    assert "直属一大队" in page and "小店区营商环境监督委员会" not in page


def test_the_inbox_exports_to_xlsx(login, dispatched, users):
    dispatched()
    response = login(users.dispatcher).get("/loop/?box=all&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_attachment_over_the_limit_is_refused_with_its_name(login, users, catalogue, settings):
    settings.LONGCHENG_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile(
        "扫描件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), content_type="application/pdf"
    )
    response = login(users.committee_clerk).post("/loop/receive/", _receive_form(files=[big]))
    assert "扫描件.pdf" in response.content.decode() and "超过 1 MB" in response.content.decode()
    assert not Matter.objects.exists()


def test_the_metrics_period_is_kept_in_the_form(login, users):
    page = login(users.leader).get("/loop/metrics/?start=2023-09-01&end=2023-10-31")
    body = page.content.decode()
    assert 'value="2023-09-01"' in body and 'value="2023-10-31"' in body


def test_the_callback_clerk_reveals_the_reporters_phone_and_it_is_audited(login, dispatched, users):
    from longcheng.accounts.services import user_set_reveal_permission
    from longcheng.audit.models import Action, AuditRecord

    matter = dispatched()
    url = f"/loop/matters/{matter.pk}/reveal-phone/"
    assert login(users.dispatcher).post(url).status_code == 403
    user_set_reveal_permission(actor=users.secadmin, user=users.dispatcher, granted=True)
    client = login(users.dispatcher)
    assert 'data-testid="reveal-phone"' in client.get(matter.get_absolute_url()).content.decode()
    assert "13912340001" in client.post(url).content.decode()
    assert AuditRecord.objects.filter(action=Action.REVEAL, object_id=str(matter.pk)).exists()


def test_the_metrics_export_has_the_same_figures(login, dispatched, users):
    import io as _io

    from openpyxl import load_workbook

    dispatched()
    response = login(users.leader).get("/loop/metrics/?start=2023-09-01&end=2023-10-31&export=xlsx")
    rows = list(load_workbook(_io.BytesIO(response.content)).active.iter_rows(values_only=True))
    brigade = next(r for r in rows if r[1] == "直属一大队")
    assert brigade[0] is None  # no citizen ratings yet: shown, not ranked
    assert brigade[2] == 1  # one dispatch


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(
    login, users, catalogue, settings
):
    import io

    from PIL import Image

    settings.LONGCHENG_IMAGE_MAX_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("1", (2000, 1000)).save(buffer, format="PNG")  # a few KB, 2 million pixels
    bomb = SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")
    response = login(users.committee_clerk).post("/loop/receive/", _receive_form(files=[bomb]))
    assert "图片像素过大（2000×1000）" in response.content.decode()
    assert not Matter.objects.exists()


def test_the_timeline_names_the_reporter_not_the_system(login, dispatched, users):
    """The citizen's own rating on the tracking page (no account) is theirs on the timeline."""
    matter = services.matter_sign(matter=dispatched(), actor=users.clerk1)
    matter = services.matter_answer(
        matter=matter, actor=users.clerk1, text="已责令工地停止夜间施工并处罚款。"
    )
    services.matter_rate_by_reporter(matter=matter, rating="dissatisfied", resolved=False)
    events = {e.kind: e.actor_label for e in matter.events.all()}
    assert events["rated"] == "诉求人" and events["reopened"] == "诉求人"
    assert events["signed"] == users.clerk1.full_name
    page = login(users.dispatcher).get(reverse("loop:matter_detail", args=[matter.pk]))
    timeline = page.content.decode().split("诉求人在查询页自行评价")[0].rsplit("<li", 1)[-1]
    assert "诉求人" in timeline and "系统" not in timeline


def test_waiting_for_dispatch_is_urgent_first_then_first_come(login, receive, users, clock):
    from tests.fixtures.loop import at

    first = receive(title="先到的一般事项")
    clock.to(at(2023, 9, 25, 10, 0))
    urgent = receive(title="后到的紧急事项", urgency="urgent")
    clock.to(at(2023, 9, 25, 11, 0))
    last = receive(title="最后到的一般事项")
    rows = login(users.dispatcher).get("/loop/?box=to_dispatch").context["object_list"]
    assert [m.pk for m in rows if m.pk in (first.pk, urgent.pk, last.pk)] == [
        urgent.pk,
        first.pk,
        last.pk,
    ]


def test_overdue_and_reopened_rows_stand_out_and_old_dates_show_their_year(
    login, dispatched, users, clock
):
    from tests.fixtures.loop import at

    late = services.matter_sign(matter=dispatched(title="已超期的事项"), actor=users.clerk1)
    reopened = services.matter_sign(matter=dispatched(title="重办的事项"), actor=users.clerk1)
    Matter.objects.filter(pk=reopened.pk).update(status=Status.REOPENED, reopen_count=1)
    clock.to(at(2024, 1, 8, 9, 0))
    Matter.objects.filter(pk=reopened.pk).update(handle_deadline=at(2024, 1, 20, 17, 30))
    page = login(users.clerk1).get("/loop/?box=handling").content.decode()
    row = page[page.index(late.number) - 200 : page.index(late.number)]
    assert 'class="row-overdue"' in row
    row = page[page.index(reopened.number) - 200 : page.index(reopened.number)]
    assert 'class="row-reopened"' in row
    assert "2023-09-25 09:00" in page  # received last year: the year shows
    assert "01-20 17:30" in page and "2024-01-20" not in page  # this year's deadline: no year
