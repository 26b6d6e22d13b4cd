"""Who sees what: pages and API alike answer 404 for records outside the user's scope."""

import pytest

from longcheng.accounts.scoping import scope_queryset, visible_units
from longcheng.parties.models import Site

pytestmark = pytest.mark.django_db


def _site_names(user):
    return set(scope_queryset(Site.objects.all(), user).values_list("name", flat=True))


def test_a_clerk_sees_only_own_unit(users, records):
    assert _site_names(users.clerk1) == {"富力壹品地下车库项目"}
    assert _site_names(users.clerk2) == {"龙湖天樾项目"}


def test_a_leader_sees_the_units_below(users, records):
    assert _site_names(users.leader) == {"富力壹品地下车库项目", "龙湖天樾项目"}
    assert set(visible_units(users.leader).values_list("code", flat=True)) == {"cg", "cg1", "cg2"}


def test_the_dispatch_centre_sees_all(users, records):
    assert _site_names(users.dispatcher) == {"富力壹品地下车库项目", "龙湖天樾项目"}


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_administrators_read_no_business_records(users, records, who):
    assert _site_names(getattr(users, who)) == set()


def test_a_clerk_typing_another_units_url_gets_404(login, users, records):
    client = login(users.clerk1)
    assert client.get(f"/parties/sites/{records.site1.pk}/").status_code == 200
    assert client.get(f"/parties/sites/{records.site2.pk}/").status_code == 404
    assert client.get(f"/parties/sites/{records.site2.pk}/edit/").status_code == 404
    assert client.get(f"/parties/persons/{records.person.pk}/").status_code == 404


def test_a_clerk_calling_another_units_api_path_gets_404(login, users, records):
    client = login(users.clerk1)
    assert client.get(f"/api/v1/sites/{records.site1.pk}/").status_code == 200
    assert client.get(f"/api/v1/sites/{records.site2.pk}/").status_code == 404
    listed = client.get("/api/v1/sites/").json()
    assert [row["name"] for row in listed["results"]] == ["富力壹品地下车库项目"]


def test_lists_show_only_what_the_user_may_see(login, users, records):
    page = login(users.clerk2).get("/parties/sites/").content.decode()
    assert "龙湖天樾项目" in page
    assert "富力壹品地下车库项目" not in page


def test_an_administrator_is_refused_business_pages(login, users, records):
    client = login(users.sysadmin)
    assert client.get("/parties/sites/").status_code == 403
    assert client.get("/api/v1/sites/").status_code == 403


def test_only_the_auditor_reads_the_audit_log(login, users):
    assert login(users.auditor).get("/audit/").status_code == 200
    for who in ("sysadmin", "secadmin", "dispatcher", "leader"):
        assert login(getattr(users, who)).get("/audit/").status_code == 403


def test_the_admin_site_is_the_system_administrators_only(login, users):
    assert login(users.sysadmin).get("/admin/").status_code == 200
    assert login(users.auditor).get("/admin/").status_code == 302


def test_anonymous_users_are_sent_to_sign_in(client, records):
    response = client.get("/parties/sites/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/sites/").status_code == 403


def test_the_unit_api_gives_the_tree(login, users, org):
    rows = login(users.clerk1).get("/api/v1/units/").json()["results"]
    by_code = {row["code"]: row for row in rows}
    assert by_code["cg1"]["parent"] == org.team.pk
    assert by_code["gov"]["parent"] is None
