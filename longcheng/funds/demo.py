"""An illustrative fund forest (the main article's "基金丛林"): a fund of funds for the 太忻
integrated economic zone with an industrial sub-fund modelled on 国调(太忻)产业基金 and seed,
angel and venture sub-funds; three years of cash flows and NAVs; portfolio investments; deals
in the pipeline with due diligence and an investment committee. All figures are invented."""

import datetime
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import uscc

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Unit
from longcheng.core.validators import validate_credit_code

from . import services
from .models import Deal, DealKpi, Fund, Investment, InvestmentMeeting

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
D = Decimal
DILIGENCE = [
    ("legal", 85, "股权结构清晰，无重大诉讼"),
    ("financial", 78, "近两年营收年均增长 60%，尚未盈利"),
    ("technical", 90, "6 英寸衬底良率 65%，具备量产条件"),
    ("market", 82, "下游新能源汽车需求旺盛"),
]


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)


def seed(log) -> None:
    if Fund.objects.exists():
        log("基金：已有演示数据，跳过。")
        return
    unit = Unit.objects.get(code="ty-invest")
    clerk = User.objects.get(username="invest_clerk")
    sysadmin = User.objects.get(username="sysadmin")
    members = [clerk]
    for username, name in (("ic_member1", "贾晓光"), ("ic_member2", "史永红")):
        members.append(
            User.objects.filter(username=username).first()
            or account_services.user_create(
                actor=sysadmin,
                username=username,
                full_name=name,
                role=Role.CLERK,
                unit=unit,
                position="投决委员",
                phone="13900000051",
                password=DEMO_PASSWORD,
            )
        )
    manager = "太原市国有资本投资运营平台（演示）"
    fof = Fund.objects.create(
        name="太忻一体化经济区产业母基金（演示）",
        kind="fof",
        manager=manager,
        management_unit=unit,
        size=D(500000),
        approved_on=datetime.date(2021, 3, 1),
        established_on=datetime.date(2021, 6, 18),
        vintage=2021,
        stage="investing",
        reinvestment_enabled=True,
        reinvestment_divisions=["1401", "1409"],
        reinvestment_target=D("1.5"),
    )
    children = {}
    specs = [
        (
            "国调(太忻)产业基金（演示）",
            "industrial",
            200000,
            ["C38", "C39", "C35", "C30"],
            "subscribed",
        ),
        ("太忻种子基金（演示）", "seed", 20000, ["C39", "I65", "M73"], "paid_in"),
        ("太忻天使基金（演示）", "angel", 30000, ["C39", "I65", "C35"], "subscribed"),
        ("太忻创投基金（演示）", "venture", 50000, ["C38", "C39", "C35"], "subscribed"),
    ]
    for name, kind, size, industries, basis in specs:
        children[kind] = Fund.objects.create(
            name=name,
            kind=kind,
            parent=fof,
            manager=manager if kind != "industrial" else "国调基金管理有限公司（演示）",
            management_unit=unit,
            size=D(size),
            approved_on=datetime.date(2021, 9, 1),
            established_on=datetime.date(2021, 12, 20),
            vintage=2021,
            stage="investing",
            leverage_basis=basis,
            policy_industries=industries,
        )
    # A fund approved in 2022 and still not set up: the first alert.
    Fund.objects.create(
        name="太原碳基新材料基金（拟设，演示）",
        kind="industrial",
        manager=manager,
        management_unit=unit,
        size=D(30000),
        approved_on=datetime.date(2022, 6, 1),
        stage="setting_up",
        policy_industries=["C26", "C30"],
    )
    with clock.frozen_at(_at(datetime.date(2021, 6, 20))):
        fof_lps = [
            services.partner_add(
                actor=clerk,
                fund=fof,
                name="太原市政府投资引导基金",
                kind="guidance",
                commitment=D(150000),
            ),
            services.partner_add(
                actor=clerk,
                fund=fof,
                name="山西省政府投资基金",
                kind="provincial",
                commitment=D(100000),
            ),
            services.partner_add(
                actor=clerk, fund=fof, name="省属国企（演示）", kind="social", commitment=D(250000)
            ),
        ]
    partners = {}
    shares = {
        "industrial": [
            ("太忻一体化经济区产业母基金（演示）", "parent_fund", 40000),
            ("中国国有企业结构调整基金（演示）", "social", 100000),
            ("山西省产业基金（演示）", "provincial", 20000),
            ("社会资本（演示）", "social", 40000),
        ],
        "seed": [
            ("太忻一体化经济区产业母基金（演示）", "parent_fund", 8000),
            ("太原市政府投资引导基金", "guidance", 4000),
            ("高校科技成果转化基金（演示）", "social", 8000),
        ],
        "angel": [
            ("太忻一体化经济区产业母基金（演示）", "parent_fund", 9000),
            ("天使投资人合伙企业（演示）", "social", 21000),
        ],
        "venture": [
            ("太忻一体化经济区产业母基金（演示）", "parent_fund", 12500),
            ("创投机构（演示）", "social", 37500),
        ],
    }
    with clock.frozen_at(_at(datetime.date(2021, 12, 21))):
        for kind, rows in shares.items():
            partners[kind] = [
                services.partner_add(
                    actor=clerk, fund=children[kind], name=n, kind=k, commitment=D(a)
                )
                for n, k, a in rows
            ]
    # Three years of calls (40 %, 30 %, 20 %), yearly fees of 2 % of paid-in, 2023 distributions.
    for year, share in ((2022, D("0.4")), (2023, D("0.3"))):
        day = datetime.date(year, 3, 15)
        with clock.frozen_at(_at(day + datetime.timedelta(days=30))):
            for partner in fof_lps:
                services.flow_record(
                    actor=clerk,
                    fund=fof,
                    kind="call",
                    on=day,
                    amount=(partner.commitment * share).quantize(D(1)),
                    partner=partner,
                )
            for kind, lps in partners.items():
                for partner in lps:
                    services.flow_record(
                        actor=clerk,
                        fund=children[kind],
                        kind="call",
                        on=day + datetime.timedelta(days=10),
                        amount=(partner.commitment * share).quantize(D(1)),
                        partner=partner,
                    )
                services.flow_record(
                    actor=clerk,
                    fund=children[kind],
                    kind="fee",
                    on=day + datetime.timedelta(days=20),
                    amount=(children[kind].size * D("0.02")).quantize(D(1)),
                )
    # Portfolio investments (one of them outside the venture fund's policy scope).
    investments = [
        (
            "industrial",
            "太原某储能电池有限公司（演示）",
            "C3841",
            "140105",
            45000,
            datetime.date(2022, 5, 10),
        ),
        (
            "industrial",
            "忻州某碳纤维科技有限公司（演示）",
            "C3061",
            "140902",
            30000,
            datetime.date(2022, 9, 1),
        ),
        (
            "industrial",
            "北京某功率半导体有限公司（演示）",
            "C3972",
            "110108",
            25000,
            datetime.date(2023, 4, 12),
        ),
        (
            "seed",
            "太原某工业软件有限公司（演示）",
            "I6513",
            "140106",
            2500,
            datetime.date(2022, 8, 8),
        ),
        (
            "angel",
            "太原某氢能装备有限公司（演示）",
            "C3511",
            "140121",
            5000,
            datetime.date(2022, 11, 1),
        ),
        (
            "venture",
            "太原某光伏材料有限公司（演示）",
            "C3825",
            "140105",
            9000,
            datetime.date(2022, 10, 20),
        ),
        (
            "venture",
            "太原某商业地产有限公司（演示）",
            "K7010",
            "140105",
            4000,
            datetime.date(2023, 5, 5),
        ),
    ]
    for kind, company, industry, division, amount, day in investments:
        Investment.objects.create(
            fund=children[kind],
            company=company,
            industry=industry,
            division=division,
            amount=D(amount),
            on=day,
        )
    for kind, fund in children.items():
        Investment.objects.create(
            fund=fof,
            company=fund.name,
            industry="J6720",
            division="140100",
            amount=next(p.commitment for p in partners[kind] if p.kind == "parent_fund") * D("0.7"),
            on=datetime.date(2022, 3, 25),
        )
    with clock.frozen_at(_at(datetime.date(2023, 7, 10))):
        for partner in partners["venture"]:
            services.flow_record(
                actor=clerk,
                fund=children["venture"],
                kind="distribution",
                on=datetime.date(2023, 7, 1),
                amount=(partner.commitment * D("0.05")).quantize(D(1)),
                partner=partner,
            )
        navs = {
            "industrial": (D("1.05"), D("1.12")),
            "seed": (D("0.92"), D("0.88")),
            "angel": (D("1.0"), D("1.08")),
            "venture": (D("1.10"), D("1.25")),
        }
        for kind, (end_2022, mid_2023) in navs.items():
            paid = sum(f.amount for f in children[kind].flows.filter(kind="call", on__year=2022))
            services.nav_record(
                actor=clerk,
                fund=children[kind],
                quarter_end=datetime.date(2022, 12, 31),
                nav=(paid * end_2022).quantize(D(1)),
            )
            paid_all = sum(f.amount for f in children[kind].flows.filter(kind="call"))
            services.nav_record(
                actor=clerk,
                fund=children[kind],
                quarter_end=datetime.date(2023, 6, 30),
                nav=(paid_all * mid_2023).quantize(D(1)),
            )
        fof_paid = sum(f.amount for f in fof.flows.filter(kind="call"))
        services.nav_record(
            actor=clerk,
            fund=fof,
            quarter_end=datetime.date(2023, 6, 30),
            nav=(fof_paid * D("1.03")).quantize(D(1)),
        )
    # The pipeline.
    deals = [
        ("太原某固态电池有限公司（演示）", "91140100MA0K2XQ30X", "C3841", "140105", 8000, "lead"),
        (
            "太原某传感器有限公司（演示）",
            "91140100MA0K2XQ4YR",
            "C3983",
            "140106",
            3000,
            "screening",
        ),
        (
            "忻州某风电运维有限公司（演示）",
            "91140900MA0K2XQ51Y",
            "D4415",
            "140902",
            6000,
            "due_diligence",
        ),
        (
            "太原某碳化硅衬底有限公司（演示）",
            "91140100MA0K2XQ6XJ",
            "C3985",
            "140105",
            12000,
            "committee",
        ),
        (
            "太原某光伏材料有限公司（演示）",
            "91140100MA0K2XQ78N",
            "C3825",
            "140105",
            9000,
            "portfolio",
        ),
    ]

    created = []
    with clock.frozen_at(_at(datetime.date(2023, 8, 1))):
        for company, code, industry, division, amount, stage in deals:
            body = code[:17]
            code = body + uscc.calc_check_digit(body)
            validate_credit_code(code)
            deal = Deal.objects.create(
                fund=children["venture" if stage != "committee" else "industrial"],
                company=company,
                credit_code=code,
                industry=industry,
                division=division,
                amount=D(amount),
                owner=clerk,
            )
            # Walk the pipeline up to the deal's stage (a portfolio company is already held).
            steps = {
                "lead": [],
                "screening": ["screening"],
                "due_diligence": ["screening", "due_diligence"],
            }
            steps["committee"] = [*steps["due_diligence"], "committee"]
            for step in steps.get(stage, []):
                if step == "committee":
                    for area, score, text in DILIGENCE:
                        services.diligence_record(
                            actor=clerk, deal=deal, area=area, findings=text, score=score
                        )
                services.deal_move(actor=clerk, deal=deal, stage=step)
            created.append(deal)
    committee_deal = created[3]
    meeting = InvestmentMeeting.objects.create(
        fund=committee_deal.fund, held_on=datetime.date(2023, 9, 20)
    )
    meeting.members.set(members)
    meeting.deals.add(committee_deal)
    portfolio = created[4]
    portfolio.stage = "portfolio"
    portfolio.save(update_fields=["stage"])
    for quarter, revenue, people in (
        (datetime.date(2023, 3, 31), 2100, 86),
        (datetime.date(2023, 6, 30), 2900, 102),
    ):
        DealKpi.objects.create(
            deal=portfolio, quarter_end=quarter, revenue=D(revenue), employees=people
        )
    with clock.frozen_at(_at(datetime.date(2023, 9, 25))):
        raised = services.alerts_sweep(today=datetime.date(2023, 9, 25))
    log(
        f"基金：{Fund.objects.count()} 支基金（1 支母基金、4 支子基金、1 支拟设），项目库 {len(created)} 个项目，预警 {raised} 条；投决委员 invest_clerk、ic_member1、ic_member2。"
    )
