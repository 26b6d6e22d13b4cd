import datetime
from decimal import Decimal

import pytest

from conftest import UserFactory
from longcheng.projects.models import (
    AnnualPlan,
    Goal,
    KeyProject,
    Positioning,
    ProjectSponsor,
    Task,
)
from tests.fixtures.loop import at


@pytest.fixture
def tree(org, users):
    class Tree:
        pass

    t = Tree()
    t.positioning = Positioning.objects.create(name="打造全国重要的先进制造业基地")
    t.goal = Goal.objects.create(positioning=t.positioning, name="新能源产业链")
    t.sponsor = UserFactory(
        username="vice_mayor", role="leader", unit=org.gov, full_name="王副市长"
    )
    t.task = Task.objects.create(
        goal=t.goal,
        code="T-01",
        what="建设光伏全产业链基地",
        why="落实制造业振兴",
        lead_leader=t.sponsor,
        lead_unit=org.team,
        responsible_person=users.leader,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2025, 12, 31),
        how="招商引资、要素保障",
    )
    return t


@pytest.fixture
def project(tree, org, catalogue):
    p = KeyProject.objects.create(
        code="P-JK",
        name="晶科56GW垂直一体化大基地",
        lead_unit=org.brigade1,
        total_investment=Decimal(5600000),
        planned_start=datetime.date(2023, 3, 1),
        planned_end=datetime.date(2026, 12, 31),
        actual_start=datetime.date(2023, 8, 15),
    )
    p.tasks.add(tree.task)
    AnnualPlan.objects.create(project=p, year=2023, planned_investment=Decimal(1200))
    ProjectSponsor.objects.create(project=p, leader=tree.sponsor, since=datetime.date(2023, 1, 1))
    return p


__all__ = ["at"]


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """These tests run on the loop's frozen clock (2023-09-25 09:00, moved by hand)."""
    return clock
