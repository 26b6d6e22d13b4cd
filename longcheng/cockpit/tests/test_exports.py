"""Excel out everywhere: every list page in the platform answers ?export=xlsx with its table,
within the user's visibility, with personal data masked, and every export is audited."""

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from longcheng.accounts.models import User
from longcheng.audit.models import AuditRecord
from longcheng.volunteers.models import RecruitmentCampaign

pytestmark = pytest.mark.django_db

# (page, user, a value the export must hold)
PAGES = [
    ("/enforcement/law/", "cg_leader", "噪声污染防治法"),
    ("/funds/", "invest_clerk", "TVPI"),
    ("/funds/deals/", "invest_clerk", "统一社会信用代码"),
    ("/projects/indicators/", "fgw_clerk", "计量单位"),
    ("/appeals/points/", "xd_clerk", "负责单位"),
    ("/appeals/supervisors/", "xd_clerk", "手机号码"),
    ("/appeals/meetings/", "xd_clerk", "出席"),
    ("/inspections/templates/", "wj_leader", "二级以上医疗机构依法执业专项检查"),
    ("/volunteers/", "tw_clerk", "报名"),
    ("/org/grants/", "secadmin", "可查看完整个人信息"),
    ("/org/units/", "dispatcher", "单位编码"),
    ("/loop/", "dispatcher", "受理时间"),
    ("/loop/metrics/", "dispatcher", "按期办结率（%）"),
    ("/parties/persons/", "xd_clerk", "贺文静"),
    ("/routing/hotspots/", "dispatcher", "代表性诉求"),
    ("/volunteers/{campaign}/roster/", "tw_clerk", "场馆"),
]


def test_every_list_exports_what_it_shows_and_the_export_is_audited(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    campaign = RecruitmentCampaign.objects.order_by("pk").first()
    for url, username, expected in PAGES:
        url = url.format(campaign=campaign.pk)
        client.force_login(User.objects.get(username=username))
        page = client.get(url)
        assert page.status_code == 200, url
        offers = "export=xlsx" in page.text or 'name="export" value="xlsx"' in page.text
        assert offers, f"{url} offers no export"
        before = AuditRecord.objects.filter(action__startswith="export").count()
        response = client.get(url, {"export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxml"), url
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert any(expected in c for c in cells), (url, expected)
        # No full mobile number or ID number leaves in an ordinary export.
        assert not any(re.fullmatch(r"1\d{10}|\d{17}[\dX]", c) for c in cells), url
        assert AuditRecord.objects.filter(action__startswith="export").count() == before + 1
