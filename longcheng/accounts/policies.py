"""Who may act: the one home of every "may this user do this for that unit" rule.

`accounts.scoping` answers what a user may *see* (lists, pages, exports); this module answers
what a user may *do*. Services call the `require_*` forms (they raise with the reason), views
and templates the predicates, so a button and the service behind it never disagree.

The rules take the records they judge by duck typing (a campaign's `unit`, a session's
`judges`), so this lower layer names no model of the apps above it.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from longcheng.core.errors import PermissionRefused

from .roles import Role

# The roles that act for a unit; the dispatch centre acts through the loop's own relation.
ACTING_ROLES = frozenset({Role.CLERK, Role.LEADER})


def acts_for(user, unit, *, roles=ACTING_ROLES) -> bool:
    """The user works in `unit`, or leads a unit above it, in a role that acts for units."""
    own = getattr(user, "unit", None)
    if unit is None or own is None or not getattr(user, "is_active", False):
        return False
    if user.role not in roles:
        return False
    return own.pk == unit.pk or (user.role == Role.LEADER and unit.path.startswith(own.path))


def leads(user, unit) -> bool:
    """A leader of `unit` or of a unit above it."""
    return acts_for(user, unit, roles=frozenset({Role.LEADER}))


def acts_filter(user, unit_field: str, *, roles=ACTING_ROLES) -> Q:
    """The queryset twin of `acts_for`: records whose `unit_field` is a unit the user acts for
    (a work queue lists exactly what the predicate lets the user act on)."""
    own = getattr(user, "unit", None)
    if own is None or not getattr(user, "is_active", False) or user.role not in roles:
        return Q(pk__in=[])
    if user.role == Role.LEADER:
        return Q(**{f"{unit_field}__path__startswith": own.path})
    return Q(**{f"{unit_field}_id": own.pk})


def led_filter(user, unit_field: str) -> Q:
    """The queryset twin of `leads`."""
    return acts_filter(user, unit_field, roles=frozenset({Role.LEADER}))


def require_role(actor, role: Role, what: str) -> None:
    """Administrative acts belong to one role each (三权分立)."""
    if actor.role != role or not actor.is_active:
        raise PermissionRefused(
            _("只有%(role)s可以%(what)s。") % {"role": role.label, "what": what}
        )


def require_acts_for(user, unit, message: str) -> None:
    if not acts_for(user, unit):
        raise PermissionRefused(message)


# — Per domain: each names the unit that owns the record, and any personal relation —


def owns_campaign(user, campaign) -> bool:
    """Inspection campaigns and recruitment campaigns: the organising unit."""
    return acts_for(user, campaign.unit)


def manages_fund(user, fund) -> bool:
    return acts_for(user, fund.management_unit)


def leads_project(user, project) -> bool:
    return acts_for(user, project.lead_unit)


def reports_indicator(user, indicator) -> bool:
    return acts_for(user, indicator.owner_unit)


def runs_dispatch_centre(user) -> bool:
    """The dispatch centre's own acts: promoting a 每月一题, switching the emergency mode."""
    return (
        user is not None
        and getattr(user, "is_active", False)
        and getattr(user, "role", None) == Role.DISPATCHER
    )


def reports_problem(user, problem) -> bool:
    """A 每月一题's lead unit reports its progress."""
    return acts_for(user, problem.lead_unit)


def judges_application(user, application) -> bool:
    """A judge of the session the candidate is booked into (never another session's)."""
    slot = getattr(application, "slot", None)
    return bool(slot and slot.session.judges.filter(pk=user.pk).exists())


def inspects_visit(user, visit) -> bool:
    return visit.inspectors.filter(pk=user.pk).exists()


def is_case_officer(user, case) -> bool:
    return case.case_officers.filter(user=user).exists()


def sits_on_committee(user, meeting_or_deal) -> bool:
    """A member of an investment committee meeting (投决会) votes on its deals: given a meeting,
    the user is one of its `members`; given a deal, one of the members of any of its
    `meetings`. Membership is the relation, whatever the role or unit (the fund's managers
    choose the members); an inactive account votes on nothing."""
    if user is None or not getattr(user, "is_active", False) or user.pk is None:
        return False
    meetings = getattr(meeting_or_deal, "meetings", None)
    if meetings is not None and not hasattr(meeting_or_deal, "members"):
        return any(sits_on_committee(user, meeting) for meeting in meetings.all())
    # `.all()` so a prefetched member list is read without a query per meeting.
    return any(member.pk == user.pk for member in meeting_or_deal.members.all())


def division_covers(division, place) -> bool:
    """`place` (a division) is `division` or lies inside it."""
    while place is not None:
        if place.pk == division.pk:
            return True
        place = place.parent
    return False


def committee_covers(user, matter) -> bool:
    """A business-environment committee acts on matters of its own district: never on one
    placed in another district. A matter without a place (an anonymous web appeal) may be
    taken up by any committee, as before places were recorded."""
    own = getattr(user, "unit", None)
    if own is None or own.kind != "committee" or user.role not in ACTING_ROLES:
        return False
    if matter.division_id is None:
        return True
    return own.division_id is not None and division_covers(own.division, matter.division)


def require(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionRefused(message or _("您无权办理此事项。"))


# — The 12345 workbench (hotline) —


def runs_hotline(user) -> bool:
    """The dispatch centre's operators take calls: the workbench, 即时办结, 来电跟进, the
    category questions and the city-wide answer templates."""
    return runs_dispatch_centre(user)


def require_runs_hotline(user) -> None:
    if not runs_hotline(user):
        raise PermissionRefused(_("只有派单中心（12345热线）可以办理来电。"))


def manages_answer_templates(user, unit) -> bool:
    """Answer templates: the dispatch centre keeps the city's (unit None), a unit's leader
    keeps the unit's own (and those of the units below it)."""
    if unit is None:
        return runs_hotline(user)
    return leads(user, unit)


# — Dispatch disputes (派单争议) —


def rules_disputes(user) -> bool:
    """The dispatch centre rules dispatch disputes: which unit is responsible, under which
    category, and whether the catalogue changes."""
    return runs_dispatch_centre(user)


# — 知识库 (knowledge) —


def keeps_articles_of(user, unit) -> bool:
    """The owning unit's clerks and leaders (a leader also those of the units below) keep its
    knowledge articles; the dispatch centre keeps every unit's."""
    return runs_dispatch_centre(user) or acts_for(user, unit)


def keeps_article(user, article) -> bool:
    return keeps_articles_of(user, article.unit)


def kept_articles_filter(user, unit_field: str = "unit") -> Q:
    """The queryset twin of `keeps_article`."""
    if runs_dispatch_centre(user):
        return Q(pk__isnull=False)  # every article (an empty Q would vanish in an OR)
    return acts_filter(user, unit_field)


def require_keeps_article(user, unit) -> None:
    if not keeps_articles_of(user, unit):
        raise PermissionRefused(
            _("只有维护单位（%(u)s）的工作人员或派单中心可以维护这条知识。")
            % {"u": getattr(unit, "name", "—")}
        )


def speaks_for_reporter(user, matter) -> bool:
    """Stopping (or resuming) a reporter's progress messages when the citizen asks by phone:
    the dispatch centre, and the staff of the unit handling or having received the matter."""
    if runs_dispatch_centre(user):
        return True
    return acts_for(user, matter.lead_unit) or acts_for(user, matter.receiving_unit)
