"""GET /knowledge/suggest/: while an operator types a complaint, the relevant published and
valid articles come back (the 12345 workbench's contract), never an expired, future, draft or
withdrawn one."""

import datetime

import pytest
from django.urls import reverse

from longcheng.knowledge import services
from longcheng.knowledge.search import text_bigrams

from .conftest import TODAY, make

pytestmark = pytest.mark.django_db

URL = reverse("knowledge:suggest")
COMPLAINT = "我家住在小店区坞城路某小区，这几天暖气不热，室温只有十五度，给物业打电话也没人管。"


def _suggest(client, q, **more):
    response = client.get(URL, {"q": q, **more})
    assert response.status_code == 200
    return response.json()["articles"]


def test_a_typed_complaint_brings_the_heating_answer_first(articles, users, login):
    found = _suggest(login(users.dispatcher), COMPLAINT)
    assert found[0]["title"] == "供暖期室温不达标（暖气不热）的处理"
    assert found[0] == {
        "id": articles.heating.pk,
        "title": "供暖期室温不达标（暖气不热）的处理",
        "kind": "标准答复",
        "category": None,
        "unit": "直属一大队",
        "answer": articles.heating.body,
        "url": reverse("knowledge:detail", args=[articles.heating.pk]),
        "valid_until": None,
    }
    titles = [a["title"] for a in found]
    assert "计划停水通知的查询方式" not in titles  # nothing of water in the complaint
    assert "暖气不热报修流程（草稿）" not in titles  # a draft is not offered
    assert len(found) <= 5


def test_a_few_words_suffice(articles, users, login):
    found = _suggest(login(users.clerk2), "停水")
    assert [a["title"] for a in found] == ["计划停水通知的查询方式"]


def test_never_an_expired_withdrawn_or_future_article(articles, users, org, login):
    expired = make(
        users.clerk1,
        org.brigade1,
        title="暖气不热室温不达标（2022-2023 采暖季口径）",
        keywords="暖气不热,室温",
        valid_from=datetime.date(2022, 11, 1),
        valid_until=TODAY - datetime.timedelta(days=1),
        publish=False,
    )
    # Published while it held, then its date passed.
    expired.status = "published"
    expired.save(update_fields=["status"])
    future = make(
        users.clerk1,
        org.brigade1,
        title="暖气不热室温不达标（下个采暖季口径）",
        keywords="暖气不热,室温",
        valid_from=TODAY + datetime.timedelta(days=30),
    )
    services.article_withdraw(
        article=articles.heating,
        actor=users.clerk1,
        expected_version=articles.heating.version,
        reason="口径调整",
    )
    ids = {a["id"] for a in _suggest(login(users.dispatcher), COMPLAINT)}
    assert ids.isdisjoint({expired.pk, future.pk, articles.heating.pk})


def test_the_category_tips_the_balance(articles, users, org, login, catalogue):
    noise = catalogue["noise"]
    night = make(
        users.clerk1,
        org.brigade1,
        title="夜间施工噪音的投诉受理",
        keywords="夜间施工,噪音",
        category=noise,
    )
    dust = make(users.clerk1, org.brigade1, title="施工扬尘与夜间渣土车", keywords="扬尘,渣土")
    client = login(users.dispatcher)
    # The dust article shares more of the words ...
    assert [a["id"] for a in _suggest(client, "夜间施工扬尘")] == [dust.pk, night.pk]
    # ... but the operator chose 城市管理, whose 夜间施工噪音 the night article is filed in.
    found = _suggest(client, "夜间施工扬尘", category=str(catalogue["root"].pk))
    assert [a["id"] for a in found] == [night.pk, dust.pk]
    assert found[0]["category"] == "夜间施工噪音"


def test_the_request_is_bounded(articles, users, login):
    client = login(users.dispatcher)
    assert client.get(URL, {"q": "暖" * 2001}).status_code == 400
    assert client.get(URL, {"q": "暖气", "category": "x"}).status_code == 400
    assert client.get(URL, {"q": "暖气", "category": "99999999"}).status_code == 200
    assert client.get(URL).json() == {"articles": []}
    assert _suggest(client, "，。！？") == []
    assert _suggest(client, "'\\:*&|!()") == []  # tsquery syntax is only text


def test_signed_in_staff_only(articles, users, login, client):
    response = client.get(URL, {"q": "暖气不热"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert login(users.sysadmin).get(URL, {"q": "暖气不热"}).status_code == 403


def test_bigrams_of_a_typed_text():
    assert text_bigrams("暖气 不热，室温") == ["暖气", "气不", "不热", "室温"]
    assert text_bigrams("A。B") == []
