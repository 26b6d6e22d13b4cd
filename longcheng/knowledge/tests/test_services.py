"""Keeping articles: who may, what a published change leaves behind, and two people editing
the same article at once."""

import datetime

import pytest
from django.urls import reverse

from longcheng.audit.models import AuditRecord
from longcheng.core.errors import ConcurrentEditError, PermissionRefused
from longcheng.knowledge import services
from longcheng.knowledge.models import Article
from longcheng.knowledge.selectors import last_change, versions_of

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_another_unit_cannot_edit_but_the_dispatch_centre_can(articles, users):
    water = articles.water  # the second brigade's
    with pytest.raises(PermissionRefused, match="维护单位"):
        services.article_edit(
            article=water, actor=users.clerk1, expected_version=water.version, title="改"
        )
    with pytest.raises(PermissionRefused):
        services.article_withdraw(
            article=water, actor=users.committee_clerk, expected_version=water.version, reason="无"
        )
    edited = services.article_edit(
        article=water,
        actor=users.dispatcher,
        expected_version=water.version,
        title="计划停水通知的查询方式（2023年版）",
    )
    assert edited.title.endswith("（2023年版）")
    # The team's leader keeps the articles of the brigades below it.
    services.article_edit(
        article=edited, actor=users.leader, expected_version=edited.version, summary="查询停水"
    )


def test_a_published_change_is_a_new_version_with_its_difference(articles, users):
    heating = articles.heating
    assert [v.number for v in versions_of(heating)] == [1]
    services.article_edit(
        article=heating,
        actor=users.clerk1,
        expected_version=heating.version,
        body=heating.body.replace("24小时", "当日"),
        note="上门时限缩短",
    )
    heating.refresh_from_db()
    versions = versions_of(heating)
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].note == "上门时限缩短" and versions[0].editor == users.clerk1
    (diff,) = last_change(versions)
    assert diff.label == "答复口径"
    assert [(p.op, p.text) for p in diff.pieces if p.op != "="] == [("-", "24小时"), ("+", "当日")]
    assert AuditRecord.objects.filter(
        object_type="knowledge.article", object_id=str(heating.pk), action="update"
    ).exists()


def test_a_draft_changes_without_versions_until_published(articles, users):
    draft = articles.draft
    draft = services.article_edit(
        article=draft, actor=users.clerk1, expected_version=draft.version, title="暖气不热报修流程"
    )
    assert versions_of(draft) == []
    draft = services.article_publish(
        article=draft, actor=users.clerk1, expected_version=draft.version
    )
    assert draft.status == Article.Status.PUBLISHED and draft.number == 1
    with pytest.raises(services.ArticleRefused, match="撤回原因"):
        services.article_withdraw(
            article=draft, actor=users.clerk1, expected_version=draft.version, reason=" "
        )
    draft = services.article_withdraw(
        article=draft, actor=users.clerk1, expected_version=draft.version, reason="并入供暖口径"
    )
    with pytest.raises(services.ArticleRefused, match="已撤回"):
        services.article_withdraw(
            article=draft, actor=users.clerk1, expected_version=draft.version, reason="再撤"
        )


def test_two_editors_at_once_the_second_is_told_not_overwritten(articles, users):
    opened = articles.fee.version  # both opened the same saved state
    services.article_edit(
        article=articles.fee, actor=users.clerk1, expected_version=opened, title="取暖费缴纳标准"
    )
    with pytest.raises(ConcurrentEditError, match=r"已被他人修改.*请刷新页面"):
        services.article_edit(
            article=articles.fee, actor=users.dispatcher, expected_version=opened, title="别的"
        )
    articles.fee.refresh_from_db()
    assert articles.fee.title == "取暖费缴纳标准"


def test_the_edit_page_shows_the_conflict_in_plain_chinese(articles, users, login):
    client = login(users.clerk1)
    url = reverse("knowledge:edit", args=[articles.fee.pk])
    opened = articles.fee.version
    services.article_edit(
        article=articles.fee, actor=users.dispatcher, expected_version=opened, summary="新摘要"
    )
    form = {
        "title": "取暖费缴纳时间",
        "kind": "answer",
        "unit": str(articles.fee.unit_id),
        "body": articles.fee.body,
        "valid_from": "2023-09-01",
        "version": str(opened),
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    articles.fee.refresh_from_db()
    assert articles.fee.title == "取暖费缴纳时间与标准"


def test_the_dates_must_make_sense(users, org):
    with pytest.raises(services.ArticleRefused, match="失效日期"):
        services.article_create(
            actor=users.clerk1,
            unit=org.brigade1,
            title="夜间施工许可",
            body="……",
            valid_from=TODAY,
            valid_until=TODAY - datetime.timedelta(days=1),
        )


def test_another_units_edit_page_is_refused(articles, users, login):
    response = login(users.clerk1).get(reverse("knowledge:edit", args=[articles.water.pk]))
    assert response.status_code == 302
    assert response.url == reverse("knowledge:detail", args=[articles.water.pk])
    response = login(users.clerk1).post(
        reverse("knowledge:action", args=[articles.water.pk, "withdraw"]),
        {"version": articles.water.version, "reason": "不用了"},
        follow=True,
    )
    assert "只有维护单位" in response.content.decode()
    articles.water.refresh_from_db()
    assert articles.water.status == Article.Status.PUBLISHED
