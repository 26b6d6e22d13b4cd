"""The monthly bulletin: what a leader receives for a month, as PDF and xlsx."""

import datetime
import io
import subprocess

import pytest
from openpyxl import load_workbook

from longcheng.audit.models import AuditRecord
from longcheng.cockpit import bulletin, panels
from longcheng.cockpit.models import Bulletin
from longcheng.loop import services, timers
from longcheng.loop.workflow import Rating
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2023, 10, 1)


@pytest.fixture
def october(dispatched, users, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m1, m2 = dispatched(), dispatched(title="龙湖天樾工地渣土车夜间运输")
    clock.to(at(2023, 9, 25, 10, 0))
    m1 = services.matter_sign(matter=m1, actor=users.clerk1)
    m2 = services.matter_sign(matter=m2, actor=users.clerk1)
    clock.to(at(2023, 10, 9, 10, 0))
    m1 = services.matter_answer(matter=m1, actor=users.clerk1, text="已责令停止夜间施工。")
    clock.to(at(2023, 10, 10, 10, 0))
    m1 = services.matter_rate(
        matter=m1, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
    )
    clock.to(at(2023, 10, 20, 10, 0))
    timers.loop_sweep()  # m2 passed its 18 October deadline
    clock.to(at(2023, 11, 2, 9, 0))
    return m1, m2


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_bulletin_ranks_units_and_lists_overdue_and_reopened_matters(october, users, org):
    reopened, overdue = october
    item = bulletin.generate(OCTOBER, actor=users.dispatcher)

    text = _pdf_text(item.pdf.read())
    assert "2023年10月接诉即办工作通报" in text
    assert "直属一大队" in text
    assert overdue.number in text and reopened.number in text

    book = load_workbook(io.BytesIO(item.xlsx.read()), read_only=True)
    ranking = list(book["单位排名"].iter_rows(values_only=True))
    league = panels.league_panel(None, panels.period_of_months(OCTOBER, OCTOBER))
    assert [row[1] for row in ranking[1:]] == [r.metrics.unit.name for r in league]
    # 按期办结率 over October's deadlines: m1 met its 18 Oct deadline, m2 missed it unanswered.
    assert ranking[1][1] == "直属一大队" and ranking[1][6] == "50.0%"
    assert ranking[1][0] == "—"  # one citizen rating: shown, not ranked
    assert [r[0] for r in list(book["超期事项"].iter_rows(values_only=True))[1:]] == [
        overdue.number
    ]
    assert [r[0] for r in list(book["重办事项"].iter_rows(values_only=True))[1:]] == [
        reopened.number
    ]
    assert item.summary["overdue"] == 1 and item.summary["reopened"] == 1


def test_only_the_dispatch_centre_generates_and_regenerating_needs_a_confirmation(
    october, users, client
):
    client.force_login(users.clerk1)
    assert client.post("/cockpit/bulletins/", {"month": "2023-10"}).status_code == 403
    assert client.get("/cockpit/bulletins/").status_code == 200  # but may read them

    client.force_login(users.dispatcher)
    client.post("/cockpit/bulletins/", {"month": "2023-10"})
    first = Bulletin.objects.get(month=OCTOBER)
    page = client.post("/cockpit/bulletins/", {"month": "2023-10"}, follow=True)
    assert "重新生成会替换原文件" in page.text
    assert Bulletin.objects.get().generated_at == first.generated_at
    page = client.post("/cockpit/bulletins/", {"month": "2023-10", "confirm": "1"}, follow=True)
    assert "已生成 2023-10 月度通报" in page.text
    assert client.post("/cockpit/bulletins/", {"month": "2099-01"}, follow=True).status_code == 200
    assert not Bulletin.objects.filter(month=datetime.date(2099, 1, 1)).exists()

    download = client.get(f"/cockpit/bulletins/{first.pk}/xlsx/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditRecord.objects.filter(action="export", object_type="cockpit.bulletin").exists()


def test_the_platform_generates_last_months_bulletin_once(october):
    made = bulletin.generate_due()
    assert made is not None and made.month == OCTOBER and made.generated_by is None
    assert bulletin.generate_due() is None
    assert Bulletin.objects.count() == 1


def test_the_bulletin_prints_the_audit_chain_head(october, users):
    from longcheng.audit.anchors import anchor_head

    head = anchor_head()
    item = bulletin.generate(OCTOBER, actor=users.dispatcher)
    text = _pdf_text(item.pdf.read())
    assert f"第 {head.last_id} 条" in text and head.last_hash[:20] in text.replace("\n", "")


def test_the_demo_holds_last_months_bulletin_and_its_files_open(october, users, login):
    from longcheng.cockpit import demo

    said: list[str] = []
    demo.seed(said.append)
    demo.seed(said.append)  # idempotent, as seed_demo is
    assert Bulletin.objects.count() == 1 and said == [
        "月度通报 2023-10：受理 0 件，超期 1 件，重办 1 件。"  # received in September
    ]
    client = login(users.leader)
    page = client.get("/cockpit/bulletins/").content.decode()
    assert "2023-10 月度通报" in page and "平台自动" in page
    item = Bulletin.objects.get()
    pdf = client.get(f"/cockpit/bulletins/{item.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"/cockpit/bulletins/{item.pk}/xlsx/")
    sheets = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).sheetnames
    assert sheets[0] == "单位排名"
