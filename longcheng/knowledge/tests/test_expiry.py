"""Before an article expires its keepers are told, 30 days and again 7 days before, once
each; renewing it settles the notice."""

import datetime

import pytest

from longcheng.knowledge import services
from longcheng.knowledge.models import Article
from longcheng.loop.models import Notification

from .conftest import TODAY, make

pytestmark = pytest.mark.django_db


def _notices(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.KNOWLEDGE)


def test_reminded_thirty_and_seven_days_before_once_each(users, org):
    article = make(
        users.clerk1,
        org.brigade1,
        title="2023年度特约监督员招募公告",
        valid_until=TODAY + datetime.timedelta(days=30),
    )
    later = make(users.clerk1, org.brigade1, title="长期口径", valid_until=None)
    assert services.knowledge_expiry_sweep(day=TODAY) == 1
    assert services.knowledge_expiry_sweep(day=TODAY) == 0  # once
    (notice,) = _notices(users.clerk1)
    assert notice.subject == f"knowledge.article:{article.pk}"
    assert "还有 30 天" in notice.title and notice.url == article.get_absolute_url()
    assert not _notices(users.clerk2).exists()  # another brigade's staff are not told
    assert services.knowledge_expiry_sweep(day=TODAY + datetime.timedelta(days=10)) == 0
    assert services.knowledge_expiry_sweep(day=TODAY + datetime.timedelta(days=23)) == 1
    assert services.knowledge_expiry_sweep(day=TODAY + datetime.timedelta(days=24)) == 0
    assert _notices(users.clerk1).count() == 2
    assert "还有 7 天" in _notices(users.clerk1).order_by("-pk").first().title
    assert later.pk  # an article without an end is never reminded


def test_renewal_settles_the_notice_and_a_new_date_is_reminded_again(users, org):
    article = make(
        users.clerk1,
        org.brigade1,
        title="供暖期报修电话",
        valid_until=TODAY + datetime.timedelta(days=5),
    )
    services.knowledge_expiry_sweep(day=TODAY)
    (notice,) = _notices(users.clerk1)
    assert "还有 5 天" in notice.title  # late: one notice, not two
    article.refresh_from_db()
    renewed = services.article_edit(
        article=article,
        actor=users.clerk1,
        expected_version=article.version,
        valid_until=TODAY + datetime.timedelta(days=365),
        note="续期一年",
    )
    notice.refresh_from_db()
    assert notice.resolved_at is not None
    assert services.knowledge_expiry_sweep(day=TODAY) == 0
    assert (
        services.knowledge_expiry_sweep(day=renewed.valid_until - datetime.timedelta(days=30)) == 1
    )


def test_withdrawn_and_draft_articles_are_not_reminded(users, org):
    soon = TODAY + datetime.timedelta(days=3)
    make(users.clerk1, org.brigade1, title="草稿", publish=False, valid_until=soon)
    gone = make(users.clerk1, org.brigade1, title="撤回的", valid_until=soon)
    services.article_withdraw(
        article=gone, actor=users.clerk1, expected_version=gone.version, reason="不再适用"
    )
    assert services.knowledge_expiry_sweep(day=TODAY) == 0
    assert Article.objects.count() == 2


def test_the_list_filters_what_is_about_to_expire(users, org, login):
    make(
        users.clerk1,
        org.brigade1,
        title="即将到期的口径",
        valid_until=TODAY + datetime.timedelta(days=9),
    )
    make(users.clerk1, org.brigade1, title="长期有效的口径")
    page = login(users.clerk1).get("/knowledge/", {"validity": "expiring"}).content.decode()
    assert "即将到期的口径" in page and "长期有效的口径" not in page
    assert "还有 9 天" in page
