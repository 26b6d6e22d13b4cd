"""The judge's tablet: marks in the stored precision, the list by interview day with a search
box, 下一位, and the 待评分 tile that counts what the list marks."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from longcheng.volunteers import selectors, services
from longcheng.volunteers.models import Application, InterviewSession, InterviewSlot, Score
from longcheng.volunteers.services import VolunteerRefused
from longcheng.web.queues import user_work_queues

from .conftest import apply, at

MARKS = {"intro": Decimal("80"), "english": Decimal("85.5"), "general": Decimal("70")}


def _session(forum, users, day: datetime.date, hour: int, room: str) -> InterviewSlot:
    session = InterviewSession.objects.create(campaign=forum.campaign, date=day, room=room)
    session.judges.set([users.leader])
    return InterviewSlot.objects.create(
        session=session, starts_at=at(day.year, day.month, day.day, hour), capacity=10
    )


@pytest.fixture
def days(forum, users):
    """The test's today is Monday 25 September 2023 (the frozen clock): four candidates today
    at 09:00, 10:00, 11:00 and 12:00, one on an earlier day and one on a later day."""
    first = _session(forum, users, datetime.date(2023, 9, 25), 9, "今日考场")
    slots = {"甲一": first}
    for name, hour in (("乙二", 10), ("丙三", 11), ("丁四", 12)):
        slots[name] = InterviewSlot.objects.create(
            session=first.session, starts_at=at(2023, 9, 25, hour), capacity=10
        )
    slots["戊五"] = _session(forum, users, datetime.date(2023, 9, 20), 9, "前日考场")
    slots["己六"] = _session(forum, users, datetime.date(2023, 9, 28), 9, "后日考场")
    people = {name: apply(forum, name) for name in slots}
    services.screening_auto(actor=users.leader, campaign=forum.campaign)
    for name, slot in slots.items():
        Application.objects.filter(pk=people[name].pk).update(slot=slot)
        people[name].refresh_from_db()
    return people


def test_the_score_inputs_take_the_stored_precision(login, users, days):
    column = Score._meta.get_field("value")
    step = str(Decimal(1).scaleb(-column.decimal_places))  # 0.1 for one decimal place
    page = (
        login(users.leader)
        .get(reverse("volunteers:judge") + f"?a={days['甲一'].pk}")
        .content.decode()
    )
    for code in ("intro", "english", "general"):
        tag = re.search(rf'<input[^>]*id="s-{code}"[^>]*>', page).group(0)
        assert f'step="{step}"' in tag and 'min="0"' in tag and 'max="100"' in tag
        assert 'type="number"' in tag and f'name="{code}"' in tag


def test_a_mark_finer_than_stored_is_refused_by_the_service(users, days):
    with pytest.raises(VolunteerRefused, match="最多保留 1 位小数"):
        services.score_record(
            judge=users.leader,
            application=days["甲一"],
            values={**MARKS, "english": Decimal("85.25")},
        )
    assert not Score.objects.exists()
    services.score_record(judge=users.leader, application=days["甲一"], values=MARKS)
    assert Score.objects.get(criterion="english").value == Decimal("85.5")


def test_the_list_is_grouped_by_day_with_today_first(login, users, days):
    groups = selectors.judge_days(users.leader)
    assert [g.day for g in groups] == [
        datetime.date(2023, 9, 25),
        datetime.date(2023, 9, 28),
        datetime.date(2023, 9, 20),
    ]
    assert [r.application.full_name for r in groups[0].rows] == ["甲一", "乙二", "丙三", "丁四"]
    assert groups[0].today and not groups[1].today
    page = login(users.leader).get(reverse("volunteers:judge")).content.decode()
    headings = re.findall(r'data-testid="judge-day">([^<]*)', page)
    assert headings[0].startswith("9月25日") and "今天" in page.split(headings[1])[0]
    assert [h.strip() for h in headings] == ["9月25日", "9月28日", "9月20日"]


def test_the_search_box_finds_by_name_or_number(login, users, days):
    client = login(users.leader)
    by_name = client.get(reverse("volunteers:judge") + "?q=丙").content.decode()
    assert "丙三" in by_name and "甲一" not in by_name
    code = days["己六"].code
    by_code = client.get(reverse("volunteers:judge") + f"?q={code.lower()}").content.decode()
    assert "己六" in by_code and "丙三" not in by_code
    nothing = client.get(reverse("volunteers:judge") + "?q=" + "长" * 80)
    assert nothing.status_code == 200  # too long: named in a message and ignored


def test_next_goes_to_the_next_unscored_candidate_of_that_day(login, users, days):
    services.score_record(judge=users.leader, application=days["乙二"], values=MARKS)
    # Today in interview order: 甲一, 乙二 (scored), 丙三, 丁四.
    assert selectors.next_unscored(users.leader, days["甲一"]) == days["丙三"]
    assert selectors.next_unscored(users.leader, days["丁四"]) == days["甲一"]  # from the top
    assert selectors.next_unscored(users.leader, days["戊五"]) is None  # alone on its day
    client = login(users.leader)
    page = client.get(reverse("volunteers:judge") + f"?a={days['丙三'].pk}").content.decode()
    assert re.search(rf'id="next-candidate" href="\?a={days["丁四"].pk}"', page)
    # Saving brings the judge back to the candidate, with 下一位 to press.
    response = client.post(
        reverse("volunteers:judge"), {"application": days["丙三"].pk, **MARKS}, follow=True
    )
    page = response.content.decode()
    assert "已保存 丙三 的评分" in page
    assert re.search(rf'id="next-candidate" href="\?a={days["丁四"].pk}"', page)


def test_the_home_tile_counts_the_rows_the_list_marks_to_score(login, users, days, forum):
    services.score_record(judge=users.leader, application=days["乙二"], values=MARKS)
    client = login(users.leader)

    def tile() -> int:
        return {q.label: q.count for q in user_work_queues(users.leader)}["待评分"]

    def marked() -> int:
        page = client.get(reverse("volunteers:judge")).content.decode()
        return page.count('data-to-score="1"')

    assert tile() == marked() == 5
    # Once the allocation has run the marks are locked: nothing is left to score.
    services.scores_finalise(actor=users.leader, campaign=forum.campaign)
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    assert tile() == marked() == 0
    assert "已锁定" in client.get(reverse("volunteers:judge")).content.decode()
