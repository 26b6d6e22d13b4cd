"""The public application form: every choice kept after an error, and the campaign's age
limits checked from the ID number with a message naming them."""

import datetime
import re

import pytest
from django.urls import reverse

from longcheng.volunteers.models import Application
from longcheng.volunteers.services import VolunteerRefused

from .conftest import apply, id_number


def _post(client, forum, **changes):
    data = {
        "full_name": "李明",
        "id_number": id_number(),
        "phone": "13912345678",
        "organisation": "太原理工大学",
        "english": "4",
        "experienced": "on",
        "date": ["2023-10-16", "2023-10-18", "2023-10-20"],
        "preference": [str(forum.liaison.pk), str(forum.service.pk), ""],
        **changes,
    }
    return client.post(reverse("volunteers:apply", args=[forum.campaign.slug]), data)


def _checked_dates(page: str) -> list[str]:
    return re.findall(r'name="date" value="([\d-]+)" checked', page)


def _selected(page: str, index: int) -> str:
    select = re.search(rf'<select[^>]*data-testid="preference-{index}".*?</select>', page, re.S)
    chosen = re.search(r'<option value="(\d*)" selected', select.group(0))
    return chosen.group(1) if chosen else ""


def test_a_fresh_form_offers_every_day_and_no_preference(client, forum):
    page = client.get(reverse("volunteers:apply", args=[forum.campaign.slug])).content.decode()
    assert len(_checked_dates(page)) == 5 and _selected(page, 1) == ""


def test_every_choice_is_kept_after_an_error(client, forum):
    page = _post(client, forum).content.decode()  # no consent: refused
    assert "同意个人信息处理规则" in page and not Application.objects.exists()
    assert _checked_dates(page) == ["2023-10-16", "2023-10-18", "2023-10-20"]
    assert _selected(page, 1) == str(forum.liaison.pk)
    assert _selected(page, 2) == str(forum.service.pk)
    assert _selected(page, 3) == ""
    assert re.search(r'<option value="4" selected>B2</option>', page)
    assert re.search(r'name="experienced"[^>]*checked|checked[^>]*name="experienced"', page)
    assert 'value="太原理工大学"' in page
    # With the consent given, the same choices go through as they were kept.
    _post(client, forum, consent="on", notice_version=_notice())
    application = Application.objects.get()
    assert application.preferences == [forum.liaison.pk, forum.service.pk]
    assert application.available_dates == ["2023-10-16", "2023-10-18", "2023-10-20"]


def _notice() -> str:
    from longcheng.core import notices

    return notices.current("volunteer").version


@pytest.mark.parametrize(
    ("birth", "age"), [(datetime.date(2008, 1, 1), 15), (datetime.date(1985, 6, 1), 38)]
)
def test_an_age_outside_the_limits_is_refused_naming_them(forum, birth, age):
    with pytest.raises(VolunteerRefused) as error:
        apply(forum, "王小", birth=birth)
    message = error.value.message
    assert "年满 18 周岁且不超过 35 周岁" in message and f"届时 {age} 周岁" in message
    assert "2023-10-16" in message and not Application.objects.exists()


def test_the_age_is_counted_on_the_first_service_day(forum):
    # Eighteen on 16 October 2023, the first service day, though seventeen when applying.
    apply(forum, "刚满十八", birth=datetime.date(2005, 10, 16))
    with pytest.raises(VolunteerRefused, match="届时 17 周岁"):
        apply(forum, "差一天", birth=datetime.date(2005, 10, 17))


def test_the_form_page_shows_the_age_message(client, forum):
    page = _post(
        client,
        forum,
        id_number=id_number(datetime.date(2009, 3, 1)),
        consent="on",
        notice_version=_notice(),
    ).content.decode()
    assert "年满 18 周岁且不超过 35 周岁" in page and "届时 14 周岁" in page
    assert not Application.objects.exists()
