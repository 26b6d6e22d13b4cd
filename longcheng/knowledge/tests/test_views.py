"""The knowledge pages as staff use them: the list with its filters and export, a new
article, its page with versions, and who gets in."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from longcheng.knowledge.models import Article

pytestmark = pytest.mark.django_db


def test_staff_read_published_articles_and_their_own_drafts(articles, users, login):
    own = login(users.clerk1).get(reverse("knowledge:list")).content.decode()
    assert "暖气不热报修流程（草稿）" in own and "计划停水通知的查询方式" in own
    other = login(users.clerk2).get(reverse("knowledge:list")).content.decode()
    assert "暖气不热报修流程（草稿）" not in other
    assert login(users.clerk2).get(articles.draft.get_absolute_url()).status_code == 404
    assert login(users.dispatcher).get(articles.draft.get_absolute_url()).status_code == 200


def test_filters_and_export(articles, users, login):
    client = login(users.dispatcher)
    page = client.get(reverse("knowledge:list"), {"status": "draft"}).content.decode()
    assert "暖气不热报修流程（草稿）" in page and "取暖费缴纳时间与标准" not in page
    response = client.get(reverse("knowledge:list"), {"q": "供暖", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    titles = {row[0] for row in rows}
    assert "供暖期室温不达标（暖气不热）的处理" in titles
    assert "计划停水通知的查询方式" not in titles
    assert any(articles.heating.body == cell for row in rows for cell in row)


def test_a_clerk_writes_and_publishes_an_article(users, org, login):
    client = login(users.clerk1)
    response = client.post(
        reverse("knowledge:create"),
        {
            "title": "建筑工地夜间施工审批查询",
            "kind": "guide",
            "unit": str(org.brigade1.pk),
            "body": "夜间施工须取得夜间施工许可，可拨打12345转城管执法队核实。",
            "keywords": "夜间施工,许可",
            "valid_from": "2023-09-25",
            "publish": "on",
        },
    )
    article = Article.objects.get(title="建筑工地夜间施工审批查询")
    assert response.status_code == 302 and response.url == article.get_absolute_url()
    assert article.status == Article.Status.PUBLISHED and article.number == 1
    page = client.get(article.get_absolute_url()).content.decode()
    assert "第 1 版" in page and "撤回" in page
    # A unit the clerk does not act for is not offered.
    response = client.post(
        reverse("knowledge:create"),
        {
            "title": "x",
            "kind": "guide",
            "unit": str(org.brigade2.pk),
            "body": "y",
            "valid_from": "2023-09-25",
        },
    )
    assert response.status_code == 200 and not Article.objects.filter(title="x").exists()


def test_who_gets_in(articles, users, login):
    for name in ("knowledge:list", "knowledge:assist", "knowledge:create"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert login(users.auditor).get(reverse(name)).status_code == 403
    assert login(users.committee_clerk).get(reverse("knowledge:assist")).status_code == 200
    bad = login(users.dispatcher).get(
        reverse("knowledge:list"), {"per_page": "x" * 50, "q": "暖" * 500}
    )
    assert bad.status_code == 200
