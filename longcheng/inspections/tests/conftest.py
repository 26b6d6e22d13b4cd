import base64
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import UserFactory
from longcheng.inspections import selectors, services
from longcheng.inspections.models import PartyType
from longcheng.inspections.workflow import AnswerType, Mode
from longcheng.parties.models import Institution, Site
from tests.factories import CampaignFactory


def png_bytes(color=(200, 30, 30), size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def photo(name="site.png", color=(200, 30, 30)):
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def signature() -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes((0, 0, 0), (300, 120))).decode()


SITE_CHECKLIST = [
    {
        "name": "扬尘治理",
        "weight": 2,
        "items": [
            {"text": "裸露土方覆盖", "max_score": 10, "requirement": "裸土全部覆盖防尘网"},
            {"text": "出入口车辆冲洗", "max_score": 10, "photo_required": True},
        ],
    },
    {
        "name": "施工秩序",
        "weight": 1,
        "items": [
            {
                "text": "建筑垃圾运输核准",
                "max_score": 10,
                "serious": True,
                "legal_basis": "《太原市建筑垃圾管理条例》",
            },
            {"text": "在场作业人数", "answer_type": AnswerType.NUMBER, "required": False},
        ],
    },
]


@pytest.fixture
def inspectors(org, users):
    class Team:
        pass

    t = Team()
    t.a = users.clerk1
    t.b = users.clerk2
    t.c = UserFactory(username="clerk3", role="clerk", unit=org.brigade1, full_name="贾晨")
    t.leader = users.leader
    return t


@pytest.fixture
def sites(org, records):
    extra = [
        Site.objects.create(name=f"工地{n}", owner_unit=org.brigade1, division=org.xiaodian)
        for n in range(1, 5)
    ]
    finished = Site.objects.create(
        name="已完工项目", owner_unit=org.brigade1, division=org.xiaodian, status="finished"
    )
    return [records.site1, records.site2, *extra], finished


@pytest.fixture
def template(inspectors):
    t = services.template_create(
        actor=inspectors.leader,
        code="site-dust",
        name="建筑工地扬尘与施工秩序检查",
        party_type=PartyType.SITE,
        sections=SITE_CHECKLIST,
    )
    return services.template_publish(actor=inspectors.leader, template=t)


@pytest.fixture
def campaign(template, inspectors, sites):
    c = CampaignFactory(
        actor=inspectors.leader,
        name="建筑工地扬尘专项检查",
        template=template,
        inspectors=[inspectors.a, inspectors.b, inspectors.c],
    )
    return services.campaign_launch(actor=inspectors.leader, campaign=c)


@pytest.fixture
def sampling_campaign(template, inspectors, sites):
    """双随机 over the five active sites (four in 小店区, one in 晋源区), half by district."""
    campaign = services.campaign_create(
        actor=inspectors.leader,
        name="建筑工地双随机抽查",
        template=template,
        mode=Mode.RANDOM_SAMPLING,
        scope={"party_type": "site", "site_statuses": ["active"]},
        start_date=datetime.date(2023, 9, 25),
        end_date=datetime.date(2023, 10, 31),
        inspectors=[inspectors.a, inspectors.b, inspectors.c],
        sample_ratio=Decimal("0.5"),
        stratify_by="division",
    )
    return services.campaign_launch(actor=inspectors.leader, campaign=campaign)


@pytest.fixture
def hospitals(org):
    rows = [
        ("山西省人民医院", "3", "140105"),
        ("小店区人民医院", "2", "140105"),
        ("晋源区人民医院", "2", "140110"),
        ("和平医院", "1", "140105"),
        ("社区卫生服务中心", "0", "140110"),
    ]
    divisions = {"140105": org.xiaodian, "140110": org.jinyuan}
    return [
        Institution.objects.create(
            name=name,
            kind="general_hospital",
            grade=grade,
            owner_unit=org.team,
            division=divisions[code],
        )
        for name, grade, code in rows
    ]


def answer_all(visit, actor, *, fail=(), note="现场发现问题"):
    """Answer every item of the visit: the texts in `fail` fail, the rest pass."""
    for item in selectors.visit_items(visit):
        if item.answer_type == AnswerType.NUMBER:
            services.visit_answer(actor=actor, visit=visit, item=item, number=12)
            continue
        failed = item.text in fail
        services.visit_answer(
            actor=actor,
            visit=visit,
            item=item,
            verdict="fail" if failed else "pass",
            note=note if failed else "",
        )
        if item.photo_required:
            services.visit_add_photo(
                actor=actor,
                visit=visit,
                upload=photo(),
                client_id=f"p-{visit.pk}-{item.pk}",
                item=item,
            )


def submit(visit, actor, *, credentials_shown=True):
    return services.visit_submit(
        actor=actor,
        visit=visit,
        representative="王经理",
        inspector_signature=signature(),
        party_signature=signature(),
        credentials_shown=credentials_shown,
    )


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """These tests run on the loop's frozen clock (2023-09-25 09:00, moved by hand)."""
    return clock
