"""Fund kinds and stages, LP kinds, and the deal pipeline as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundKind(models.TextChoices):
    FUND_OF_FUNDS = "fof", _("母基金")
    SEED = "seed", _("种子基金")
    ANGEL = "angel", _("天使基金")
    VENTURE = "venture", _("创投基金")
    INDUSTRIAL = "industrial", _("产业基金")


class FundStage(models.TextChoices):
    SETTING_UP = "setting_up", _("设立")
    FUNDRAISING = "fundraising", _("募资")
    INVESTING = "investing", _("投资")
    POST_INVESTMENT = "post_investment", _("投后")
    EXITING = "exiting", _("退出")


class LpKind(models.TextChoices):
    GUIDANCE = "guidance", _("政府引导基金")
    PROVINCIAL = "provincial", _("省级资金")
    SOCIAL = "social", _("社会资本")
    PARENT_FUND = "parent_fund", _("母基金出资")


# Government money, for 放大倍数 and 返投: the guidance fund, provincial money, and a
# government fund of funds' commitment to its sub-fund (the forest roll-up counts that once).
GOVERNMENT = {LpKind.GUIDANCE, LpKind.PROVINCIAL, LpKind.PARENT_FUND}


class FlowKind(models.TextChoices):
    CALL = "call", _("实缴（出资）")
    DISTRIBUTION = "distribution", _("分配")
    FEE = "fee", _("管理费及费用")


class DealStage(models.TextChoices):
    LEAD = "lead", _("线索")
    SCREENING = "screening", _("初筛")
    DUE_DILIGENCE = "due_diligence", _("尽调")
    COMMITTEE = "committee", _("投决")
    SIGNED = "signed", _("签约")
    CLOSED = "closed", _("交割")
    PORTFOLIO = "portfolio", _("投后")
    EXITED = "exited", _("退出")
    DECLINED = "declined", _("终止")


D = DealStage
# stage -> the stages it may move to (the investment committee's decision moves COMMITTEE on).
DEAL_TRANSITIONS: dict[DealStage, set[DealStage]] = {
    D.LEAD: {D.SCREENING, D.DECLINED},
    D.SCREENING: {D.DUE_DILIGENCE, D.DECLINED},
    D.DUE_DILIGENCE: {D.COMMITTEE, D.DECLINED},
    D.COMMITTEE: {D.SIGNED, D.DECLINED},
    D.SIGNED: {D.CLOSED, D.DECLINED},
    D.CLOSED: {D.PORTFOLIO},
    D.PORTFOLIO: {D.EXITED},
    D.EXITED: set(),
    D.DECLINED: set(),
}

DD_AREAS = [
    ("legal", _("法律")),
    ("financial", _("财务")),
    ("technical", _("技术")),
    ("market", _("市场")),
]


class Vote(models.TextChoices):
    FOR = "for", _("同意")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")
