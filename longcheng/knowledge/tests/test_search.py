"""Searching the knowledge base by words: every word must be there, and a title hit ranks
above the same words in the answer text (PostgreSQL through the bigram index)."""

import datetime

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
    """PostgreSQL answers the words from the bigram index; SQLite, the embedded default,
    scans (LIKE) and finds the same articles."""
    found = search.search(Article.objects.all(), "暖气")
    assert _titles(found)  # the heating articles are found either way
    sql, params = found.query.sql_with_params()
    if connection.vendor != "postgresql":
        assert "LIKE" in sql.upper()
        return
    with connection.cursor() as cursor:
        # A few rows: without these the planner may walk any index and filter; the words'
        # condition can be answered only by the bigram index (a bitmap scan).
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
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


def _aged(article, days_ago):
    """Last changed `days_ago` days before the frozen today."""
    Article.objects.filter(pk=article.pk).update(
        updated_at=article.updated_at - datetime.timedelta(days=days_ago)
    )
    return article


def test_title_hits_come_before_keyword_hits_before_the_text_newest_first(users, org):
    u, b = users.clerk1, org.brigade1
    _aged(make(u, b, title="居民用气报装", body="燃气开户请携带房产证。"), 9)
    _aged(make(u, b, title="燃气表更换（旧）", body="请联系燃气公司。"), 8)
    _aged(make(u, b, title="管道检修通知", keywords="燃气,停气", body="检修期间停止供气。"), 7)
    _aged(make(u, b, title="燃气泄漏怎么办", body="立即关阀开窗。"), 1)
    _aged(make(u, b, title="冬季安全提示", body="使用燃气热水器注意通风。"), 0)
    assert _titles(search.search(Article.objects.all(), "燃气")) == [
        # The title's hits, the newest first; then the keywords'; then the text's, newest first.
        "燃气泄漏怎么办",
        "燃气表更换（旧）",
        "管道检修通知",
        "冬季安全提示",
        "居民用气报装",
    ]


def test_an_article_with_every_word_in_its_title_comes_first(users, org):
    u, b = users.clerk1, org.brigade1
    _aged(make(u, b, title="物业服务收费标准", body="按合同约定。"), 5)
    _aged(make(u, b, title="物业报修电话", body="维修收费另计。"), 0)
    _aged(make(u, b, title="停车场管理", keywords="物业,收费", body="请咨询。"), 0)
    _aged(make(u, b, title="小区公告", body="物业将调整收费。"), 0)
    assert _titles(search.search(Article.objects.all(), "收费 物业")) == [
        "物业服务收费标准",  # both words in the title, though older
        "物业报修电话",  # one word in the title
        "停车场管理",  # both in the keywords
        "小区公告",  # only in the text
    ]


def test_the_pages_read_tier_by_tier_follow_the_order_of_the_whole(users, org):
    u, b = users.clerk1, org.brigade1
    for n in range(18):
        where = n % 3
        make(
            u,
            b,
            title=f"供暖答复{n}" if where == 0 else f"答复{n}",
            keywords="供暖" if where == 1 else "",
            body="供暖期间请联系热力公司。" if where == 2 else "请答复。",
        )
    for text in ("供暖", "暖", "供暖 答复"):
        found = search.search(Article.objects.all(), text)
        whole = list(found.order_by(*search.ORDER).values_list("pk", flat=True))
        pages = [search.page_ids(found, text, start, start + 5) for start in range(0, 20, 5)]
        assert [pk for page in pages for pk in page] == whole
        assert search.Ranked(found, text).count() == len(whole) == 18


def test_the_list_pages_a_common_word_without_repeating_a_row(users, org, login):
    for n in range(30):
        make(users.clerk1, org.brigade1, title=f"小区{n:02d}号楼供暖", body="请答复。")
    client = login(users.dispatcher)
    seen = []
    for page in (1, 2):
        html = client.get(reverse("knowledge:list"), {"q": "小区", "page": page}).content.decode()
        seen += [f"小区{n:02d}号楼供暖" for n in range(30) if f"小区{n:02d}号楼供暖" in html]
    assert sorted(seen) == [f"小区{n:02d}号楼供暖" for n in range(30)]


def test_a_search_counts_its_hits_up_to_its_own_cap(users, org, login, monkeypatch):
    # A ranked search stops counting sooner than the plain list (core.counting); the page says
    # so and still pages through what it counted.
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 25)
    for n in range(30):
        make(users.clerk1, org.brigade1, title=f"小区{n:02d}号楼供暖", body="请答复。")
    client = login(users.dispatcher)
    html = client.get(reverse("knowledge:list"), {"q": "小区"}).content.decode()
    assert "超过 25 条" in html
    listed = client.get(reverse("knowledge:list")).content.decode()
    assert "共 30 条" in listed  # the list without words counts as far as every list does
