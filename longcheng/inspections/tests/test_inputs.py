"""The inspection pages read every input through a form or an action table: their buttons
still do what they did, and a wrong value is a message naming the field, never a server
error."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from longcheng.inspections import selectors, services
from longcheng.inspections.models import Answer, ChecklistItem, ChecklistTemplate

from .conftest import answer_all, submit


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_template_page_buttons_make_a_version_edit_it_and_publish(login, template, inspectors):
    client = login(inspectors.leader)
    response = client.post(template.get_absolute_url(), {"action": "new_version"})
    draft = ChecklistTemplate.objects.get(code=template.code, version=2)
    assert response["Location"] == draft.get_absolute_url()
    section = draft.sections.first()
    client.post(
        draft.get_absolute_url(),
        {"section": section.pk, "text": "夜间施工许可", "answer_type": "pass_fail", "max_score": 5},
    )
    added = ChecklistItem.objects.get(section=section, text="夜间施工许可")
    client.post(draft.get_absolute_url(), {"action": "delete_item", "item": added.pk})
    assert not ChecklistItem.objects.filter(pk=added.pk).exists()
    bad = client.post(draft.get_absolute_url(), {"action": "delete_item", "item": "abc"})
    assert bad.status_code == 302 and "检查项" in _messages(bad)
    wrong = client.post(draft.get_absolute_url(), {"section": section.pk, "max_score": "x"})
    assert "检查内容" in _messages(wrong) or "分值" in _messages(wrong)
    client.post(draft.get_absolute_url(), {"action": "publish"})
    draft.refresh_from_db()
    template.refresh_from_db()
    assert (draft.status, template.status) == ("published", "retired")


def test_only_the_owning_unit_changes_a_template(login, template, inspectors):
    response = login(inspectors.a).post(template.get_absolute_url(), {"action": "new_version"})
    assert response.status_code == 403


def test_a_campaign_page_with_a_wrong_filter_still_shows(login, campaign, inspectors):
    response = login(inspectors.leader).get(campaign.get_absolute_url() + "?show=everything")
    assert response.status_code == 200 and response.context["show"] == "selected"


def test_a_posted_draw_seed_is_refused_by_name(login, inspectors, campaign):
    url = reverse("inspections:campaign_action", args=[campaign.pk, "draw"])
    response = login(inspectors.leader).post(url, {"seed": "x" * 100, "reason": "计划"})
    assert response.status_code == 302 and "随机种子由系统" in _messages(response)


def test_an_unknown_campaign_action_is_not_found(login, campaign, inspectors):
    url = reverse("inspections:campaign_action", args=[campaign.pk, "explode"])
    assert login(inspectors.leader).post(url).status_code == 404


@pytest.fixture
def visit(campaign, inspectors, records):
    target = campaign.targets.get(site=records.site2)
    return services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"score": "1e999"}, "填写有误"),
        ({"score": "NaN"}, "须填写数字"),
        ({"score": "abc"}, "须填写数字"),
        ({"number": "1e999"}, "填写有误"),
        ({"score": "3.25"}, "填写有误"),
    ],
)
def test_a_wrong_number_from_the_phone_is_refused_by_name(login, visit, inspectors, payload, named):
    scored = next(i for i in selectors.visit_items(visit) if i.max_score)
    response = login(inspectors.a).post(
        reverse("inspections:visit_sync", args=[visit.pk]),
        {"op_id": "n-1", "kind": "answer", "payload": json.dumps({"item": scored.pk, **payload})},
    )
    assert response.status_code == 400
    assert named in response.json()["error"] and scored.text in response.json()["error"]
    assert not Answer.objects.filter(visit=visit).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"op_id": "b-1", "kind": "answer", "payload": "{not json"},
        {"op_id": "b-2", "kind": "answer", "payload": "[1, 2]"},
        {"op_id": "b-3", "kind": "answer", "payload": json.dumps({"item": "abc"})},
        {"op_id": "b-4", "kind": "answer", "payload": json.dumps({"item": 10**30})},
        {"op_id": "x" * 65, "kind": "answer", "payload": "{}"},
    ],
)
def test_a_malformed_sync_is_a_400_with_a_message(login, visit, inspectors, body):
    response = login(inspectors.a).post(reverse("inspections:visit_sync", args=[visit.pk]), body)
    assert response.status_code == 400 and response.json()["error"]


def test_a_transfer_without_a_reason_is_named(login, campaign, inspectors, records):
    target = campaign.targets.get(site=records.site1)
    visit = services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="东侧裸土未覆盖")
    submitted = submit(visit, inspectors.a)
    rectification = submitted.rectifications.get()
    response = login(inspectors.a).post(
        reverse("inspections:transfer", args=[rectification.pk]), {"reason": ""}
    )
    assert response.status_code == 302 and "移送理由" in _messages(response)
    rectification.refresh_from_db()
    assert rectification.status == "open"
