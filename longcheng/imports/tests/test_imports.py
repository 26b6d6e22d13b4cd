"""Excel in: a template to fill, a dry run that names every bad row and why, and a commit that
writes every row or none."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from conftest import UserFactory, valid_credit_code, valid_id_number
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.audit.models import AuditRecord
from longcheng.cockpit import panels
from longcheng.core.models import Unit
from longcheng.imports import pipeline
from longcheng.imports.importers import IMPORTERS, importers_for
from longcheng.imports.models import ImportBatch
from longcheng.loop import rollups
from longcheng.loop.models import Matter, MatterEvent
from longcheng.parties.models import Enterprise, Person
from longcheng.projects.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db

B = ImportBatch.Status


def xlsx(headers, rows, name="data.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def columns(kind):
    return [c.name for c in IMPORTERS[kind].columns]


def errors_by_row(batch):
    out: dict[int, list[str]] = {}
    for e in batch.errors:
        out.setdefault(e["row"], []).append(f"{e['column']}:{e['message']}")
    return out


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_template_has_the_columns_and_their_rules(login, users):
    client = login(users.dispatcher)
    response = client.get("/imports/template/matters.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header == columns("matters")
    assert book.worksheets[0].max_row == 1  # no example row that would be imported
    assert "必填" in book.worksheets[0]["A1"].comment.text
    assert client.get("/imports/template/units.xlsx").status_code == 404  # sysadmin's


def test_every_kind_of_bad_enterprise_row_is_reported_and_nothing_is_written(users, org):
    Enterprise.objects.create(
        name="已登记企业", credit_code=valid_credit_code("MA0AAAAA"), owner_unit=org.committee
    )
    good = valid_credit_code()
    upload = xlsx(
        ["企业名称", "统一社会信用代码", "所在区划代码", "地址"],
        [
            ["山西易通天下产业孵化基地有限公司", good, "140105", "小店区"],
            ["校验位错误的企业", good[:-1] + ("0" if good[-1] != "0" else "1"), "140105", ""],
            ["区划不存在的企业", valid_credit_code("MA0BBBBB"), "999999", ""],
            ["文件内重复的企业", good, "", ""],
            ["已登记过的企业", valid_credit_code("MA0AAAAA"), "", ""],
            ["", valid_credit_code("MA0CCCCC"), "", ""],
        ],
    )
    batch = pipeline.import_check(user=users.committee_clerk, kind="enterprises", upload=upload)
    assert batch.status == B.REJECTED and batch.total_rows == 6 and batch.bad_rows == 5
    errors = errors_by_row(batch)
    assert list(errors) == [3, 4, 5, 6, 7]
    assert "统一社会信用代码" in errors[3][0] and "校验" in errors[3][0]
    assert errors[4] == ["所在区划代码:找不到区划代码 999999。"]
    assert errors[5] == ["统一社会信用代码:该号码在本文件中重复。"]
    assert errors[6] == ["统一社会信用代码:本单位已登记过该号码。"]
    assert errors[7][0].startswith("企业名称:必填")
    assert Enterprise.objects.count() == 1
    with pytest.raises(pipeline.ImportRefused):
        pipeline.import_commit(user=users.committee_clerk, batch=batch)
    assert Enterprise.objects.count() == 1


def test_a_missing_column_and_a_file_that_is_not_a_table(users):
    batch = pipeline.import_check(
        user=users.committee_clerk, kind="enterprises", upload=xlsx(["企业名称", "备注"], [["甲"]])
    )
    assert {(e["column"], e["message"]) for e in batch.errors} == {
        ("统一社会信用代码", "缺少此列（请使用下载的模板）。"),
        ("备注", "模板中没有此列。"),
    }
    with pytest.raises(pipeline.ImportRefused, match=r"只接受 \.xlsx 或 \.csv"):
        pipeline.import_check(
            user=users.committee_clerk,
            kind="enterprises",
            upload=SimpleUploadedFile("data.pdf", b"%PDF-1.4"),
        )


def matter_row(number, unit="cg1", received="2022-08-01 09:30", answered="2022-08-05 16:00"):
    return [
        number,
        "小区门口道路积水",
        "雨后积水严重。",
        "12345热线",
        "投诉",
        "140105",
        "road",
        unit,
        received,
        answered,
        "已疏通排水口。",
        "满意",
        "坞城路",
    ]


def test_historical_matters_import_whole_and_count_in_the_cockpit(users, org, road):
    upload = xlsx(columns("matters"), [matter_row(f"TY20220801{n:05d}") for n in range(1, 26)])
    batch = pipeline.import_check(user=users.dispatcher, kind="matters", upload=upload)
    assert batch.status == B.CHECKED and batch.total_rows == 25 and not batch.errors
    assert Matter.objects.count() == 0  # the dry run writes nothing

    batch = pipeline.import_commit(user=users.dispatcher, batch=batch)
    assert batch.status == B.COMMITTED and batch.created_objects == 25
    matter = Matter.objects.get(number="TY2022080100001")
    assert (matter.status, matter.lead_unit, matter.category, matter.rating) == (
        "archived",
        org.brigade1,
        road,
        "satisfied",
    )
    assert MatterEvent.objects.filter(matter=matter, data__imported=batch.pk).count() == 1
    assert rollups.differences() == []
    period = panels.period_of_months(datetime.date(2022, 8, 1), datetime.date(2022, 8, 1))
    assert panels.matters_panel(users.dispatcher, period).total == 25
    assert AuditRecord.objects.filter(object_type="imports.importbatch").count() == 2

    # The same file again: every number is taken now.
    again = pipeline.import_check(
        user=users.dispatcher,
        kind="matters",
        upload=xlsx(columns("matters"), [matter_row("TY2022080100001")]),
    )
    assert again.errors[0]["message"] == "编号 TY2022080100001 已存在。"


def test_bad_matter_rows_unknown_unit_bad_date_duplicate_number(users, road):
    upload = xlsx(
        columns("matters"),
        [
            matter_row("A1"),
            matter_row("A2", unit="nosuchunit"),
            matter_row("A3", received="2022-13-45"),
            matter_row("A1"),
            matter_row("A5", received="2022-08-05 09:00", answered="2022-08-01 09:00"),
            matter_row("A6", received="2099-01-01 09:00", answered="2099-01-02 09:00"),
        ],
    )
    batch = pipeline.import_check(user=users.dispatcher, kind="matters", upload=upload)
    errors = errors_by_row(batch)
    assert errors[3] == ["主办单位编码:找不到单位 nosuchunit。"]
    assert errors[4] == ["受理时间:无法识别的日期时间，应为 2023-08-15 09:30。"]
    assert errors[5] == ["事项编号:编号 A1 在本文件中重复。"]
    assert errors[6] == ["办结时间:办结时间早于受理时间。"]
    assert errors[7] == ["受理时间:时间晚于现在。", "办结时间:时间晚于现在。"]
    assert 2 not in errors and batch.bad_rows == 5


def test_a_row_that_turns_bad_after_the_dry_run_stops_the_whole_import(users, org, road):
    rows = [matter_row(f"B{n}") for n in range(1, 4001)]  # two chunks
    batch = pipeline.import_check(
        user=users.dispatcher, kind="matters", upload=xlsx(columns("matters"), rows)
    )
    assert batch.status == B.CHECKED
    # Someone registers B3999 before the commit: the second chunk now has a bad row.
    Matter.objects.create(
        number="B3999", title="t", description="d", channel="hotline", received_at=batch.created_at
    )
    with pytest.raises(pipeline.ImportRefused, match="未导入任何数据"):
        pipeline.import_commit(user=users.dispatcher, batch=batch)
    assert Matter.objects.count() == 1 and MatterEvent.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == B.REJECTED and batch.errors[0]["row"] == 4000


def test_who_may_import_what(users, login):
    assert [i.kind for i in importers_for(users.sysadmin)] == ["units", "staff", "boundaries"]
    assert [i.kind for i in importers_for(users.clerk1)] == [
        "enterprises",
        "persons",
        "figures",
    ]
    assert "matters" in [i.kind for i in importers_for(users.dispatcher)]
    with pytest.raises(pipeline.ImportRefused):
        pipeline.import_check(
            user=users.clerk1, kind="matters", upload=xlsx(columns("matters"), [])
        )
    assert login(users.auditor).get("/imports/").status_code == 403


def test_units_then_staff_from_the_same_kind_of_file(users, org):
    units = xlsx(
        columns("units"),
        [
            ["xd-zwfw", "小店区政务服务中心", "服务中心", "xd", "140105", ""],
            ["xd-zwfw-1", "综合受理科", "内设机构", "xd-zwfw", "140105", ""],
            ["bad code!", "错误", "未知类型", "nosuch", "", ""],
        ],
    )
    batch = pipeline.import_check(user=users.sysadmin, kind="units", upload=units)
    assert set(errors_by_row(batch)) == {4}
    assert len(errors_by_row(batch)[4]) == 4  # code, division, type and parent
    units = xlsx(columns("units"), units_rows())
    batch = pipeline.import_commit(
        user=users.sysadmin,
        batch=pipeline.import_check(user=users.sysadmin, kind="units", upload=units),
    )
    child = Unit.objects.get(code="xd-zwfw-1")
    assert child.get_parent().code == "xd-zwfw"

    staff = xlsx(
        columns("staff"),
        [
            ["xd_new", "王晓东", "经办人", "xd-zwfw-1", "科员", "13912345678"],
            ["clerk1", "重名", "经办人", "xd", "", ""],
            ["nounit", "无单位", "单位领导", "", "", ""],
        ],
    )
    batch = pipeline.import_check(user=users.sysadmin, kind="staff", upload=staff)
    errors = errors_by_row(batch)
    assert errors[3] == ["用户名:用户名 clerk1 已被使用。"]
    assert errors[4] == ["单位编码:业务角色必须归属一个单位。"]


def units_rows():
    return [
        ["xd-zwfw", "小店区政务服务中心", "服务中心", "xd", "140105", ""],
        ["xd-zwfw-1", "综合受理科", "内设机构", "xd-zwfw", "140105", ""],
    ]


def test_staff_import_creates_accounts_without_passwords(users, org):
    staff = xlsx(columns("staff"), [["xd_new", "王晓东", "经办人", "xd", "科员", "13912345678"]])
    pipeline.import_commit(
        user=users.sysadmin,
        batch=pipeline.import_check(user=users.sysadmin, kind="staff", upload=staff),
    )
    user = User.objects.get(username="xd_new")
    assert (user.role, user.unit, user.has_usable_password()) == (Role.CLERK, org.committee, False)


def test_persons_from_a_gb18030_csv_and_monthly_figures(users, org):
    text = f"姓名,居民身份证号码,手机号码\n贺文静,{valid_id_number()},13912340001\n"
    upload = SimpleUploadedFile("persons.csv", text.encode("gb18030"))
    batch = pipeline.import_check(user=users.committee_clerk, kind="persons", upload=upload)
    pipeline.import_commit(user=users.committee_clerk, batch=batch)
    assert Person.objects.get().owner_unit == org.committee

    indicator = Indicator.objects.create(name="月销量", measure="吨", owner_unit=org.brigade1)
    IndicatorValue.objects.create(indicator=indicator, year=2023, month=7, target=Decimal(1))
    upload = xlsx(
        columns("figures"),
        [
            ["月销量", "cg1", "2023", "7", "120.5", "118.2"],
            ["月销量", "cg1", "2023", "8", "", "1,200"],
        ],
    )
    pipeline.import_commit(
        user=users.clerk1,
        batch=pipeline.import_check(user=users.clerk1, kind="figures", upload=upload),
    )
    assert list(indicator.values.order_by("month").values_list("target", "actual")) == [
        (Decimal("120.5"), Decimal("118.2")),
        (None, Decimal("1200")),
    ]
    # Another unit's indicator is not the clerk's to fill.
    other = UserFactory(username="other", role=Role.CLERK, unit=org.brigade2)
    batch = pipeline.import_check(user=other, kind="figures", upload=upload)
    assert batch.errors[0]["message"] == "在您可填报的单位中找不到该指标。"


def test_the_pages_upload_check_and_commit_with_confirmation(login, users, road):
    client = login(users.dispatcher)
    upload = xlsx(columns("matters"), [matter_row("P1"), matter_row("P2")])
    response = client.post("/imports/", {"kind": "matters", "file": upload})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    page = client.get(f"/imports/{batch.pk}/")
    assert "检查通过：2 行全部正确" in page.text
    client.post(f"/imports/{batch.pk}/", {})  # no confirmation: nothing happens
    assert Matter.objects.count() == 0
    page = client.post(f"/imports/{batch.pk}/", {"confirm": "1"}, follow=True)
    assert "已导入 2 行" in page.text and Matter.objects.count() == 2
    history = client.get("/imports/")
    assert "data.xlsx" in history.text
    # A unit clerk sees neither the batch nor its page.
    assert login(users.clerk1).get(f"/imports/{batch.pk}/").status_code == 404


def test_a_csv_whose_encoding_changes_half_way_is_refused_with_the_row(users):
    good = "".join(f"企业{n},91140105MA0K2XQ3XA\n" for n in range(3000)).encode("utf-8")
    content = "企业名称,统一社会信用代码\n".encode() + good + b"\xff\xfe\xfd,bad\n"
    with pytest.raises(pipeline.ImportRefused, match="行之后有文字编码") as refused:
        pipeline.import_check(
            user=users.committee_clerk,
            kind="enterprises",
            upload=SimpleUploadedFile("mixed.csv", content),
        )
    # Decoding runs ahead of the rows: the row named is at or before the bad bytes (3002).
    assert int(refused.value.message.split(" ")[1]) <= 3002


def test_a_workbook_too_big_to_parse_is_refused_before_parsing(users, settings):
    """A small upload that unpacks to gigabytes, a sheet declaring more rows than the limit,
    a cell of a megabyte: each refused with its reason, nothing stored."""
    rows = [["山西易通天下产业孵化基地有限公司", valid_credit_code(), "x" * 5000]]
    upload = xlsx(columns("enterprises")[:3], rows)
    settings.LONGCHENG_IMPORT_MAX_UNCOMPRESSED_BYTES = 4096
    with pytest.raises(pipeline.ImportRefused, match="解压后有"):
        pipeline.import_check(user=users.committee_clerk, kind="enterprises", upload=upload)

    settings.LONGCHENG_IMPORT_MAX_UNCOMPRESSED_BYTES = 2**30
    settings.LONGCHENG_IMPORT_MAX_ROWS = 3
    many = xlsx(columns("enterprises")[:2], [["甲", "1"]] * 10)
    with pytest.raises(pipeline.ImportRefused, match="超过单次导入上限 3 行"):
        pipeline.import_check(user=users.committee_clerk, kind="enterprises", upload=many)

    settings.LONGCHENG_IMPORT_MAX_ROWS = 1000
    settings.LONGCHENG_IMPORT_MAX_CELL_CHARS = 1000
    upload.seek(0)
    with pytest.raises(pipeline.ImportRefused, match="第 2 行第 3 列的内容超过 1,000 个字符"):
        pipeline.import_check(user=users.committee_clerk, kind="enterprises", upload=upload)
    assert not ImportBatch.objects.exists()
