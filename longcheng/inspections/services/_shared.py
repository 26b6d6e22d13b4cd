"""What the services of inspections share: their refusal, and the checks of who may act."""

from __future__ import annotations

from django.utils.translation import gettext as _

from longcheng.accounts.policies import inspects_visit, owns_campaign
from longcheng.core.errors import LongchengError, PermissionRefused

from .. import sampling
from ..models import (
    Campaign,
    InspectionVisit,
)
from ..selectors import (
    conflicts_for,
)
from ..workflow import (
    VisitStatus,
)


class InspectionRefused(LongchengError):
    pass


def _require_manager(actor, campaign: Campaign) -> None:
    if not owns_campaign(actor, campaign):
        raise PermissionRefused(_("只有组织单位的工作人员可以管理本次专项检查。"))


def _require_inspector(actor, visit: InspectionVisit) -> None:
    if not inspects_visit(actor, visit):
        raise PermissionRefused(_("只有本次检查的执法检查人员可以填写检查记录。"))


def _require_open(visit: InspectionVisit) -> None:
    if visit.status == VisitStatus.SUBMITTED:
        raise InspectionRefused(_("检查记录已提交，不能再修改。"))


def _check_team(campaign: Campaign, party, team: list) -> None:
    if len({u.pk for u in team}) < sampling.INSPECTORS_PER_VISIT:
        raise InspectionRefused(_("现场检查须由两名以上执法检查人员进行。"))
    roster = set(campaign.inspectors.values_list("pk", flat=True))
    outsiders = [u.full_name or u.username for u in team if u.pk not in roster]
    if outsiders:
        raise InspectionRefused(
            _("%(names)s 不在本次专项检查的执法检查人员名录中。") % {"names": "、".join(outsiders)}
        )
    key = f"{type(party).__name__.lower()}:{party.pk}"
    conflicted = conflicts_for({key}).get(key, set())
    linked = [u.full_name or u.username for u in team if u.pk in conflicted]
    if linked:
        raise InspectionRefused(
            _("%(names)s 与“%(party)s”有利害关系，应当回避。")
            % {"names": "、".join(linked), "party": party}
        )
