"""Nothing gets stuck: for every state of a campaign, a visit and a rectification, someone sees
the record in a work queue (or, for a rectification waiting on the inspected party, on the
party's own link) and its page offers them an action. A state added without a row here fails
the table's test."""

import datetime

import pytest
from django.urls import reverse

from longcheng.inspections import rules, services
from longcheng.inspections.models import Campaign, InspectionVisit, Rectification
from longcheng.inspections.workflow import CampaignStatus, RectificationStatus, VisitStatus
from tests.factories import CampaignFactory

from .conftest import answer_all, submit

# record kind -> state -> (who acts, their queue); None: finished, stays readable
TABLE = {
    CampaignStatus: {
        CampaignStatus.DRAFT: ("leader", "inspections-campaigns"),
        CampaignStatus.ACTIVE: ("leader", "inspections-campaigns"),
        CampaignStatus.CLOSED: None,
    },
    VisitStatus: {
        VisitStatus.PLANNED: ("a", "inspections-visiting"),
        VisitStatus.IN_PROGRESS: ("a", "inspections-visiting"),
        VisitStatus.SUBMITTED: ("leader", "inspections-review"),  # until published
    },
    RectificationStatus: {
        RectificationStatus.OPEN: ("party", "inspections-rectification-late"),
        RectificationStatus.EVIDENCE: ("leader", "inspections-reinspect"),
        RectificationStatus.VERIFIED: None,
        RectificationStatus.TRANSFERRED: None,
    },
}


@pytest.mark.parametrize("states", list(TABLE))
def test_the_table_names_every_state(states):
    assert set(TABLE[states]) == set(states.values)


def _queue_urls(client, key) -> list[str]:
    return [row.url for row in client.get("/todo/", {"queue": key}).context["rows"]]


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.ACTIVE])
def test_the_organising_unit_finds_its_campaign_and_can_act(
    status, template, inspectors, sites, login
):
    campaign = CampaignFactory(
        actor=inspectors.leader, template=template, inspectors=[inspectors.a]
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    client = login(inspectors.leader)
    assert campaign.get_absolute_url() in _queue_urls(client, "inspections-campaigns")
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert f'action="/inspections/{campaign.pk}/' in page


@pytest.fixture
def visit(campaign, inspectors, records):
    target = campaign.targets.get(site=records.site1)
    return services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])


@pytest.mark.parametrize("status", [VisitStatus.PLANNED, VisitStatus.IN_PROGRESS])
def test_the_inspector_finds_an_open_visit_and_can_answer(status, visit, inspectors, login):
    InspectionVisit.objects.filter(pk=visit.pk).update(status=status)
    client = login(inspectors.a)
    form = reverse("inspections:visit_form", args=[visit.pk])
    assert form in _queue_urls(client, "inspections-visiting")
    assert client.get(form).status_code == 200


def test_a_submitted_visit_waits_for_review_and_publication(visit, inspectors, login):
    submitted = submit(_answered(visit, inspectors), inspectors.a)
    client = login(inspectors.leader)
    assert submitted.get_absolute_url() in _queue_urls(client, "inspections-review")
    campaign_page = client.get(visit.campaign.get_absolute_url()).content.decode()
    assert f'action="/inspections/{visit.campaign.pk}/publish/' in campaign_page

    services.visits_publish(actor=inspectors.leader, campaign=visit.campaign, visits=[submitted])
    assert submitted.get_absolute_url() not in _queue_urls(client, "inspections-review")


def _answered(visit, inspectors, fail=()):
    answer_all(visit, inspectors.a, fail=set(fail))
    return visit


def test_an_open_rectification_is_the_partys_then_late_the_units(
    visit, inspectors, login, client, clock
):
    visit = submit(_answered(visit, inspectors, fail={"裸露土方覆盖"}), inspectors.a)
    rectification = visit.rectifications.get()
    party_page = client.get(
        reverse("inspections:party_rectification", args=[rules.party_token(visit)])
    )
    assert party_page.status_code == 200 and "<form" in party_page.content.decode()

    staff = login(inspectors.leader)
    assert visit.get_absolute_url() not in _queue_urls(staff, "inspections-rectification-late")
    Rectification.objects.filter(pk=rectification.pk).update(deadline=datetime.date(2023, 9, 1))
    assert visit.get_absolute_url() in _queue_urls(staff, "inspections-rectification-late")
    page = staff.get(visit.get_absolute_url()).content.decode()
    assert f'action="/inspections/rectifications/{rectification.pk}/transfer/' in page


def test_reported_evidence_waits_for_the_reinspection(visit, inspectors, login):
    visit = submit(_answered(visit, inspectors, fail={"裸露土方覆盖"}), inspectors.a)
    services.rectification_report(rectification=visit.rectifications.get(), note="已全部覆盖")
    client = login(inspectors.leader)
    assert visit.get_absolute_url() in _queue_urls(client, "inspections-reinspect")
    page = client.get(visit.get_absolute_url()).content.decode()
    assert f'action="/inspections/visits/{visit.pk}/reinspect/' in page
