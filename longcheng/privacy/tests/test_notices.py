"""PIPL art. 17: every form that collects personal data shows who handles it and how to reach
them, what is collected and why, how long it is kept (from the settings the retention purge
obeys) and how to exercise one's rights; each submission keeps the version it was shown, and
the public privacy-policy page lists every version."""

import datetime
import re

import pytest

from longcheng.appeals.models import Appeal, MonitoringPoint
from longcheng.appeals.tokens import point_token
from longcheng.core import notices
from longcheng.core.errors import LongchengError
from longcheng.privacy import services
from longcheng.privacy.models import NoticeKey, PrivacyNotice
from longcheng.privacy.rules import period_words
from longcheng.privacy.selectors import notice_current
from longcheng.volunteers.models import RecruitmentCampaign

pytestmark = pytest.mark.django_db

HANDLER = "太原市小店区营商环境监督委员会办公室"


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """On the loop's frozen clock (2023-09-25 09:00): the notices of 2023-08 are in force."""
    return clock


@pytest.fixture
def point(org):
    return MonitoringPoint.objects.create(
        code="xd-hall", name="小店政务大厅", unit=org.committee, division=org.xiaodian
    )


@pytest.fixture
def campaign(org):
    return RecruitmentCampaign.objects.create(
        name="2023太原能源低碳发展论坛志愿者招募",
        unit=org.team,
        apply_until=datetime.date(2023, 10, 10),
        service_from=datetime.date(2023, 10, 16),
        service_until=datetime.date(2023, 10, 20),
        places=3,
        slug="forum",
    )


def _block(page: str) -> str:
    found = re.search(r'<details class="notice[^"]*" data-testid="notice".*?</details>', page, re.S)
    assert found, "no personal-information notice on the page"
    return found.group(0)


def _assert_complete(block: str, key: str) -> None:
    notice = notice_current(key)
    assert HANDLER in block and notice.handler in block and notice.contact in block
    assert "个人信息处理者" in block and "联系方式" in block
    assert notice.purposes in block and "处理目的" in block
    assert "保存期限" in block
    assert "查阅、复制、更正" in block and "删除" in block
    assert 'href="/privacy/policy/#rights"' in block


@pytest.mark.parametrize("with_point", [False, True])
def test_the_appeal_form_shows_the_whole_notice(client, point, settings, with_point):
    settings.LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS = 730
    url = f"/a/p/{point_token(point)}/" if with_point else "/a/"
    block = _block(client.get(url).content.decode())
    _assert_complete(block, "appeal")
    assert "归档后保存 2 年" in block  # the setting, in plain words


def test_the_volunteer_form_shows_the_whole_notice(client, campaign, settings):
    settings.LONGCHENG_RETENTION_UNSELECTED_APPLICANT_DAYS = 90
    page = client.get(f"/v/{campaign.slug}/").content.decode()
    block = _block(page)
    _assert_complete(block, "volunteer")
    assert "90 日（约 3 个月）" in block
    # The version the form sends back is the version whose text it shows.
    sent = re.search(r'name="notice_version" value="([^"]+)"', page).group(1)
    assert f'data-notice="volunteer/{sent}"' in block


def test_the_counter_shows_the_requester_the_notice_and_the_request_keeps_its_version(login, users):
    client = login(users.committee_clerk)
    block = _block(client.get("/privacy/new/").content.decode())
    _assert_complete(block, "data_request")
    request = services.data_request_receive(
        actor=users.committee_clerk,
        kind="access",
        requester_name="贺文静",
        requester_phone="13912340001",
        detail="想了解平台保存了我哪些信息。",
    )
    assert request.notice == notice_current("data_request").reference


def test_the_appeal_keeps_the_version_of_the_notice_it_showed(client, point):
    url = f"/a/p/{point_token(point)}/"
    page = client.get(url).content.decode()
    shown = re.search(r'data-notice="([^"]+)"', _block(page)).group(1)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page)
    key = key or re.search(r'value="([^"]+)"[^>]*name="submission_key"', page)
    version = re.search(r'name="notice_version" value="([^"]+)"', page).group(1)
    response = client.post(
        url,
        {
            "submission_key": key.group(1),
            "category": "",
            "description": "办理营业执照变更，窗口要求重复提交材料。",
            "reporter_name": "王先生",
            "reporter_phone": "13800001111",
            "consent": "on",
            "notice_version": version,
            "confirm_new": "1",
        },
    )
    assert response.status_code == 302
    assert Appeal.objects.get().consent_notice == shown


def test_every_version_a_form_can_send_back_is_published():
    for kind, version in notices.NOTICES:
        assert PrivacyNotice.objects.filter(key=kind, version=version).exists()
    for kind in {k for k, _v in notices.NOTICES}:
        assert notice_current(kind).version == notices.current(kind).version


def test_the_policy_page_lists_every_form_and_its_earlier_versions(client, settings):
    settings.LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS = 1095
    services.privacy_notice_publish(
        key=NoticeKey.DATA_REQUEST,
        version="2023-09",
        title="个人信息权利请求告知",
        handler=HANDLER,
        contact="0351-12345；privacy@xiaodian.example",
        collected="请求人姓名、手机号码。",
        purposes="核验身份并答复（第二版）。",
        effective_from=datetime.date(2023, 9, 1),
        actor_repr="test",
    )
    response = client.get("/privacy/policy/")  # no account
    assert response.status_code == 200
    page = response.content.decode()
    for label in NoticeKey.labels:
        assert str(label) in page
    assert "现行版本 2023-09" in page and "核验身份并答复（第二版）" in page
    assert 'data-testid="earlier-data_request/2023-08"' in page
    assert "归档后保存 3 年" in page and 'id="rights"' in page


def test_a_version_in_force_later_waits_and_the_public_forms_link_the_policy(client):
    services.privacy_notice_publish(
        key=NoticeKey.DATA_REQUEST,
        version="2024-01",
        title="个人信息权利请求告知",
        handler=HANDLER,
        contact="12345",
        collected="姓名、手机号码。",
        purposes="下一版。",
        effective_from=datetime.date(2024, 1, 1),
        actor_repr="test",
    )
    assert notice_current("data_request").version == "2023-08"  # the clock is in 2023
    assert notice_current("data_request", datetime.date(2024, 1, 1)).version == "2024-01"
    for url in ("/a/", "/a/track/", "/open/figures/", "/privacy/policy/"):
        assert 'href="/privacy/policy/"' in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"version": "2023-08"}, "第十七条"),  # a published text is never edited
        ({"effective_from": datetime.date(2023, 7, 1)}, "晚于现行版本"),
        ({"key": "appeal"}, "core.notices"),  # the form could not send this version back
        ({"key": "nothing"}, "没有这个表单"),
    ],
)
def test_a_notice_version_is_refused_when_it_would_blur_what_was_shown(overrides, reason):
    row = {
        "key": NoticeKey.DATA_REQUEST,
        "version": "2023-10",
        "title": "告知",
        "handler": HANDLER,
        "contact": "12345",
        "collected": "姓名。",
        "purposes": "答复。",
        "effective_from": datetime.date(2023, 10, 1),
        "actor_repr": "test",
    } | overrides
    with pytest.raises(LongchengError, match=reason):
        services.privacy_notice_publish(**row)


@pytest.mark.parametrize(
    ("days", "words"),
    [(1095, "3 年"), (365, "1 年"), (180, "180 日（约 6 个月）"), (45, "45 日"), (7, "7 日")],
)
def test_retention_periods_in_plain_words(days, words):
    assert period_words(days) == words
