"""Every input of the volunteer pages, bounded: what a page posts or puts in its query goes
through one of these forms, so a wrong value is a message naming the field, never an error of
the server. Field names are the ones the templates post."""

from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.models import User
from longcheng.web.inputs import DayField, MoneyField, RecordIdField

from .models import Application, Position, RecruitmentCampaign
from .rules import SCORE_DIGITS, SCORE_MAX, SCORE_MIN, SCORE_PLACES
from .workflow import LEVELS, Status


class ListField(forms.Field):
    """Several values under one name (checkboxes, repeated selects): blanks are dropped and
    each of the others is cleaned by `item`."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, item: forms.Field, max_items: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.item, self.max_items = item, max_items

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        values = [v for v in values if str(v).strip()]
        if len(values) > self.max_items:
            raise forms.ValidationError(_("最多选择 %(n)d 项。") % {"n": self.max_items})
        return [self.item.clean(v) for v in values]


def _reason(label, max_length: int = 200) -> forms.CharField:
    # Not required here: the service names a missing reason in its own words.
    return forms.CharField(label=label, max_length=max_length, required=False)


# — Public pages —


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=18)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    organisation = forms.CharField(label=_("学校或工作单位"), max_length=100)
    english = forms.TypedChoiceField(
        label=_("英语水平"),
        choices=[(0, _("无")), *LEVELS],
        coerce=int,
        required=False,
    )
    other_language = forms.CharField(label=_("其他语言及水平"), max_length=50, required=False)
    skills = forms.CharField(label=_("技能特长"), max_length=300, required=False)
    certificates = forms.CharField(label=_("证书"), max_length=300, required=False)
    experienced = forms.BooleanField(label=_("有大型活动志愿服务经历"), required=False)
    photo = forms.ImageField(label=_("照片（可选）"), required=False)
    consent = forms.BooleanField(label=_("我已阅读并同意个人信息处理规则"), required=False)
    notice_version = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)
    date = ListField(label=_("可服务日期"), item=DayField(), max_items=366)
    preference = ListField(label=_("岗位志愿"), item=RecordIdField(), max_items=10)


class StatusLookupForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12, required=False)


class SlotBookForm(forms.Form):
    slot = RecordIdField(label=_("面试时段"), error_messages={"required": _("请选择面试时段。")})


class ObjectionForm(forms.Form):
    text = _reason(_("异议内容"), max_length=2000)
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)


class CheckinForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12, required=False)


class ScheduleQueryForm(forms.Form):
    format = forms.ChoiceField(label=_("格式"), choices=[("ics", "iCal")], required=False)


# — Staff pages —


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=100, required=False, strip=True)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *Status.choices], required=False
    )
    flagged = forms.BooleanField(label=_("评委分歧较大"), required=False)
    page = forms.IntegerField(label=_("页码"), min_value=1, max_value=100_000, required=False)
    export = forms.ChoiceField(label=_("导出"), choices=[("xlsx", "Excel")], required=False)


class ScreeningForm(forms.Form):
    application = ListField(label=_("报名人"), item=RecordIdField(), max_items=1000)
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("pass", _("审核通过")), ("fail", _("审核不通过"))]
    )
    reason = _reason(_("理由"))


class SelectionRunForm(forms.Form):
    """The allocation's button; after the publication its reason goes with the new round."""

    reason = _reason(_("重新计算理由"), max_length=300)


class ObjectionHandleForm(forms.Form):
    objection = RecordIdField(label=_("异议"))
    handling = _reason(_("处理结果"), max_length=1000)


class ScoreCorrectionForm(forms.Form):
    """Posted as `judge`, `score_<code>` for each rubric item and `reason`."""

    judge = forms.ModelChoiceField(label=_("评委"), queryset=User.objects.none())
    reason = _reason(_("更正理由"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = application.campaign
        judge = self.fields["judge"]
        assert isinstance(judge, forms.ModelChoiceField)
        judge.queryset = User.objects.filter(judging_sessions__campaign=campaign).distinct()
        for item in campaign.rubric:
            self.fields[f"score_{item['code']}"] = score_field(
                item["name"],
                required=True,
                attrs={
                    "class": "form-control form-control-sm",
                    "style": "width:7rem",
                    "placeholder": item["name"],
                    "aria-label": item["name"],
                },
            )


class DropForm(forms.Form):
    reason = _reason(_("退出原因"))


class OverrideForm(forms.Form):
    position = forms.ModelChoiceField(
        label=_("岗位"), queryset=Position.objects.none(), required=False, empty_label=_("不录用")
    )
    reason = _reason(_("理由"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["position"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = application.campaign.positions.all()


def score_field(label, *, required: bool, attrs: dict | None = None) -> forms.DecimalField:
    """A mark 0–100 in the stored precision (Score.value's digits and places): the field
    refuses a finer mark, and its number input says the same (step, min, max)."""
    return MoneyField(
        label=label,
        max_digits=SCORE_DIGITS,
        decimal_places=SCORE_PLACES,
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        required=required,
        # DecimalField gives a number input its step (10^-places) and its min and max.
        widget=forms.NumberInput(attrs={"inputmode": "decimal", **(attrs or {})}),
    )


class JudgePickForm(forms.Form):
    """The judge's tablet: the candidate (`?a=` on the page, `application` when posted) and
    the search box (`?q=`, a name or a candidate's number)."""

    a = RecordIdField(label=_("考生"), required=False)
    application = RecordIdField(label=_("考生"), required=False)
    q = forms.CharField(label=_("搜索"), max_length=50, required=False, strip=True)


class JudgeScoreForm(forms.Form):
    """One field per rubric item, named by the item's code (empty ones are named by the
    service, which asks for every item). The page renders these fields, so the inputs are
    the ones the form checks."""

    def __init__(self, *args, campaign: RecruitmentCampaign, **kwargs):
        super().__init__(*args, **kwargs)
        for item in campaign.rubric:
            self.fields[item["code"]] = score_field(
                item["name"],
                required=False,
                attrs={"id": f"s-{item['code']}", "class": "form-control form-control-lg mb-2"},
            )


class RosterDayForm(forms.Form):
    day = DayField(label=_("日期"), required=False)


class RosterActionForm(forms.Form):
    shift = RecordIdField(label=_("班次"))


class LateCheckinReviewForm(forms.Form):
    assignment = RecordIdField(label=_("签到"))
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("accept", _("认可")), ("refuse", _("不予认可"))]
    )
    reason = _reason(_("审核理由"))


class HoursQueryForm(forms.Form):
    export = forms.ChoiceField(label=_("导出"), choices=[("xlsx", "Excel")], required=False)
    certificate = RecordIdField(label=_("服务证明"), required=False)
