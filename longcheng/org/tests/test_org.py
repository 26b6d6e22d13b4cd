import pytest
from django.core.management import call_command

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action, AuditRecord

pytestmark = pytest.mark.django_db


def test_everyone_on_staff_browses_the_unit_tree(login, users, org):
    page = login(users.clerk1).get("/org/units/").content.decode()
    for name in ("太原市人民政府", "市城管执法队", "直属一大队", "小店区营商环境监督委员会"):
        assert name in page
    detail = login(users.clerk1).get(f"/org/units/{org.brigade1.pk}/").content.decode()
    assert "市城管执法队" in detail  # breadcrumb to the parent


def test_the_staff_list_masks_phones_and_filters_by_role(login, users):
    users.clerk1.phone = "13812341234"
    users.clerk1.save()
    client = login(users.clerk2)
    page = client.get("/org/staff/?role=clerk").content.decode()
    assert "138****1234" in page and "13812341234" not in page
    assert '">sysadmin</td>' not in page and '">clerk2</td>' in page


def test_the_system_administrator_creates_an_account(login, users, org):
    response = login(users.sysadmin).post(
        "/org/staff/new/",
        {
            "username": "new_clerk",
            "full_name": "新同事",
            "role": Role.CLERK,
            "unit": org.brigade1.pk,
            "position": "队员",
            "phone": "",
            "password": "Xy7-long-enough",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="new_clerk")
    assert created.unit == org.brigade1 and created.check_password("Xy7-long-enough")
    assert created.awaiting_approval  # until the security administrator approves the role
    assert AuditRecord.objects.filter(action=Action.CREATE, object_id=str(created.pk)).exists()


def test_a_business_role_needs_a_unit(login, users):
    response = login(users.sysadmin).post(
        "/org/staff/new/",
        {
            "username": "orphan",
            "full_name": "无单位",
            "role": Role.CLERK,
            "unit": "",
            "position": "",
            "phone": "",
            "password": "Xy7-long-enough",
        },
    )
    assert "必须归属一个单位" in response.content.decode()
    assert not User.objects.filter(username="orphan").exists()


def test_a_clerk_cannot_create_accounts_or_change_roles(login, users):
    client = login(users.clerk1)
    assert client.get("/org/staff/new/").status_code == 403
    assert (
        client.post(f"/org/staff/{users.clerk2.pk}/role/", {"role": "dispatcher"}).status_code
        == 403
    )


def test_only_the_security_administrator_grants_the_reveal_permission(login, users):
    url = f"/org/grants/{users.clerk1.pk}/"
    login(users.sysadmin).post(url, {"granted": "1"})
    assert not User.objects.get(pk=users.clerk1.pk).has_perm("parties.reveal_personal_data")
    login(users.secadmin).post(url, {"granted": "1"})
    assert User.objects.get(pk=users.clerk1.pk).has_perm("parties.reveal_personal_data")
    assert AuditRecord.objects.filter(action=Action.PERMISSION_CHANGE).count() == 1


def test_the_staff_export_is_an_xlsx_and_audited(login, users):
    response = login(users.clerk1).get("/org/staff/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditRecord.objects.filter(action=Action.EXPORT, object_type="accounts.user").exists()


def test_seed_demo_is_idempotent_and_builds_the_taiyuan_organisation(db, capsys):
    call_command("seed_demo")
    from longcheng.core.models import Division, Unit
    from longcheng.parties.models import Enterprise, Institution, Person, Site

    counts = [
        m.objects.count() for m in (Division, Unit, User, Enterprise, Institution, Site, Person)
    ]
    call_command("seed_demo")
    assert [
        m.objects.count() for m in (Division, Unit, User, Enterprise, Institution, Site, Person)
    ] == counts
    assert Division.objects.get(code="140105").name == "小店区"
    assert Unit.objects.filter(name="太原市卫生健康综合行政执法队").exists()
    assert Person.objects.filter(tags="特邀监督员").count() == 10
    # The article's twelve hospitals of 二级 and above, and two below for the scope rule to leave.
    assert Institution.objects.filter(grade__in=["2", "3"]).count() == 12
    assert Institution.objects.exclude(grade__in=["2", "3"]).count() == 2
    assert Site.objects.filter(name__contains="龙湖天樾").exists()
    call_command("audit_verify")
    assert "sysadmin" in capsys.readouterr().out


def test_english_is_one_switch_away(client, users):
    client.force_login(users.clerk1)
    assert "工作台" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Home" in page and "工作台" not in page


def test_the_browser_language_alone_does_not_switch_to_english(client, users):
    client.force_login(users.clerk1)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工作台" in page
