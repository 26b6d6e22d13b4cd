import io

import pytest
from openpyxl import load_workbook

from conftest import valid_credit_code, valid_id_number
from longcheng.audit.models import Action, AuditRecord
from longcheng.parties.models import Enterprise, Person

pytestmark = pytest.mark.django_db


def _enterprise_form(**overrides):
    data = {
        "name": "太原某科技有限公司",
        "credit_code": valid_credit_code("MA0K2XQ4"),
        "credit_code_override_reason": "",
        "legal_representative": "",
        "industry": "",
        "division": "",
        "address": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def test_a_clerk_registers_an_enterprise_owned_by_their_unit(login, users, org):
    response = login(users.committee_clerk).post("/parties/enterprises/new/", _enterprise_form())
    enterprise = Enterprise.objects.get(name="太原某科技有限公司")
    assert response.status_code == 302
    assert enterprise.owner_unit == org.committee
    assert AuditRecord.objects.filter(action=Action.CREATE, object_id=str(enterprise.pk)).exists()


def test_a_bad_credit_code_checksum_is_refused_without_a_reason(login, users):
    code = _wrong_check(valid_credit_code("MA0K2XQ4"))
    response = login(users.committee_clerk).post(
        "/parties/enterprises/new/", _enterprise_form(credit_code=code)
    )
    assert response.status_code == 200
    assert "校验位不符" in response.content.decode()
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_a_bad_credit_code_checksum_is_accepted_with_a_reason_and_audited(login, users):
    code = _wrong_check(valid_credit_code("MA0K2XQ4"))
    login(users.committee_clerk).post(
        "/parties/enterprises/new/",
        _enterprise_form(credit_code=code, credit_code_override_reason="2015年试点期间赋码"),
    )
    enterprise = Enterprise.objects.get(credit_code=code)
    override = AuditRecord.objects.get(action=Action.OVERRIDE)
    assert override.object_id == str(enterprise.pk)
    assert override.detail["reason"] == "2015年试点期间赋码"


def test_a_malformed_credit_code_cannot_be_overridden(login, users):
    response = login(users.committee_clerk).post(
        "/parties/enterprises/new/",
        _enterprise_form(credit_code="91140105ABC", credit_code_override_reason="任意理由"),
    )
    assert "应为18位" in response.content.decode()
    assert Enterprise.objects.count() == 0


def _person_form(**overrides):
    data = {
        "name": "常丽华",
        "id_number": valid_id_number(sequence=47),
        "phone": "13912340003",
        "tags": "特邀监督员",
        "division": "",
        "address": "",
    }
    data.update(overrides)
    return data


def test_a_person_with_a_wrong_id_checksum_is_refused_with_the_reason(login, users):
    number = valid_id_number(sequence=47)
    response = login(users.committee_clerk).post(
        "/parties/persons/new/", _person_form(id_number=_wrong_check(number))
    )
    assert "校验位错误" in response.content.decode()
    assert Person.objects.filter(name="常丽华").count() == 0


def test_a_person_gets_birth_date_and_gender_from_the_id_number(login, users):
    login(users.committee_clerk).post("/parties/persons/new/", _person_form())
    person = Person.objects.get(name="常丽华")
    assert str(person.birth_date) == "1985-06-21"
    assert person.gender == "M"  # sequence 047: odd


def test_the_same_id_number_twice_in_one_unit_is_refused(login, users, records):
    response = login(users.committee_clerk).post(
        "/parties/persons/new/", _person_form(id_number=records.person.id_number)
    )
    assert "已在本单位登记" in response.content.decode()


def test_a_stale_edit_is_refused_and_the_newer_one_kept(login, users, records):
    client = login(users.clerk1)
    url = f"/parties/sites/{records.site1.pk}/edit/"
    form = {
        "name": "第一位的修改",
        "kind": "construction",
        "status": "active",
        "builder": "",
        "division": "",
        "address": "",
        "latitude": "",
        "longitude": "",
        "version": 1,
    }
    assert client.post(url, form).status_code == 302
    stale = dict(form, name="第二位基于旧版本的修改", version=1)
    response = client.post(url, stale)
    assert "已被他人修改" in response.content.decode()
    records.site1.refresh_from_db()
    assert records.site1.name == "第一位的修改"
    assert records.site1.version == 2


def test_lists_search_filter_sort_and_paginate(login, users, records, org):
    client = login(users.leader)
    assert "龙湖天樾项目" not in client.get("/parties/sites/?q=富力").content.decode()
    by_division = client.get(f"/parties/sites/?division={org.jinyuan.pk}").content.decode()
    assert "龙湖天樾项目" in by_division and "富力壹品" not in by_division
    page = client.get("/parties/sites/?sort=-name").content.decode()
    assert page.index("龙湖天樾项目") < page.index("富力壹品地下车库项目")
    assert client.get("/parties/sites/?sort=owner_unit__code&page=1").status_code == 200


def test_the_htmx_search_returns_only_the_table(login, users, records):
    response = login(users.leader).get("/parties/sites/?q=龙湖", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "龙湖天樾项目" in body and "<html" not in body


def _xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_keeps_filters_masks_personal_data_and_is_audited(login, users, records):
    response = login(users.committee_clerk).get("/parties/persons/?export=xlsx&q=贺")
    rows = _xlsx_rows(response)
    assert rows[0][:2] == ["姓名", "居民身份证号码"]
    assert rows[1][0] == "贺文静"
    assert rows[1][1] == records.person.masked_id_number
    assert len(rows) == 2
    assert AuditRecord.objects.filter(action=Action.EXPORT).count() == 1


def test_full_personal_data_is_exported_only_with_the_permission(login, users, records):
    client = login(users.committee_clerk)
    rows = _xlsx_rows(client.get("/parties/persons/?export=xlsx&personal=1"))
    assert rows[1][1] == records.person.masked_id_number  # no permission: still masked

    from django.contrib.auth.models import Permission

    users.committee_clerk.user_permissions.add(
        Permission.objects.get(codename="reveal_personal_data")
    )
    client = login(users.committee_clerk)
    rows = _xlsx_rows(client.get("/parties/persons/?export=xlsx&personal=1"))
    assert rows[1][1] == records.person.id_number
    assert AuditRecord.objects.filter(action=Action.EXPORT_PERSONAL).count() == 1


def test_pages_show_masked_personal_data(login, users, records):
    page = login(users.committee_clerk).get(f"/parties/persons/{records.person.pk}/")
    body = page.content.decode()
    assert records.person.masked_id_number in body
    assert records.person.id_number not in body
    assert "查看完整信息" not in body  # no permission, no button


def test_reveal_needs_the_permission_and_is_audited(login, users, records):
    url = f"/parties/persons/{records.person.pk}/reveal/"
    client = login(users.committee_clerk)
    refused = client.post(url)
    assert refused.status_code == 403
    assert records.person.id_number not in refused.content.decode()

    from longcheng.accounts.services import user_set_reveal_permission

    user_set_reveal_permission(actor=users.secadmin, user=users.committee_clerk, granted=True)
    client = login(users.committee_clerk)
    shown = client.post(url)
    assert records.person.id_number in shown.content.decode()
    reveal = AuditRecord.objects.get(action=Action.REVEAL)
    assert (reveal.actor_id, reveal.object_id) == (users.committee_clerk.pk, str(records.person.pk))


def test_the_api_masks_unless_revealed_with_permission(login, users, records):
    client = login(users.committee_clerk)
    row = client.get("/api/v1/persons/").json()["results"][0]
    assert row["id_number"] == records.person.masked_id_number
    assert row["phone"] == "139****0001"
    assert client.get("/api/v1/persons/?reveal=1").status_code == 403

    from longcheng.accounts.services import user_set_reveal_permission

    user_set_reveal_permission(actor=users.secadmin, user=users.committee_clerk, granted=True)
    client = login(users.committee_clerk)
    row = client.get("/api/v1/persons/?reveal=1").json()["results"][0]
    assert row["id_number"] == records.person.id_number
    assert AuditRecord.objects.filter(action=Action.REVEAL).count() == 1
