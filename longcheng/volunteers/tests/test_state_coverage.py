"""Nothing gets stuck: for every status of an application, someone finds it in a work queue and
its page offers them an action: the organiser (招募待办) to screen, book, select and confirm; a
judge (待评分) to score a booked candidate. A waitlisted volunteer waits for a place, not for a
person: the organiser sees them on the campaign's list, and the roster's replacement call takes
the next of them when someone leaves. A status added without a row here fails the table's
test."""

import pytest
from django.urls import reverse

from longcheng.volunteers.models import Application, InterviewSlot
from longcheng.volunteers.workflow import Status

from .conftest import apply

# status -> (who acts, their queue or "status page"); None: finished, stays on record
TABLE = {
    Status.SUBMITTED: ("leader", "volunteers-campaigns"),
    Status.SCREENED_IN: ("leader", "volunteers-campaigns"),  # a judge's once booked: below
    Status.INTERVIEWED: ("leader", "volunteers-campaigns"),
    Status.SELECTED: ("leader", "volunteers-campaigns"),  # until confirmed after publicity
    Status.WAITLISTED: ("leader", "the campaign's list of applications"),
    Status.SCREENED_OUT: None,
    Status.NOT_SELECTED: None,
    Status.WITHDRAWN: None,
}


def test_the_table_names_every_status():
    assert set(TABLE) == set(Status.values)


def _rows(client, key):
    return client.get("/todo/", {"queue": key}).context["rows"]


@pytest.mark.parametrize(
    "status", [s for s, who in TABLE.items() if who and who[1] == "volunteers-campaigns"]
)
def test_the_organiser_finds_the_campaign_and_can_act(status, forum, users, login):
    application = apply(forum, "郝思琪")
    Application.objects.filter(pk=application.pk).update(status=status)
    client = login(users.leader)
    rows = _rows(client, "volunteers-campaigns")
    assert [r.url for r in rows] == [forum.campaign.get_absolute_url()]
    assert " 1" in rows[0].detail
    page = client.get(forum.campaign.get_absolute_url()).content.decode()
    assert f'action="/volunteers/{forum.campaign.pk}/do/' in page


def test_a_booked_candidate_is_the_judges(forum, users, login):
    application = apply(forum, "郝思琪")
    Application.objects.filter(pk=application.pk).update(
        status=Status.SCREENED_IN, slot=InterviewSlot.objects.get()
    )
    organiser = _rows(login(users.leader), "volunteers-campaigns")
    assert organiser == []  # booked: nothing for the organiser until the interview
    judge = login(users.clerk2)
    assert [r.url for r in _rows(judge, "volunteers-score")] == [
        reverse("volunteers:judge") + f"?a={application.pk}"
    ]
    assert "<form" in judge.get(reverse("volunteers:judge"), {"a": application.pk}).content.decode()


def test_a_waitlisted_volunteer_is_on_the_organisers_list(forum, users, login):
    application = apply(forum, "郝思琪")
    Application.objects.filter(pk=application.pk).update(status=Status.WAITLISTED)
    client = login(users.leader)
    listing = client.get(reverse("volunteers:applications", args=[forum.campaign.pk]))
    assert application.get_absolute_url() in listing.content.decode()
