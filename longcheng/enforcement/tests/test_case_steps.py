"""The case page's steps read every posted value through a form: a forged or malformed value
is a message on the case page, never a server error, and nothing is written."""

import pytest
from django.urls import reverse


def _step(client, case, step, data):
    return client.post(
        reverse("enforcement:case_step", args=[case.pk, step]), data, follow=True
    ).content.decode()


@pytest.mark.parametrize(
    "step, data",
    [
        ("payment", {"amount": "1e999", "paid_on": "2023-10-01"}),
        ("payment", {"amount": "100", "paid_on": "9999-01-01"}),
        ("schedule_hearing", {"chair": "1", "hearing_at": "not a time"}),
        ("schedule_hearing", {"chair": "99999999999999999999", "hearing_at": "2023-10-20T09:00"}),
        ("preservation", {"evidence": "abc", "decision": "解除保存"}),
        ("extend", {"until": "31/02/2023", "reason": "案情复杂需要延长"}),
        ("review", {"passed": "maybe", "opinion": "同意"}),
        ("decide", {"outcome": "penalty", "version": "-1"}),
        ("notify", {"circumstance": "ordinary", "fine": "1" * 30}),
        ("notice_receipt", {"received_on": "2023-13-40"}),
        ("hearing_waiver", {"record": "x" * 300}),
        ("release", {"evidence": "-3", "note": "已返还"}),
        ("serve", {"method": "直接送达", "served_on": "2023-09-25", "late_reason": "x" * 400}),
    ],
)
def test_a_malformed_post_is_a_message(login, filed, officers, step, data):
    before = (filed.status, filed.version)
    page = _step(login(officers.leader), filed, step, data)
    assert "填写有误" in page
    filed.refresh_from_db()
    assert (filed.status, filed.version) == before


def test_an_unknown_step_is_refused(login, filed, officers):
    client = login(officers.leader)
    url = reverse("enforcement:case_step", args=[filed.pk, "burn"])
    assert client.post(url, {}).status_code == 403


def test_a_step_reports_the_services_refusal(login, filed, officers):
    page = _step(login(officers.leader), filed, "decline", {"reason": "x"})
    assert "已决定不予立案" not in page
    filed.refresh_from_db()
    assert filed.status == "filed"


def test_the_case_list_ignores_a_forged_late_filter(login, officers):
    client = login(officers.leader)
    assert client.get(reverse("enforcement:cases"), {"late": "yes"}).status_code == 200
    assert client.get(reverse("enforcement:cases"), {"late": "1"}).status_code == 200


def test_the_notice_receipt_is_recorded_from_the_case_page(login, notified, officers, clock):
    import datetime

    from tests.fixtures.loop import at

    notified.stop_work = True  # the hearing thresholds
    notified.save()
    clock.to(at(2023, 9, 27, 9))
    page = _step(login(officers.a), notified, "notice_receipt", {"received_on": "2023-09-26"})
    assert "听证申请期限自该日起算" in page
    notified.refresh_from_db()
    assert notified.notice_received_on == datetime.date(2023, 9, 26)
