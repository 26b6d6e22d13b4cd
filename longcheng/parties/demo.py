"""Demo parties from the newspaper page: enterprises, hospitals of grade 二级 and above, the
construction sites of the urban-management article, and the ten special supervisors of 小店区
(fictional people). Credit codes and ID numbers are made up but pass their checksums."""

import datetime
import hashlib
from decimal import Decimal

from stdnum.cn import ric, uscc

from longcheng.accounts.models import User
from longcheng.core.models import Division

from . import services
from .models import Enterprise, Institution, Person, Site


def _org_code(seed: str) -> str:
    """A GB 11714 organisation code (8 digits + check character) derived from `seed`."""
    digits = str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[:8]
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return digits + {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(name: str, division: str) -> str:
    body = "91" + division + _org_code(name)
    return body + uscc.calc_check_digit(body)


def demo_id_number(division: str, birth: datetime.date, sequence: int) -> str:
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body)


# (name, division, industry, legal representative, owner account)
ENTERPRISES = [
    ("太原钢铁（集团）有限公司", "140108", "黑色金属冶炼和压延加工业", "张国栋", "fgw_clerk"),
    ("晶科能源（山西）有限公司", "140105", "光伏设备及元器件制造", "刘振宇", "fgw_clerk"),
    ("山西电机制造有限公司", "140108", "电机制造", "王继成", "fgw_clerk"),
    ("山西建设投资集团有限公司", "140105", "房屋建筑业", "赵建华", "cg_leader"),
    ("太原富力城房地产开发有限公司", "140105", "房地产开发经营", "陈立群", "cg_leader"),
    ("太原龙湖置业发展有限公司", "140109", "房地产开发经营", "孙志远", "cg_leader"),
    ("山西易通天下产业孵化基地有限公司", "140105", "科技推广和应用服务业", "冯雅琴", "xd_clerk"),
]

G, K = Institution.Grade, Institution.Kind
HOSPITALS = [
    ("山西省人民医院", K.GENERAL_HOSPITAL, G.GRADE_3, "140106"),
    ("山西医科大学第一医院", K.GENERAL_HOSPITAL, G.GRADE_3, "140106"),
    ("山西医科大学第二医院", K.GENERAL_HOSPITAL, G.GRADE_3, "140107"),
    ("太原市中心医院", K.GENERAL_HOSPITAL, G.GRADE_3, "140107"),
    ("山西省儿童医院", K.SPECIALIST_HOSPITAL, G.GRADE_3, "140105"),
    ("太原市中医医院", K.TCM_HOSPITAL, G.GRADE_3, "140106"),
    ("太原市第四人民医院", K.SPECIALIST_HOSPITAL, G.GRADE_3, "140107"),
    ("小店区人民医院", K.GENERAL_HOSPITAL, G.GRADE_2, "140105"),
    ("晋源区人民医院", K.GENERAL_HOSPITAL, G.GRADE_2, "140110"),
    ("万柏林区中心医院", K.GENERAL_HOSPITAL, G.GRADE_2, "140109"),
    ("尖草坪区人民医院", K.GENERAL_HOSPITAL, G.GRADE_2, "140108"),
    ("太原市妇幼保健院", K.MATERNAL_CHILD, G.GRADE_3, "140106"),
    # Below 二级: outside the article's full-coverage inspection, so its scope rule leaves them.
    ("小店区和平医院", K.GENERAL_HOSPITAL, G.GRADE_1, "140105"),
    ("坞城街道社区卫生服务中心", K.COMMUNITY_HEALTH, G.UNGRADED, "140105"),
]

# (name, division, builder, owner account) — the sites of the urban-management article.
SITES = [
    ("山西省儿童医院晋源院区项目", "140110", None, "cg_clerk1"),
    ("富力壹品地下车库项目", "140105", "太原富力城房地产开发有限公司", "cg_clerk1"),
    ("富力城“政院”项目", "140107", "太原富力城房地产开发有限公司", "cg_clerk1"),
    ("拜仁太原足球学校项目", "140110", None, "cg_clerk1"),
    ("国奥城项目", "140106", None, "cg_clerk2"),
    ("福利悦禧城项目", "140109", None, "cg_clerk2"),
    ("龙湖天樾项目", "140109", "太原龙湖置业发展有限公司", "cg_clerk2"),
    ("大井峪城中村改造小学项目", "140109", None, "cg_clerk2"),
    ("山西建投·祥溪国际项目", "140105", "山西建设投资集团有限公司", "cg_leader"),
]

# Where each demo hospital and site is (WGS-84, to about a hundred metres: plausible, not
# surveyed), each inside its district's boundary (inspections/tests/test_maps.py checks it).
# Sites store theirs; an institution has no coordinates of its own, so the inspections demo
# takes its photos there.
POINTS: dict[str, tuple[Decimal, Decimal]] = {
    "山西省人民医院": (Decimal("37.8565"), Decimal("112.5780")),
    "山西医科大学第一医院": (Decimal("37.8575"), Decimal("112.5610")),
    "山西医科大学第二医院": (Decimal("37.8850"), Decimal("112.5690")),
    "太原市中心医院": (Decimal("37.8775"), Decimal("112.5720")),
    "山西省儿童医院": (Decimal("37.8000"), Decimal("112.5700")),
    "太原市中医医院": (Decimal("37.8600"), Decimal("112.5480")),
    "太原市第四人民医院": (Decimal("37.8950"), Decimal("112.5650")),
    "小店区人民医院": (Decimal("37.7700"), Decimal("112.5800")),
    "晋源区人民医院": (Decimal("37.7200"), Decimal("112.4800")),
    "万柏林区中心医院": (Decimal("37.8600"), Decimal("112.5000")),
    "尖草坪区人民医院": (Decimal("37.9400"), Decimal("112.4900")),
    "太原市妇幼保健院": (Decimal("37.8500"), Decimal("112.5700")),
    "小店区和平医院": (Decimal("37.7900"), Decimal("112.5600")),
    "坞城街道社区卫生服务中心": (Decimal("37.8000"), Decimal("112.5750")),
    "山西省儿童医院晋源院区项目": (Decimal("37.7300"), Decimal("112.4700")),
    "富力壹品地下车库项目": (Decimal("37.7850"), Decimal("112.5850")),
    "富力城“政院”项目": (Decimal("37.8950"), Decimal("112.5800")),
    "拜仁太原足球学校项目": (Decimal("37.7000"), Decimal("112.4600")),
    "国奥城项目": (Decimal("37.8450"), Decimal("112.5900")),
    "福利悦禧城项目": (Decimal("37.8750"), Decimal("112.4900")),
    "龙湖天樾项目": (Decimal("37.8550"), Decimal("112.5100")),
    "大井峪城中村改造小学项目": (Decimal("37.8850"), Decimal("112.5150")),
    "山西建投·祥溪国际项目": (Decimal("37.7950"), Decimal("112.5500")),
}

# The ten special supervisors of 小店区 (fictional people): name, birth date, sequence.
SUPERVISORS = [
    ("贺文静", datetime.date(1978, 3, 12), 24),
    ("白志刚", datetime.date(1972, 11, 5), 17),
    ("常丽华", datetime.date(1985, 6, 21), 46),
    ("段宏伟", datetime.date(1969, 1, 30), 35),
    ("霍晓燕", datetime.date(1981, 9, 9), 62),
    ("阎国庆", datetime.date(1975, 10, 1), 13),
    ("牛雅婷", datetime.date(1990, 4, 18), 28),
    ("薛振海", datetime.date(1966, 7, 7), 51),
    ("郝春梅", datetime.date(1983, 2, 14), 40),
    ("田建平", datetime.date(1979, 12, 25), 19),
]


def seed(log) -> None:
    divisions = {d.code: d for d in Division.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    counts = {"enterprise": 0, "institution": 0, "site": 0, "person": 0}

    for name, division, industry, legal_rep, owner in ENTERPRISES:
        if not Enterprise.objects.filter(name=name).exists():
            services.party_create(
                instance=Enterprise(
                    name=name,
                    credit_code=demo_credit_code(name, division),
                    industry=industry,
                    legal_representative=legal_rep,
                    division=divisions[division],
                    address=f"太原市{divisions[division].name}",
                ),
                actor=users[owner],
            )
            counts["enterprise"] += 1

    for name, kind, grade, division in HOSPITALS:
        if not Institution.objects.filter(name=name).exists():
            services.party_create(
                instance=Institution(
                    name=name,
                    kind=kind,
                    grade=grade,
                    division=divisions[division],
                    credit_code=_institution_code(name),
                    address=f"太原市{divisions[division].name}",
                ),
                actor=users["wj_clerk"],
            )
            counts["institution"] += 1

    for name, division, builder, owner in SITES:
        if not Site.objects.filter(name=name).exists():
            services.party_create(
                instance=Site(
                    name=name,
                    division=divisions[division],
                    builder=Enterprise.objects.filter(name=builder).first() if builder else None,
                    address=f"太原市{divisions[division].name}",
                    latitude=POINTS[name][0],
                    longitude=POINTS[name][1],
                ),
                actor=users[owner],
            )
            counts["site"] += 1
        else:  # a demo loaded before the sites had points
            Site.objects.filter(name=name, latitude=None).update(
                latitude=POINTS[name][0], longitude=POINTS[name][1]
            )

    for index, (name, birth, sequence) in enumerate(SUPERVISORS, start=1):
        id_number = demo_id_number("140105", birth, sequence)
        if not Person.objects.filter(id_number=id_number).exists():
            services.party_create(
                instance=Person(
                    name=name,
                    id_number=id_number,
                    phone=f"1391234{index:04d}",
                    tags="特邀监督员",
                    division=divisions["140105"],
                    address="太原市小店区",
                ),
                actor=users["xd_clerk"],
            )
            counts["person"] += 1
    log(
        "主体（本次新增）：企业 {enterprise}、机构 {institution}、"
        "场所 {site}、自然人 {person}。".format(**counts)
    )


def _institution_code(name: str) -> str:
    """Public institutions' codes begin with 12 (机构编制 / 事业单位)."""
    body = "12" + "140100" + _org_code(name)
    return body + uscc.calc_check_digit(body)
