"""Each role finds its enforcement work in its 待办: the tile on the home page and the tab on
the 待办 page count the same cases, and a user with nothing to do on a case is told who acts."""

import datetime
from decimal import Decimal

import pytest

from longcheng.enforcement import services
from longcheng.enforcement.models import Case

from .conftest import at, heard


def _queues(client) -> dict[str, int]:
    """The home page's tiles: queue key -> figure shown."""
    response = client.get("/")
    return {q.key: q.count for q in response.context["queues"]}


def _rows(client, key) -> list[str]:
    response = client.get("/todo/", {"queue": key})
    assert response.status_code == 200
    assert response.context["active"].key == key
    return [row.title for row in response.context["rows"]]


def test_a_lead_waits_in_the_leaders_queue_and_tells_the_officer_who_acts(lead, officers, login):
    client = login(officers.leader)
    assert _queues(client)["enforcement-filing"] == 1
    assert _rows(client, "enforcement-filing") == [str(lead)]
    assert "待立案审批" in client.get("/").content.decode()

    officer = login(officers.a)
    assert "enforcement-filing" not in _queues(officer)
    page = officer.get(lead.get_absolute_url()).content.decode()
    assert "等待直属一大队负责人审批立案" in page
    assert "本案已办结" not in page

    services.case_file(actor=officers.leader, case=lead, officers=[officers.a, officers.b])
    assert "enforcement-filing" not in _queues(login(officers.leader))
    for user in (officers.a, officers.b):
        assert _rows(login(user), "enforcement-mine") == [str(Case.objects.get(pk=lead.pk))]
    assert _rows(login(officers.c), "enforcement-mine") == []


def test_the_reviewer_the_chair_and_the_leader_each_find_their_step(
    notified, officers, login, clock
):
    services.case_submit_review(actor=officers.a, case=notified)
    assert _rows(login(officers.reviewer), "enforcement-review") == [str(notified)]

    case = services.case_review(
        actor=officers.reviewer,
        case=Case.objects.get(pk=notified.pk),
        passed=True,
        opinion="事实清楚，证据确凿，适用依据正确，同意",
    )
    assert _queues(login(officers.reviewer)).get("enforcement-review", 0) == 0
    heard(case, officers.a)
    assert _rows(login(officers.leader), "enforcement-decision") == [str(case)]
    services.case_decide(actor=officers.leader, case=case, outcome="penalty")
    assert _queues(login(officers.leader)).get("enforcement-decision", 0) == 0


def test_the_hearing_chair_finds_the_hearing(notified, officers, login, clock):
    from longcheng.enforcement.tests.test_lawful_procedure import _heard_case

    case = _heard_case(notified, officers, clock)
    services.case_schedule_hearing(
        actor=officers.a, case=case, chair=officers.c, hearing_at=at(2023, 10, 20, 9)
    )
    chair = login(officers.c)
    assert _rows(chair, "enforcement-hearing") == [str(case)]
    assert (
        "2023-10-20 09:00" in chair.get("/todo/", {"queue": "enforcement-hearing"}).content.decode()
    )


@pytest.mark.parametrize(
    "query", [{"queue": "nope"}, {"queue": "enforcement-filing", "page": "x"}, {"page": "99999"}]
)
def test_a_forged_address_shows_the_first_queue_not_an_error(query, lead, officers, login):
    response = login(officers.leader).get("/todo/", query)
    assert response.status_code == 200
    assert response.context["active"].key == "enforcement-filing"


def test_a_paid_fine_waits_for_the_closing_approval(decided_case, officers, login, clock):
    case = services.case_serve(actor=officers.a, case=decided_case, method="直接送达")
    assert _queues(login(officers.leader)).get("enforcement-closing", 0) == 0
    services.case_record_payment(
        actor=officers.a,
        case=case,
        amount=case.fine or Decimal(0),
        paid_on=datetime.date(2023, 9, 25),
    )
    assert _rows(login(officers.leader), "enforcement-closing") == [str(case)]
