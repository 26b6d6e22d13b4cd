"""Who may decide on a verification: a rule over the actor, the request and its check."""

from django.conf import settings
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


# — Personal-information notices (PIPL art. 17) —


def period_words(days: int) -> str:
    """A retention period in plain words: 1095 → "3 年", 180 → "180 日（约 6 个月）"."""
    if days % 365 == 0:
        return _("%(n)d 年") % {"n": days // 365}
    if days >= 30 and days % 30 == 0:
        return _("%(d)d 日（约 %(n)d 个月）") % {"d": days, "n": days // 30}
    return _("%(d)d 日") % {"d": days}


def retention_words(key: str) -> list[str]:
    """How long each form's data is kept, from the settings the retention purge obeys
    (`core.data_retention`), in sentences a citizen reads (PIPL art. 17 (1) 3, art. 19)."""
    if key == "appeal":
        return [
            _(
                "称呼和手机号码在诉求办结归档后保存 %(p)s，期满自动清除；"
                "诉求内容和办理过程作为政务记录保存，其中不含您的联系方式。"
            )
            % {"p": period_words(settings.LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS)},
            _("涉及法律程序而被依法保全的事项，联系方式保存至保全解除。"),
        ]
    if key == "volunteer":
        return [
            _(
                "未被录用的，姓名、身份证号码、手机号码和照片在活动服务期结束后保存 %(p)s，"
                "期满自动清除，只保留不能识别个人的统计数字。"
            )
            % {"p": period_words(settings.LONGCHENG_RETENTION_UNSELECTED_APPLICANT_DAYS)},
            _("被录用的志愿者，报名和服务记录用于出具服务时长证明，随志愿服务档案保存。"),
        ]
    if key == "data_request":
        return [
            _(
                "请求及答复记录作为依法办理的凭证随个人信息保护档案保存；"
                "核验身份时的短信验证码和当面查验的证件号码不保存。"
            )
        ]
    return []


def rights_words() -> str:
    """How to exercise one's rights (PIPL arts. 44–48, 50), with the answering deadline."""
    return _(
        "您有权查阅、复制、更正、补充、删除您的个人信息，撤回同意，并要求解释处理规则"
        "（《个人信息保护法》第四十四条至第四十八条）。请通过上述联系方式或到政务服务大厅"
        "提出，核验身份后在 %(n)d 个工作日内答复。"
    ) % {"n": settings.LONGCHENG_PIPL_ANSWER_DAYS}


def notice_publish_refusal(key: str, version: str, effective_from, current) -> str:
    """Why this new version of a form's notice may not be published ("" when it may): a
    known form, a version not used before, taking effect after the current one; a public
    form's version must be one its form can send back (`core.notices`)."""
    from longcheng.core import notices

    from .models import NoticeKey

    if key not in NoticeKey.values:
        return _("没有这个表单的个人信息告知。")
    if not version.strip():
        return _("请填写告知的版本号。")
    if current is not None and current.version == version:
        return _("该版本已发布；告知内容变更须发布新的版本（《个人信息保护法》第十七条第二款）。")
    if current is not None and effective_from <= current.effective_from:
        return _("新版本的施行日期须晚于现行版本（%(d)s）。") % {"d": current.effective_from}
    if key in {"appeal", "volunteer"} and (key, version) not in notices.NOTICES:
        return _("表单尚不能回传版本 %(v)s：请先在 core.notices 中登记该版本。") % {"v": version}
    return ""
