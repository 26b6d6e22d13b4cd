"""The inputs of the funds pages, one small form per action: every number, date, id and choice
goes through a bounded field, so a bad value is a message naming the field, never a server
error. The field names are the ones the templates post."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from longcheng.web.inputs import DayField, MoneyField

from .codelists import division_choices, industry_choices
from .models import CashFlow, Fund, InvestmentMeeting, LimitedPartner
from .workflow import DD_AREAS, DealStage, FlowKind, LpKind, Vote


def _choose_from(form: forms.Form, name: str, queryset) -> None:
    """The records a model choice of this request may name (the rest are refused as invalid)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# — The fund page —


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("出资人"), max_length=100)
    kind = forms.ChoiceField(label=_("出资性质"), choices=LpKind.choices)
    commitment = MoneyField(label=_("认缴"))


class FlowForm(forms.Form):
    on = DayField(label=_("日期"))
    kind = forms.ChoiceField(label=_("类型"), choices=FlowKind.choices)
    amount = MoneyField(label=_("金额"))
    partner = forms.ModelChoiceField(
        label=_("出资人"), queryset=LimitedPartner.objects.none(), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from(self, "partner", fund.partners.all())


class FlowCorrectForm(forms.Form):
    flow = forms.ModelChoiceField(label=_("现金流"), queryset=CashFlow.objects.none())
    on = DayField(label=_("日期"))
    amount = MoneyField(label=_("金额"))
    partner = forms.ModelChoiceField(
        label=_("出资人"), queryset=LimitedPartner.objects.none(), required=False
    )
    # The service asks for at least 4 characters, with its own message.
    reason = forms.CharField(label=_("更正原因"), max_length=300, required=False)

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from(self, "flow", fund.flows.all())
        _choose_from(self, "partner", fund.partners.all())


class CommitteeRuleForm(forms.Form):
    pass_numerator = forms.IntegerField(label=_("通过比例分子"), min_value=1, max_value=10)
    pass_denominator = forms.IntegerField(label=_("通过比例分母"), min_value=1, max_value=10)
    quorum_numerator = forms.IntegerField(label=_("表决人数比例分子"), min_value=1, max_value=10)
    quorum_denominator = forms.IntegerField(label=_("表决人数比例分母"), min_value=1, max_value=10)


class CallNoticeForm(forms.Form):
    """A pro-rata capital call: the total called now and the day it is due."""

    amount = MoneyField(label=_("本次缴款总额（万元）"))
    due = DayField(label=_("缴款截止日"))
    partner = forms.ModelChoiceField(label=_("出资人"), queryset=LimitedPartner.objects.none())

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from(self, "partner", fund.partners.all())

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("缴款总额须大于零。"))
        return amount


class NavForm(forms.Form):
    quarter_end = DayField(label=_("季度末"))
    nav = MoneyField(label=_("净值"))


class FlowImportForm(forms.Form):
    file = forms.FileField(
        label=_("现金流表"), error_messages={"required": _("请选择要导入的 xlsx 文件。")}
    )
    # “检查” posts 0 (check only), “导入” posts 1 (write when every row is right).
    commit = forms.ChoiceField(
        label=_("导入"), choices=[("0", _("检查")), ("1", _("导入"))], required=False
    )

    def clean_commit(self) -> bool:
        return self.cleaned_data.get("commit") == "1"


# — The deal pipeline —


class DealForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("拟投基金"), queryset=Fund.objects.none())
    company = forms.CharField(label=_("企业名称"), max_length=100)
    # Bounded generously: the service normalises spaces and checks the code (GB 32100).
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    # Chosen from the code lists (GB/T 4754-2017 门类/大类; GB/T 2260 Shanxi), stored as codes.
    industry = forms.ChoiceField(label=_("行业"), choices=industry_choices)
    division = forms.ChoiceField(label=_("注册地区划"), choices=division_choices)
    amount = MoneyField(label=_("拟投金额"))

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from(self, "fund", funds)


class DealMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("下一阶段"), choices=DealStage.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class DiligenceForm(forms.Form):
    area = forms.ChoiceField(label=_("尽调领域"), choices=DD_AREAS)
    # The service asks for at least 5 characters, with its own message.
    findings = forms.CharField(label=_("尽调发现"), max_length=5000, required=False)
    score = forms.IntegerField(label=_("评分"), min_value=0, max_value=100)
    document = forms.FileField(label=_("尽调报告"), required=False)


def committee_candidates():
    """Who may be chosen for an investment committee: active staff of a unit."""
    return (
        get_user_model()
        .objects.filter(unit__isnull=False, is_active=True)
        .order_by("unit__path", "username")
    )


class MeetingForm(forms.Form):
    held_on = DayField(label=_("会议日期"))
    # Not required here: the service refuses fewer than three members with its own message.
    members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("投决委员"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from(self, "members", committee_candidates())


class _MeetingOfDeal(forms.Form):
    meeting = forms.ModelChoiceField(label=_("投决会"), queryset=InvestmentMeeting.objects.none())

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from(self, "meeting", deal.meetings.all())


class VoteForm(_MeetingOfDeal):
    vote = forms.ChoiceField(label=_("表决"), choices=Vote.choices)
    comment = forms.CharField(label=_("意见"), max_length=300, required=False)


class ReconsiderForm(MeetingForm):
    # The service asks for at least 5 characters, with its own message.
    reason = forms.CharField(label=_("复议理由"), max_length=500, required=False)


class DecisionForm(_MeetingOfDeal):
    conditions = forms.CharField(label=_("附加条件"), max_length=2000, required=False)
