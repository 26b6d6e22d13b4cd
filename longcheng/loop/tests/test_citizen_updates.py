"""告知诉求人: the reporter hears at dispatch, answer and reopening, with their own link; an
opt-out stops it and is recorded; a failing provider is recorded and never undoes the step;
an anonymous reporter hears nothing; the clerk sees on the matter page what was said."""

import pytest
from django.utils import timezone

from longcheng.appeals.tokens import matter_from_token
from longcheng.audit.models import AuditRecord
from longcheng.loop import citizen_updates, services, sms, wechat
from longcheng.loop.models import Matter, ReporterMessage
from longcheng.loop.workflow import Channel, Rating, Status

pytestmark = pytest.mark.django_db

Outcome = ReporterMessage.Outcome
PHONE = "13912340001"


@pytest.fixture(autouse=True)
def empty_outboxes():
    sms.outbox.clear()
    sms.template_outbox.clear()
    wechat.outbox.clear()


def _link_of(text: str) -> str:
    return text.rsplit("：", 1)[1]


def _day(value) -> str:
    day = timezone.localtime(value).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _hotline_matter(receive, **overrides):
    return receive(channel=Channel.HOTLINE, reporter_phone=PHONE, **overrides)


def test_dispatch_answer_and_reopening_each_text_the_reporter_with_their_link(
    receive, users, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        matter = _hotline_matter(receive)
    with django_capture_on_commit_callbacks(execute=True):
        matter = services.matter_dispatch(
            matter=matter, actor=users.dispatcher, lead_unit=org.brigade1
        )
    phone, text = sms.outbox[-1]
    assert phone == PHONE
    assert text.startswith("【龙城12345】")
    assert f"您的诉求{matter.number}已转交直属一大队办理" in text
    assert f"预计{_day(matter.handle_deadline)}前答复" in text and "退订" in text
    # The link is the reporter's own: it names this matter and no other.
    link = _link_of(text)
    assert link.startswith("http://") and "/a/m/" in link
    assert matter_from_token(link.rsplit("/", 1)[1]) == matter

    services.matter_sign(matter=matter, actor=users.clerk1)
    with django_capture_on_commit_callbacks(execute=True):
        matter = services.matter_answer(
            matter=Matter.objects.get(pk=matter.pk), actor=users.clerk1, text="已责令夜间停工。"
        )
    text = sms.outbox[-1][1]
    assert f"您的诉求{matter.number}已办结，请点链接查看答复并评价" in text
    assert _link_of(text) == link

    with django_capture_on_commit_callbacks(execute=True):
        matter = services.matter_rate(
            matter=matter, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
        )
    assert matter.status == Status.REOPENED
    text = sms.outbox[-1][1]
    assert f"您的诉求{matter.number}已交直属一大队重新办理" in text
    assert f"预计{_day(matter.handle_deadline)}前答复" in text

    sent = list(ReporterMessage.objects.filter(matter=matter).order_by("at", "pk"))
    assert [(m.template, m.channel, m.outcome) for m in sent] == [
        ("received", "sms", Outcome.SENT),
        ("dispatched", "sms", Outcome.SENT),
        ("answered", "sms", Outcome.SENT),
        ("reopened", "sms", Outcome.SENT),
    ]
    assert [m.text for m in sent[1:]] == [t for _p, t in sms.outbox[1:]]


def test_nothing_leaves_before_the_commit_nor_after_a_rollback(
    receive, users, org, django_capture_on_commit_callbacks
):
    matter = _hotline_matter(receive)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
        assert sms.outbox == [] and not ReporterMessage.objects.exists()
    assert callbacks  # it waits for the commit


def test_an_opted_out_reporter_gets_nothing_and_each_step_records_why(
    receive, users, org, django_capture_on_commit_callbacks
):
    matter = _hotline_matter(receive)
    citizen_updates.matter_updates_opt_out(matter=matter, actor=None, via="link")
    assert Matter.objects.get(pk=matter.pk).updates_opt_out is True
    audit = AuditRecord.objects.get(object_id=str(matter.pk), action="update")
    assert audit.actor_repr == "public"
    assert audit.detail == {"via": "link", "updates_opt_out": True}
    with django_capture_on_commit_callbacks(execute=True):
        services.matter_dispatch(
            matter=Matter.objects.get(pk=matter.pk), actor=users.dispatcher, lead_unit=org.brigade1
        )
    assert sms.outbox == []
    (record,) = ReporterMessage.objects.filter(matter=matter)
    assert (record.template, record.outcome) == ("dispatched", Outcome.OPTED_OUT)
    assert "已转交直属一大队办理" in record.text  # what the reporter would have been told


def test_a_failing_provider_is_recorded_and_the_dispatch_stands(
    receive, users, org, settings, django_capture_on_commit_callbacks
):
    settings.LONGCHENG_SMS_BACKEND = "longcheng.loop.tests.test_citizen_updates.RefusingBackend"
    matter = _hotline_matter(receive)
    with django_capture_on_commit_callbacks(execute=True):
        dispatched = services.matter_dispatch(
            matter=matter, actor=users.dispatcher, lead_unit=org.brigade1
        )
    assert Matter.objects.get(pk=matter.pk).status == Status.DISPATCHED == dispatched.status
    (record,) = ReporterMessage.objects.filter(matter=matter, template="dispatched")
    assert record.outcome == Outcome.FAILED
    assert record.error == "isv.BUSINESS_LIMIT_CONTROL 触发天级流控"


class RefusingBackend:
    def send(self, phone, text):
        raise RuntimeError("isv.BUSINESS_LIMIT_CONTROL 触发天级流控")


def test_an_anonymous_or_phoneless_reporter_is_sent_nothing(
    receive, users, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anonymous = _hotline_matter(receive, anonymous=True)
        phoneless = receive(channel=Channel.HOTLINE, reporter_phone="")
        for matter in (anonymous, phoneless):
            services.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
    assert sms.outbox == [] and not ReporterMessage.objects.exists()


def test_provider_template_ids_and_wechat_when_an_adapter_knows_the_openid(
    receive, users, org, settings, django_capture_on_commit_callbacks
):
    settings.LONGCHENG_REPORTER_CHANNELS = ["sms", "wechat"]
    settings.LONGCHENG_SMS_TEMPLATE_IDS = {"dispatched": "SMS_465870012"}
    settings.LONGCHENG_WECHAT_TEMPLATE_IDS = {"dispatched": "Wx9dK2-派单"}
    matter = _hotline_matter(receive)
    citizen_updates.register_wechat_openid(lambda m: "oXk2s-openid" if m.pk == matter.pk else "")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
    finally:
        citizen_updates._openid_providers.clear()
    ((phone, template_id, params),) = sms.template_outbox
    assert (phone, template_id) == (PHONE, "SMS_465870012")
    assert params["number"] == matter.number and params["unit"] == "直属一大队"
    ((openid, wx_template, data, url),) = wechat.outbox
    assert (openid, wx_template) == ("oXk2s-openid", "Wx9dK2-派单")
    assert data["character_string1"] == {"value": matter.number}
    assert data["thing2"] == {"value": "直属一大队"} and "/a/m/" in url
    channels = set(ReporterMessage.objects.values_list("channel", "outcome"))
    assert channels == {("sms", Outcome.SENT), ("wechat", Outcome.SENT)}


def test_staff_record_a_phoned_opt_out_and_the_page_shows_what_was_said(
    login, receive, users, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        matter = _hotline_matter(receive)
        services.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
    client = login(users.dispatcher)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert 'data-testid="reporter-messages"' in page
    assert "139****0001" in page and PHONE not in page
    assert "已转交直属一大队办理" in page and "已发送" in page
    token = _link_of(sms.outbox[-1][1]).rsplit("/", 1)[1]
    assert token not in page  # staff never hold the reporter's own link

    response = client.post(f"/loop/matters/{matter.pk}/reporter-updates/", {"opt_out": "1"})
    assert response.status_code == 302
    assert Matter.objects.get(pk=matter.pk).updates_opt_out is True
    audit = AuditRecord.objects.get(object_id=str(matter.pk), action="update")
    assert audit.actor_id == users.dispatcher.pk and audit.detail == {
        "via": "staff",
        "updates_opt_out": True,
    }
    assert "诉求人已退订进度消息" in client.get(matter.get_absolute_url()).content.decode()


def test_a_unit_that_does_not_handle_the_matter_cannot_stop_its_messages(
    login, receive, users, org
):
    matter = _hotline_matter(receive)
    services.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
    client = login(users.clerk2)  # another brigade: it does not even see the matter
    response = client.post(f"/loop/matters/{matter.pk}/reporter-updates/", {"opt_out": "1"})
    assert response.status_code == 404
    assert Matter.objects.get(pk=matter.pk).updates_opt_out is False
