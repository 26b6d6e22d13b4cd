"""The header's search box (loop.search): a number, a tracking code or a phone opens the matter;
words find matters by title, content and address among those the user may see."""

import pytest
from django.db import connection

from longcheng.appeals.models import Appeal
from longcheng.loop import search
from longcheng.loop.models import Matter

pytestmark = pytest.mark.django_db


def found_numbers(client, q, box="all") -> str:
    return client.get("/loop/", {"box": box, "q": q}).content.decode()


def test_a_number_opens_the_matter(login, receive, users):
    matter = receive()
    response = login(users.dispatcher).get("/loop/", {"box": "all", "q": matter.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/loop/matters/{matter.pk}/"


def test_a_tracking_code_read_out_on_the_phone_opens_the_matter(login, receive, users):
    matter = receive()
    appeal = Appeal.objects.create(matter=matter)
    response = login(users.dispatcher).get(
        "/loop/", {"box": "all", "q": f" {appeal.tracking_code.lower()} "}
    )
    assert response["Location"] == f"/loop/matters/{matter.pk}/"


def test_a_phone_finds_every_matter_of_the_caller(login, receive, users):
    first = receive(reporter_phone="13912340077")
    second = receive(reporter_phone="13912340077")
    other = receive(reporter_phone="13912340078")
    page = found_numbers(login(users.dispatcher), "139 1234 0077")
    assert first.number in page and second.number in page
    assert other.number not in page


def test_words_find_matters_by_title_content_and_address(login, receive, users):
    by_title = receive(title="迎泽大街人行道被挖开没有恢复", description="已经一个月了。")
    by_content = receive(title="路面问题", description="小区门口井盖缺失，夜里有人摔倒")
    by_address = receive(title="噪音", description="很吵", address="小店区坞城路 88 号")
    unrelated = receive(title="供暖不热", description="室温只有 14 度")
    client = login(users.dispatcher)

    page = found_numbers(client, "人行道")
    assert by_title.number in page and unrelated.number not in page
    assert by_content.number in found_numbers(client, "井盖")
    assert by_address.number in found_numbers(client, "坞城路")
    # Two words: both must be there, anywhere.
    page = found_numbers(client, "井盖 摔倒")
    assert by_content.number in page and by_title.number not in page
    # The bigrams of a word may all occur without the word: 恢复 + 复没 are in the title,
    # but not "恢复没".
    assert by_title.number not in found_numbers(client, "恢复没")
    # One character, even the last one of a matter's text.
    assert by_address.number in found_numbers(client, "号")


def test_a_unit_finds_only_the_matters_it_may_see(login, dispatched, receive, users):
    mine = dispatched(title="工地夜间施工扰民一")
    not_mine = receive(title="工地夜间施工扰民二")  # not dispatched: the hotline's
    page = found_numbers(login(users.clerk1), "夜间施工")
    assert mine.number in page and not_mine.number not in page
    # Nor by its number: it is not opened, it is not found.
    response = login(users.clerk2).get("/loop/", {"box": "all", "q": mine.number})
    assert response.status_code == 200
    assert f"/loop/matters/{mine.pk}/" not in response.content.decode()


@pytest.mark.parametrize(
    "q", ["'", "\\", "a'b", "&|!", "施工:*", "()", "x" * 100, "  ", "１３９", "LC2099"]
)
def test_no_query_makes_a_server_error(login, receive, users, q):
    receive(title="a'b 施工:* 测试")
    response = login(users.dispatcher).get("/loop/", {"box": "all", "q": q})
    assert response.status_code in (200, 302)


def test_quotes_and_backslashes_are_searched_as_text(receive):
    matter = receive(title="it's 3\\4 施工", description="")
    for q in ("it's", "3\\4", "'s"):
        assert list(search.words_filter(Matter.objects.all(), q)) == [matter], q


def test_the_word_search_uses_the_bigram_index(receive):
    """If the expression in loop.search drifts from the index's, PostgreSQL scans 10 M rows;
    SQLite, the embedded default, has no such index and scans with LIKE."""
    matter = receive()
    found = search.words_filter(Matter.objects.all(), "夜间施工").order_by()
    assert list(found) == [matter]
    sql, params = found.query.sql_with_params()
    if connection.vendor != "postgresql":
        assert "LIKE" in sql and "longcheng_bigrams" not in sql
        return
    with connection.cursor() as cursor:
        # No scan of the table nor walk of another index: the bigram index, if it matches.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "matter_words_idx" in plan


def test_words_are_not_counted_the_list_pages_on_while_there_is_more(login, receive, users):
    matters = [receive(title=f"坞城路井盖缺失（{n}）") for n in range(23)]
    client = login(users.dispatcher)
    first = client.get("/loop/", {"box": "all", "q": "井盖", "per_page": 10}).content.decode()
    assert "还有更多" in first
    assert sum(m.number in first for m in matters) == 10
    last = client.get(
        "/loop/", {"box": "all", "q": "井盖", "per_page": 10, "page": 3}
    ).content.decode()
    assert "共 23 条" in last and "还有更多" not in last
    assert matters[0].number in last  # the oldest come last
    for page in ("abc", "-1", "99999"):
        response = client.get("/loop/", {"box": "all", "q": "井盖", "page": page})
        assert response.status_code in (200, 404), page


def test_a_common_word_walks_matters_newest_first_a_rare_one_uses_the_index(monkeypatch):
    shares = {"施工": 0.05, "工地": 0.02, "人行": 0.024, "行道": 0.025, "漏水": 0.001}
    monkeypatch.setattr(search, "_bigram_stats", lambda alias: (shares, 0.0005, 10_000_000))
    assert search.is_common(["施工"], "default")  # one matter in twenty
    assert search.is_common(["人行道"], "default")  # its rarest bigram decides
    assert not search.is_common(["漏水"], "default")  # 1 in 1,000 < √(20/10 M) ≈ 1 in 700
    assert not search.is_common(["杜鹃文苑"], "default")  # not among the common bigrams
    assert not search.is_common(["施工", "杜鹃文苑"], "default")
    assert search.is_common(["施"], "default")  # one character: the bigrams it starts


def test_one_character_is_judged_by_its_share_of_the_newest_matters(monkeypatch, receive):
    # 漏 starts many bigrams, none of them listed as common; it is in two thirds of the newest
    # matters, so the newest-first walk finds a page at once. 鼎 is in none of them.
    titles = ["楼顶漏水", "管道渗漏", "窗户漏雨", "燃气漏气", "路灯不亮", "噪音扰民"]
    for n, title in enumerate(titles):
        receive(title=f"{title}（{n}）")
    shares = {"施工": 0.05, "路灯": 0.02}
    monkeypatch.setattr(search, "_bigram_stats", lambda alias: (shares, 0.0005, 10_000_000))
    monkeypatch.setattr(search, "_recent", {})
    assert search.recent_share("漏", "default") == pytest.approx(4 / 6)
    assert search.is_common(["漏"], "default")
    assert search.recent_share("鼎", "default") == 0
    assert not search.is_common(["鼎"], "default")
    assert not search.is_common(["漏", "杜鹃文苑"], "default")  # the rarer word decides


def test_a_rare_word_reads_the_index_a_common_one_walks(monkeypatch):
    # On PostgreSQL a rare word is the bigram index plus an ILIKE (which the planner takes for
    # selective, so it reads the index); a common word a strpos on the walk newest first.
    shares = {"施工": 0.05}
    monkeypatch.setattr(search, "_bigram_stats", lambda alias: (shares, 0.0005, 10_000_000))
    monkeypatch.setattr(search, "_recent", {})
    rare = str(search.words_filter(Matter.objects.all(), "鼎").query)
    common = str(search.words_filter(Matter.objects.all(), "施工").query)
    if connection.vendor != "postgresql":
        assert "LIKE" in rare and "LIKE" in common  # SQLite scans either way
        return
    assert "@@" in rare and "LIKE" in rare and "strpos" not in rare
    assert "strpos" in common and "@@" not in common
