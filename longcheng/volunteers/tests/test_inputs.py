"""Every typed or posted value of the volunteer pages goes through a form: a wrong one is a
message naming the field, never a server error."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from longcheng.volunteers import services
from longcheng.volunteers.models import Application, Score

from .conftest import apply


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def candidate(forum, users):
    app = apply(forum, "赵一")
    services.screening_auto(actor=users.leader, campaign=forum.campaign)
    services.slots_assign(actor=users.leader, campaign=forum.campaign)
    app.refresh_from_db()
    return app


@pytest.mark.parametrize("bad", ["abc", "1e999", "NaN", "-1", "100.5", "85.25"])
def test_a_judges_wrong_score_is_a_message_naming_the_item(login, users, candidate, bad):
    client = login(users.leader)
    response = client.post(
        reverse("volunteers:judge"),
        {"application": candidate.pk, "intro": "80", "english": bad, "general": "70"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?a={candidate.pk}")
    assert "英语口语" in _messages(response)
    assert not Score.objects.exists()


def test_a_judges_score_in_the_stored_precision_is_kept(login, users, candidate):
    client = login(users.leader)
    client.post(
        reverse("volunteers:judge"),
        {"application": candidate.pk, "intro": "80", "english": "85.5", "general": "70"},
    )
    assert str(Score.objects.get(criterion="english").value) == "85.5"


def test_the_judges_page_ignores_a_wrong_candidate_id(login, users, candidate):
    client = login(users.leader)
    assert client.get(reverse("volunteers:judge") + "?a=abc").status_code == 200
    assert client.post(reverse("volunteers:judge"), {"application": "1e9"}).status_code == 404


def test_a_wrong_correction_score_is_a_message(login, forum, users, candidate):
    client = login(users.leader)
    response = client.post(
        candidate.get_absolute_url(),
        {
            "action": "correct_scores",
            "judge": users.leader.pk,
            "score_intro": "80",
            "score_english": "1e999",
            "score_general": "70",
            "reason": "按评分表原件更正",
        },
    )
    assert response.status_code == 302 and "英语口语" in _messages(response)


def test_an_override_to_a_position_of_another_campaign_is_refused(login, forum, users, candidate):
    client = login(users.leader)
    response = client.post(
        candidate.get_absolute_url(), {"position": "999999", "reason": "人工调整理由"}
    )
    assert response.status_code == 302 and "岗位" in _messages(response)
    candidate.refresh_from_db()
    assert candidate.position is None


def test_wrong_query_parameters_are_named_and_ignored(login, forum, users, candidate):
    client = login(users.leader)
    roster = client.get(reverse("volunteers:roster", args=[forum.campaign.pk]) + "?day=2023-13-45")
    assert roster.status_code == 200 and "日期" in _messages(roster)
    listing = client.get(
        reverse("volunteers:applications", args=[forum.campaign.pk]) + "?status=nonsense&page=x"
    )
    assert listing.status_code == 200 and "赵一" in listing.content.decode()
    hours = client.get(reverse("volunteers:hours", args=[forum.campaign.pk]) + "?certificate=abc")
    assert hours.status_code == 200 and "服务证明" in _messages(hours)


def test_bulk_screening_without_a_decision_is_a_message(login, forum, users):
    app = apply(forum, "甲")
    client = login(users.leader)
    response = client.post(
        reverse("volunteers:applications", args=[forum.campaign.pk]),
        {"application": [app.pk, "x"], "reason": "理由"},
    )
    assert "审核结论" in _messages(response)
    app.refresh_from_db()
    assert app.status == "submitted"


def test_the_status_page_asks_for_a_slot_instead_of_failing(client, candidate):
    url = reverse("volunteers:public_status", args=[candidate.code])
    page = client.post(url, {}).content.decode()
    assert "请选择面试时段" in page
    page = client.post(url, {"slot": "abc"}).content.decode()
    assert "面试时段" in page


def test_the_application_form_names_a_wrong_date(client, forum):
    page = client.post(
        reverse("volunteers:apply", args=[forum.campaign.slug]),
        {
            "full_name": "李明",
            "id_number": "x",
            "phone": "13912345678",
            "organisation": "太原理工大学",
            "date": ["2023-10-16", "not-a-day"],
            "preference": [forum.service.pk, ""],
        },
    ).content.decode()
    assert "可服务日期" in page
    assert not Application.objects.exists()
