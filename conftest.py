"""Shared fixtures: a small organisation (a city, an enforcement team with two brigades, a
district committee) and one user per role."""

import datetime

import factory
import pytest
from stdnum.cn import ric, uscc

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core.models import Division, Unit
from longcheng.parties.models import Enterprise, Person, Site

# Fixtures every app's tests share: the loop's clock, catalogue and matters (tests/fixtures).
pytest_plugins = ["tests.fixtures.loop"]

PASSWORD = "Correct-Horse-42"


def valid_id_number(birth=datetime.date(1985, 6, 21), sequence=46, division="140105") -> str:
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body)


def valid_credit_code(org="MA0K2XQ3", division="140105") -> str:
    body = f"91{division}{org}1"[:17]
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    role = Role.CLERK
    password = factory.django.Password(PASSWORD)


@pytest.fixture(autouse=True)
def chinese_first():
    """Every test starts in the platform's language: a page requested in English by an earlier
    test in the same process (two test processes share tests unevenly) must not leak."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def audit_anchor_file(settings, tmp_path):
    """Each test anchors the audit head in its own file, outside the project."""
    settings.LONGCHENG_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    return tmp_path / "audit-anchors.jsonl"


@pytest.fixture(autouse=True)
def fresh_calendar_years():
    """The entered holiday years are cached per process; a rolled-back test must not leave
    its years behind for the next."""
    from longcheng.core.calendar import forget_entered_years

    forget_entered_years()
    yield
    forget_entered_years()


@pytest.fixture
def org(db):
    city = Division.objects.create(code="140100", name="太原市", level="city")
    xiaodian = Division.objects.create(code="140105", name="小店区", level="district", parent=city)
    jinyuan = Division.objects.create(code="140110", name="晋源区", level="district", parent=city)

    def add(parent, code, name, kind, division=city):
        fields = {"code": code, "name": name, "kind": kind, "division": division}
        if parent is None:
            return Unit.objects.add_root(fields)
        return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), fields)

    gov = add(None, "gov", "太原市人民政府", "government")
    hotline = add(gov, "hotline", "12345热线中心", "dispatch_center")
    team = add(gov, "cg", "市城管执法队", "enforcement")
    brigade1 = add(team, "cg1", "直属一大队", "subunit")
    brigade2 = add(team, "cg2", "直属二大队", "subunit")
    committee = add(gov, "xd", "小店区营商环境监督委员会", "committee", xiaodian)

    class Org:
        pass

    o = Org()
    o.city, o.xiaodian, o.jinyuan = city, xiaodian, jinyuan
    o.gov, o.hotline, o.brigade1, o.brigade2, o.committee = (
        gov,
        hotline,
        brigade1,
        brigade2,
        committee,
    )
    o.team = Unit.objects.get(pk=team.pk)
    return o


@pytest.fixture
def users(org):
    class Users:
        pass

    u = Users()
    u.clerk1 = UserFactory(username="clerk1", role=Role.CLERK, unit=org.brigade1)
    u.clerk2 = UserFactory(username="clerk2", role=Role.CLERK, unit=org.brigade2)
    u.leader = UserFactory(username="leader", role=Role.LEADER, unit=org.team)
    u.dispatcher = UserFactory(username="dispatcher", role=Role.DISPATCHER, unit=org.hotline)
    u.committee_clerk = UserFactory(username="xdclerk", role=Role.CLERK, unit=org.committee)
    u.sysadmin = UserFactory(username="sysadmin", role=Role.SYSADMIN)
    u.secadmin = UserFactory(username="secadmin", role=Role.SECADMIN)
    u.auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    return u


@pytest.fixture
def records(org, users):
    """One site per brigade, an enterprise and a person in the committee."""

    class Records:
        pass

    r = Records()
    r.site1 = Site.objects.create(
        name="富力壹品地下车库项目", owner_unit=org.brigade1, division=org.xiaodian
    )
    r.site2 = Site.objects.create(
        name="龙湖天樾项目", owner_unit=org.brigade2, division=org.jinyuan
    )
    r.enterprise = Enterprise.objects.create(
        name="山西易通天下产业孵化基地有限公司",
        credit_code=valid_credit_code(),
        owner_unit=org.committee,
        division=org.xiaodian,
    )
    r.person = Person.objects.create(
        name="贺文静",
        id_number=valid_id_number(),
        phone="13912340001",
        gender="F",
        birth_date=datetime.date(1985, 6, 21),
        owner_unit=org.committee,
        tags="特邀监督员",
    )
    return r


@pytest.fixture(autouse=True)
def force_login_includes_the_second_factor(monkeypatch):
    """`force_login` skips the password; here it skips the TOTP code as well, leaving the
    session as a verified sign-in leaves it (a confirmed device named in the session). The
    sign-in itself, code and all, is tested through its pages in accounts/tests."""
    from django.test import Client

    from longcheng.accounts.testing import mark_session_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_session_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# Tests by kind, marked by where they live, so a run can pick them: `-m "not e2e"` for a quick
# pass, `-m drill` for the failure drills. `make test` and `make test-pg` run them all.
_KINDS = {"tests/e2e/": "e2e", "tests/drills/": "drill", "tests/celery_worker/": "worker"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.as_posix()
        for folder, marker in _KINDS.items():
            if f"/{folder}" in path:
                item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(autouse=True)
def fresh_boundaries():
    """The point-in-polygon index is cached per process; a rolled-back test's boundaries must
    not place the next test's points."""
    from longcheng.core.geo import forget_boundaries

    forget_boundaries()
