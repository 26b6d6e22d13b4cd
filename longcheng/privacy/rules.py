"""Who may decide on a verification: a rule over the actor, the request and its check."""

from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role

from .models import DataRequest, IdentityCheck
from .selectors import REVEAL


def approval_refusal(actor, request: DataRequest, check: IdentityCheck | None) -> str:
    """Why `actor` may not decide on `check` ("" when they may): a second person — not the
    one who verified, not the one who received — holding the reveal permission in the
    request's unit, or a leader of that unit."""
    from longcheng.web.access import is_business_staff

    if check is None or check.verified_at is None:
        return _("请求人身份尚未核验，无可审批的核验记录。")
    if not (actor.is_active and is_business_staff(actor)) or actor.awaiting_approval:
        return _("只有业务单位工作人员可以审批身份核验。")
    if actor.pk == check.verified_by_id:
        return _("不能审批自己完成的身份核验，须由另一位人员审批。")
    if actor.pk == request.received_by_id:
        return _("受理该请求的人员不能审批其身份核验，须由另一位人员审批。")
    unit = request.unit
    reveals_here = actor.unit_id == unit.pk and actor.has_perm(REVEAL)
    leads_it = actor.role == Role.LEADER and unit.path.startswith(actor.unit.path)
    if not (reveals_here or leads_it):
        return _("审批须由本单位有“查看完整个人信息”权限的人员或本单位领导进行。")
    return ""
