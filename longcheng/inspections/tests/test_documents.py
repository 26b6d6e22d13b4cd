"""The visit's document: its 文号, the time and place of the inspection, the credentials shown
(Art. 55 行政处罚法) and the signature lines."""

import json

import pytest
from django.urls import reverse

from longcheng.inspections import services
from longcheng.inspections.models import Campaign, DocumentSequence, InspectionVisit
from longcheng.inspections.services import visits as visit_services
from longcheng.parties.models import Site
from tests.factories import CampaignFactory
from tests.fixtures.loop import at

from .conftest import answer_all, signature, submit
from .test_views import pdf_text


def start(campaign, inspectors, site):
    target = campaign.targets.get(site=site)
    return services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])


def order_text(client, visit) -> str:
    response = client.get(reverse("inspections:order", args=[visit.pk]))
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def test_a_campaign_numbers_its_documents_with_its_prefix_or_its_units_name(
    template, inspectors, sites
):
    named = CampaignFactory(
        actor=inspectors.leader, template=template, inspectors=[], doc_prefix=" 并城管 "
    )
    assert named.doc_prefix == "并城管"
    plain = CampaignFactory(actor=inspectors.leader, template=template, inspectors=[])
    assert plain.doc_prefix == "市城管执法队"  # the organising unit's name (no short name)


def test_each_submission_takes_the_next_number_of_its_year(
    campaign, inspectors, records, sites, clock, login
):
    Campaign.objects.filter(pk=campaign.pk).update(doc_prefix="并城管")
    first = start(campaign, inspectors, records.site1)
    answer_all(first, inspectors.a, fail={"裸露土方覆盖"}, note="东侧裸土未覆盖")
    first = submit(first, inspectors.a)
    second = start(campaign, inspectors, records.site2)
    answer_all(second, inspectors.a)
    second = submit(second, inspectors.a)
    assert first.document_number == "并城管检字〔2023〕第0001号"
    assert second.document_number == "并城管检字〔2023〕第0002号"

    # A resent submission keeps its number and takes no other.
    assert submit(first, inspectors.a).document_number == "并城管检字〔2023〕第0001号"
    assert DocumentSequence.objects.get(word="检", year=2023).value == 2

    # The 复查意见书 has its own word and sequence.
    clock.to(at(2023, 10, 8, 10))
    follow_up = services.reinspection_start(
        actor=inspectors.a, visit=first, partners=[inspectors.c]
    )
    answer_all(follow_up, inspectors.a)
    follow_up = submit(follow_up, inspectors.a)
    assert follow_up.document_number == "并城管复查字〔2023〕第0001号"

    # A new year starts again from 1.
    clock.to(at(2024, 1, 3, 10))
    third = start(campaign, inspectors, sites[0][2])
    answer_all(third, inspectors.a)
    third = submit(third, inspectors.a)
    assert third.document_number == "并城管检字〔2024〕第0001号"

    numbers = list(
        InspectionVisit.objects.exclude(document_number="").values_list(
            "document_number", flat=True
        )
    )
    assert len(numbers) == len(set(numbers)) == 4

    client = login(inspectors.a)
    text = order_text(client, first)
    assert "现场检查笔录及责令改正通知书" in text
    assert "并城管检字〔2023〕第0001号" in text
    assert "并城管复查字〔2023〕第0001号" in order_text(client, follow_up)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "并城管检字〔2023〕第0001号" in page


def test_a_refused_submission_gives_its_number_back(campaign, inspectors, records, monkeypatch):
    visit = start(campaign, inspectors, records.site1)
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"})

    def refuse(*args, **kwargs):
        raise services.InspectionRefused("整改事项未能建立。")

    # The number is taken, then a later step of the same submission is refused.
    monkeypatch.setattr(visit_services, "_open_rectifications", refuse)
    with pytest.raises(services.InspectionRefused):
        submit(visit, inspectors.a)
    assert not DocumentSequence.objects.filter(value__gt=0).exists()
    monkeypatch.undo()
    visit = submit(InspectionVisit.objects.get(pk=visit.pk), inspectors.a)
    assert visit.document_number.endswith("检字〔2023〕第0001号")


def test_a_submission_without_credentials_shown_is_refused_by_article(
    campaign, inspectors, records
):
    visit = start(campaign, inspectors, records.site1)
    answer_all(visit, inspectors.a)
    with pytest.raises(services.InspectionRefused, match="《中华人民共和国行政处罚法》第五十五条"):
        submit(visit, inspectors.a, credentials_shown=False)
    visit.refresh_from_db()
    assert visit.status == "in_progress" and visit.document_number == ""
    assert not DocumentSequence.objects.exists()
    visit = submit(visit, inspectors.a)
    assert visit.credentials_shown is True


def test_the_phone_must_tick_credentials_shown(login, campaign, inspectors, records):
    visit = start(campaign, inspectors, records.site1)
    answer_all(visit, inspectors.a)
    client = login(inspectors.a)
    page = client.get(reverse("inspections:visit_form", args=[visit.pk])).content.decode()
    assert 'id="credentials-shown"' in page
    url = reverse("inspections:visit_sync", args=[visit.pk])
    payload = {
        "representative": "王经理",
        "inspector_signature": signature(),
        "party_signature": signature(),
    }
    refused = client.post(url, {"op_id": "s-1", "kind": "submit", "payload": json.dumps(payload)})
    assert refused.status_code == 400
    assert "《中华人民共和国行政处罚法》第五十五条" in refused.json()["error"]
    applied = client.post(
        url,
        {
            "op_id": "s-2",
            "kind": "submit",
            "payload": json.dumps({**payload, "credentials_shown": True}),
        },
    )
    assert applied.json() == {"status": "applied", "visit_status": "submitted"}
    visit.refresh_from_db()
    assert visit.credentials_shown and visit.document_number


def test_the_order_prints_time_place_credentials_and_signature_lines(
    login, campaign, inspectors, records, clock
):
    Site.objects.filter(pk=records.site1.pk).update(address="小店区龙城大街 88 号")
    visit = start(campaign, inspectors, records.site1)
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="东侧裸土未覆盖")
    clock.to(at(2023, 9, 25, 10, 30))
    visit = submit(visit, inspectors.a)
    client = login(inspectors.a)
    text = order_text(client, visit)
    assert "检查时间：2023年09月25日 09:00至10:30" in text
    assert "检查地点：小店区龙城大街 88 号" in text
    assert "已出示执法证件" in text
    assert "被检查单位签名：________" not in text  # signed on the phone

    # A record that does not say the credentials were shown, and was not signed on screen
    # (a visit recorded before either was kept), prints neither the phrase nor an image.
    InspectionVisit.objects.filter(pk=visit.pk).update(credentials_shown=False, party_signature="")
    text = order_text(client, visit)
    assert "已出示执法证件" not in text
    assert "被检查单位签名：________" in text
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "未记录出示执法证件" in page
