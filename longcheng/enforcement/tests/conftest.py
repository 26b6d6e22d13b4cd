import datetime
from decimal import Decimal

import pytest

from conftest import UserFactory
from longcheng.enforcement import services
from longcheng.enforcement.models import (
    DiscretionBenchmark,
    EnforcementBody,
    LegalProvision,
    Officer,
)
from tests.factories import CaseFactory
from tests.fixtures.loop import at


@pytest.fixture
def body(org):
    return EnforcementBody.objects.create(
        unit=org.team,
        name="太原市城市管理综合行政执法队",
        doc_prefix="并城管",
        review_body="太原市城市管理局",
        court="太原市小店区人民法院",
        payment_account="到指定银行或通过电子支付系统缴纳",
    )


@pytest.fixture
def officers(org, users, body):
    class Team:
        pass

    t = Team()
    t.a, t.b, t.leader = users.clerk1, users.clerk2, users.leader
    t.c = UserFactory(username="clerk3", role="clerk", unit=org.brigade1, full_name="贾晨")
    t.reviewer = UserFactory(username="fazhi", role="clerk", unit=org.team, full_name="法制员")
    valid = datetime.date(2026, 12, 31)
    for number, user in enumerate([t.a, t.b, t.c, t.leader], 1):
        Officer.objects.create(
            user=user, credential_number=f"14010023{number:04d}", valid_until=valid
        )
    Officer.objects.create(
        user=t.reviewer, credential_number="140100230099", legal_reviewer=True, valid_until=valid
    )
    return t


@pytest.fixture
def waste_rule(db):
    provision = LegalProvision.objects.create(
        code="waste-transport",
        law="太原市建筑垃圾管理条例",
        article="第三十二条",
        violation="未经核准运输建筑垃圾",
        breached="《太原市建筑垃圾管理条例》第十八条",
        text="处五千元以上五万元以下罚款",
        party_kinds="organisation",
        fine_min=Decimal(5000),
        fine_max=Decimal(50000),
    )
    DiscretionBenchmark.objects.create(
        provision=provision,
        circumstance="ordinary",
        fine_min=10000,
        fine_max=20000,
        description="首次发现",
    )
    DiscretionBenchmark.objects.create(
        provision=provision,
        circumstance="slight",
        fine_min=5000,
        fine_max=10000,
        description="及时改正",
    )
    return provision


@pytest.fixture
def lead(officers, records, waste_rule):
    return CaseFactory(
        actor=officers.a, enterprise=records.enterprise, site=records.site1, provision=waste_rule
    )


@pytest.fixture
def filed(lead, officers):
    return services.case_file(actor=officers.leader, case=lead, officers=[officers.a, officers.b])


@pytest.fixture
def investigated(filed, officers):
    services.evidence_record(
        actor=officers.a,
        case=filed,
        kind="inspection_record",
        description="现场检查：渣土车未持核准证运输建筑垃圾",
        officers=[officers.b],
        credentials_shown=True,
    )
    filed.refresh_from_db()
    return filed


@pytest.fixture
def notified(investigated, officers):
    return services.case_notify(
        actor=officers.a, case=investigated, circumstance="ordinary", fine=Decimal(15000)
    )


__all__ = ["at"]


def heard(case, officer, statement: str = "无异议"):
    """The party's statement, answered by the recorded 复核 Art. 45 requires."""
    services.case_record_statement(actor=officer, case=case, statement=statement)
    return services.case_review_statement(
        actor=officer, case=case, result="rejected", opinion="当事人对违法事实无异议，维持拟处罚"
    )


@pytest.fixture
def decided_case(notified, officers):
    heard(notified, officers.a)
    return services.case_decide(actor=officers.leader, case=notified, outcome="penalty")


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """These tests run on the loop's frozen clock (2023-09-25 09:00, moved by hand)."""
    return clock
