import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from longcheng.audit.models import AuditRecord
from longcheng.inspections import rules, selectors, services
from longcheng.inspections.models import Answer, VisitPhoto

from .conftest import answer_all, photo, submit


def pdf_text(content: bytes) -> str:
    # The embedded CJK font maps to two-byte codes; the extractor leaves a NUL before each.
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join(page.extract_text() for page in pages).replace("\x00", "")


@pytest.fixture
def submitted(campaign, inspectors, records):
    target = campaign.targets.get(site=records.site1)
    visit = services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="东侧裸土未覆盖")
    return submit(visit, inspectors.a)


def test_the_campaign_page_shows_progress_to_the_organiser(login, campaign, submitted, inspectors):
    response = login(inspectors.leader).get(campaign.get_absolute_url())
    assert response.status_code == 200
    progress = response.context["progress"]
    assert (progress.to_visit, progress.visited, progress.rectify + progress.failed) == (6, 1, 1)
    assert "富力壹品地下车库项目" in response.content.decode()


def test_another_unit_sees_no_campaign(login, campaign, submitted, users):
    client = login(users.committee_clerk)
    assert client.get(campaign.get_absolute_url()).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 404
    assert client.get(reverse("inspections:order", args=[submitted.pk])).status_code == 404


def test_administrators_do_not_read_inspections(login, campaign, users):
    assert login(users.sysadmin).get(reverse("inspections:campaigns")).status_code == 403


def test_an_inspector_on_the_roster_sees_the_campaign_from_a_sub_unit(login, campaign, inspectors):
    response = login(inspectors.c).get(reverse("inspections:campaigns"))
    assert campaign.name in response.content.decode()


def test_the_rectification_order_is_a_pdf_with_the_finding(login, submitted, inspectors):
    response = login(inspectors.a).get(reverse("inspections:order", args=[submitted.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "责令改正通知书" in text
    assert "东侧裸土未覆盖" in text
    assert "裸土全部覆盖防尘网" in text


def test_the_report_exports_as_xlsx_and_the_export_is_audited(
    login, campaign, submitted, inspectors
):
    response = login(inspectors.leader).get(
        reverse("inspections:campaign_report", args=[campaign.pk, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "富力壹品地下车库项目" in values and "裸露土方覆盖" in values
    assert AuditRecord.objects.filter(action="export", object_type="inspections.campaign").exists()
    pdf = login(inspectors.leader).get(
        reverse("inspections:campaign_report", args=[campaign.pk, "pdf"])
    )
    text = pdf_text(pdf.content)
    assert "典型问题" in text and "裸露土方覆盖" in text


def test_the_phone_sync_endpoint_is_idempotent(login, campaign, inspectors, records):
    target = campaign.targets.get(site=records.site2)
    visit = services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])
    item = selectors.visit_items(visit)[0]
    client = login(inspectors.a)
    url = reverse("inspections:visit_sync", args=[visit.pk])
    body = {
        "op_id": "a-1",
        "kind": "answer",
        "payload": json.dumps({"item": item.pk, "verdict": "pass"}),
    }
    assert client.post(url, body).json()["status"] == "applied"
    assert client.post(url, body).json()["status"] == "duplicate"
    assert Answer.objects.filter(visit=visit).count() == 1
    photo_body = {"op_id": "p-1", "kind": "photo", "payload": json.dumps({"item": item.pk})}
    client.post(url, {**photo_body, "file": photo()})
    client.post(url, {**photo_body, "file": photo()})
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    refused = client.post(
        url, {"op_id": "s-1", "kind": "submit", "payload": json.dumps({"representative": "张"})}
    )
    assert refused.status_code == 400 and "未作答" in refused.json()["error"]


def test_someone_off_the_team_cannot_sync(login, campaign, inspectors, records):
    target = campaign.targets.get(site=records.site2)
    visit = services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])
    item = selectors.visit_items(visit)[0]
    response = login(inspectors.c).post(
        reverse("inspections:visit_sync", args=[visit.pk]),
        {
            "op_id": "x",
            "kind": "answer",
            "payload": json.dumps({"item": item.pk, "verdict": "fail"}),
        },
    )
    assert response.status_code == 404  # the visit does not exist for someone off its team
    assert not Answer.objects.filter(visit=visit).exists()


def test_the_party_link_shows_its_requirements_and_takes_a_report(client, submitted):
    url = reverse("inspections:party_rectification", args=[rules.party_token(submitted)])
    page = client.get(url).content.decode()
    assert "裸土全部覆盖防尘网" in page
    rectification = submitted.rectifications.get()
    too_short = client.post(url, {"rectification": rectification.pk, "note": "好"})
    assert "不少于 5 个字" in too_short.content.decode()
    client.post(
        url, {"rectification": rectification.pk, "note": "已全部覆盖防尘网", "photos": photo()}
    )
    rectification.refresh_from_db()
    assert rectification.status == "evidence"
    assert rectification.evidence_photos.count() == 1
    assert client.get(url[:-3] + "xx/").status_code == 404  # a forged token


def test_published_results_show_no_personal_data(client, campaign, submitted, inspectors):
    services.visits_publish(actor=inspectors.leader, campaign=campaign, visits=[submitted])
    page = client.get(reverse("inspections:public_campaign", args=[campaign.pk])).content.decode()
    assert "富力壹品地下车库项目" in page and "裸露土方覆盖" in page
    assert "王经理" not in page  # the representative
    assert inspectors.a.full_name not in page


def test_unpublished_campaigns_are_not_public(client, campaign, submitted):
    assert client.get(reverse("inspections:public_campaign", args=[campaign.pk])).status_code == 404


def test_a_template_item_cannot_be_added_once_used(login, submitted, template, inspectors):
    response = login(inspectors.leader).post(
        template.get_absolute_url(),
        {
            "section": template.sections.first().pk,
            "text": "围挡完好",
            "answer_type": "pass_fail",
            "max_score": 10,
        },
        follow=True,
    )
    assert "建立新版本" in response.content.decode()
    assert not template.sections.first().items.filter(text="围挡完好").exists()
