"""Searching the knowledge base by words: every word must be there, and a title hit ranks
above the same words in the answer text (PostgreSQL through the bigram index)."""

import pytest
from django.db import connection
from django.urls import reverse

from longcheng.knowledge import search
from longcheng.knowledge.models import Article

from .conftest import make

pytestmark = pytest.mark.django_db


def _titles(queryset):
    return list(queryset.order_by("-rank", "-updated_at", "-pk").values_list("title", flat=True))


def test_a_title_hit_ranks_first(articles):
    found = _titles(search.search(Article.objects.all(), "取暖费"))
    # 取暖费 is in the fee article's title; the heating article does not say it at all.
    assert found == ["取暖费缴纳时间与标准"]
    found = _titles(search.search(Article.objects.all(), "暖气不热"))
    # Title of the heating article (and the draft's); the property article only in its text.
    assert found[-1] == "物业服务收费争议"
    assert set(found[:2]) == {"供暖期室温不达标（暖气不热）的处理", "暖气不热报修流程（草稿）"}


def test_every_word_must_be_in_the_article(articles):
    assert _titles(search.search(Article.objects.all(), "室温 退费")) == ["取暖费缴纳时间与标准"]
    assert _titles(search.search(Article.objects.all(), "供热企业 停水")) == []
    # Bigrams that occur apart are not the word: 热企 and 企业 are in the text, 热企业 is.
    assert _titles(search.search(Article.objects.all(), "供水企业")) == ["计划停水通知的查询方式"]


def test_the_list_shows_the_best_match_first(articles, users, login):
    page = login(users.dispatcher).get(reverse("knowledge:list"), {"q": "暖气不热"})
    html = page.content.decode()
    first = html.index("供暖期室温不达标")
    assert first < html.index("物业服务收费争议")


def test_the_words_go_through_the_bigram_index(articles, users):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = search.search(Article.objects.all(), "暖气").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "knowledge_words_idx" in plan


def test_a_rewritten_article_is_found_by_its_new_words(articles, users):
    from longcheng.knowledge import services

    services.article_edit(
        article=articles.water,
        actor=users.clerk2,
        expected_version=articles.water.version,
        title="二次供水水箱清洗期间停水",
    )
    assert _titles(search.search(Article.objects.all(), "水箱清洗")) == ["二次供水水箱清洗期间停水"]
    assert _titles(search.search(Article.objects.all(), "查询方式")) == []


def test_one_character_and_latin_words(users, org):
    make(users.clerk1, org.brigade1, title="12345热线APP下载", body="在应用商店搜索“太原12345”。")
    assert _titles(search.search(Article.objects.all(), "app")) == ["12345热线APP下载"]
    assert _titles(search.search(Article.objects.all(), "载")) == ["12345热线APP下载"]
