"""Aggregate pages respect visibility (issue 23, item 8): a monitoring point's page lists only
the appeals the viewer may see; external roles do not browse the staff directory."""

import pytest
from django.test import Client

from longcheng.accounts.roles import Role
from longcheng.appeals.models import Appeal
from longcheng.appeals.tokens import point_token

from .test_public import _data, _form

pytestmark = pytest.mark.django_db


def test_a_point_page_lists_only_the_appeals_the_viewer_may_see(login, users, point):
    url = f"/a/p/{point_token(point)}/"
    public = Client()
    public.post(url, _data(_form(public, url)))
    appeal = Appeal.objects.get()
    committee_page = login(users.committee_clerk).get(f"/appeals/points/{point.pk}/")
    assert appeal.matter.number in committee_page.content.decode()
    other_unit_page = login(users.clerk1).get(f"/appeals/points/{point.pk}/")
    assert other_unit_page.status_code == 200
    assert appeal.matter.number not in other_unit_page.content.decode()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.JUDGE])
def test_external_roles_do_not_browse_the_staff_directory(login, role):
    from conftest import UserFactory

    outsider = UserFactory(username=f"outside_{role}", role=role, unit=None)
    client = login(outsider)
    for page in ("/org/staff/", "/org/units/", "/org/staff/?export=xlsx"):
        assert client.get(page).status_code == 403, page
    home = client.get("/").content.decode()
    assert 'href="/org/staff/"' not in home


def test_an_external_judge_reaches_the_scoring_page_only(login, users):
    from conftest import UserFactory

    judge = UserFactory(username="expert", role=Role.JUDGE, unit=None)
    client = login(judge)
    assert client.get("/volunteers/judge/").status_code == 200
    home = client.get("/").content.decode()
    assert 'href="/todo/?queue=volunteers-score"' in home and "待评分" in home
    assert 'href="/volunteers/judge/"' in client.get("/todo/").content.decode()
    assert "待签收" not in home and "自然人" not in home  # no business queues or registers
    assert client.get("/volunteers/").status_code == 403
    assert client.get("/loop/").status_code in (302, 403)
