"""The one permission policy, table-driven: role × relation to the unit × the rule."""

import pytest

from conftest import UserFactory
from longcheng.accounts import policies
from longcheng.accounts.roles import Role

pytestmark = pytest.mark.django_db

# Where the user sits relative to the record's unit (brigade1, under the enforcement team).
RELATIONS = {
    "same unit": "brigade1",
    "unit above": "team",
    "sibling unit": "brigade2",
    "no unit": None,
}

# Who acts for brigade1's records: its own clerks and leaders, and leaders above it.
ACTS = {
    (Role.CLERK, "same unit"): True,
    (Role.LEADER, "same unit"): True,
    (Role.LEADER, "unit above"): True,
    (Role.CLERK, "unit above"): False,
    (Role.CLERK, "sibling unit"): False,
    (Role.LEADER, "sibling unit"): False,
}


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", list(Role))
def test_acts_for(org, role, relation):
    unit = getattr(org, RELATIONS[relation]) if RELATIONS[relation] else None
    user = UserFactory(role=role, unit=unit)
    expected = ACTS.get((role, relation), False)
    assert policies.acts_for(user, org.brigade1) is expected
    assert policies.leads(user, org.brigade1) is (expected and role == Role.LEADER)


def test_an_inactive_account_acts_for_nothing(org):
    user = UserFactory(role=Role.CLERK, unit=org.brigade1, is_active=False)
    assert not policies.acts_for(user, org.brigade1)


def test_the_domain_rules_name_the_owning_unit(org):
    class Record:
        unit = management_unit = lead_unit = owner_unit = org.brigade1

    clerk = UserFactory(role=Role.CLERK, unit=org.brigade1)
    other = UserFactory(role=Role.CLERK, unit=org.brigade2)
    for rule in (
        policies.owns_campaign,
        policies.manages_fund,
        policies.leads_project,
        policies.reports_indicator,
    ):
        assert rule(clerk, Record) and not rule(other, Record), rule.__name__
    dispatcher = UserFactory(role=Role.DISPATCHER, unit=org.brigade1)
    # The copy for indicators used to skip the role check: a dispatcher seated in the unit
    # could report its figures.
    assert not policies.reports_indicator(dispatcher, Record)


@pytest.mark.parametrize(
    ("committee_district", "matter_district", "covered"),
    [("xiaodian", "xiaodian", True), ("xiaodian", "jinyuan", False), ("xiaodian", None, True)],
)
def test_a_committee_covers_its_own_district(
    org, users, committee_district, matter_district, covered
):
    class Matter:
        division = getattr(org, matter_district) if matter_district else None
        division_id = division.pk if division else None

    assert policies.committee_covers(users.committee_clerk, Matter) is covered
    assert not policies.committee_covers(users.clerk1, Matter)  # not a committee


class _Related:
    """A stand-in for a related manager (`meeting.members`, `deal.meetings`)."""

    def __init__(self, *items):
        self.items = items

    def all(self):
        return list(self.items)


# Where the user stands relative to an investment committee meeting (投决会) of a fund
# managed by brigade1.
COMMITTEE_RELATIONS = ["member", "member of another meeting", "fund's managing unit", "none"]
# Membership is the whole relation: the fund's managers choose the members, whatever their role.
SITS = {(role, "member"): True for role in Role}


@pytest.mark.parametrize("relation", COMMITTEE_RELATIONS)
@pytest.mark.parametrize("role", list(Role))
def test_only_members_sit_on_an_investment_committee(org, role, relation):
    unit = org.brigade1 if relation == "fund's managing unit" else org.brigade2
    user = UserFactory(role=role, unit=unit)
    others = [UserFactory(role=Role.CLERK, unit=org.brigade2) for _ in range(3)]

    class Meeting:
        members = _Related(*others, *([user] if relation == "member" else []))

    class OtherMeeting:
        members = _Related(*others, *([user] if relation == "member of another meeting" else []))

    class Deal:
        meetings = _Related(Meeting)

    expected = SITS.get((role, relation), False)
    assert policies.sits_on_committee(user, Meeting) is expected
    assert policies.sits_on_committee(user, Deal) is expected  # a deal: any of its meetings
    assert policies.sits_on_committee(user, OtherMeeting) is (
        relation == "member of another meeting"
    )


def test_an_inactive_member_does_not_vote(org):
    user = UserFactory(role=Role.CLERK, unit=org.brigade1, is_active=False)

    class Meeting:
        members = _Related(user)

    assert not policies.sits_on_committee(user, Meeting)
    assert not policies.sits_on_committee(None, Meeting)


def test_the_audit_log_mails_roles_that_exist():
    """The audit app sits below accounts and names the alert roles by code."""
    from longcheng.audit.services import ALERT_ROLES

    assert set(ALERT_ROLES) == {Role.AUDITOR.value, Role.SECADMIN.value}
