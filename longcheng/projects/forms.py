"""Every input of the projects pages goes through one of these forms: a bad number, date or id
is a message naming the field, never a server error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.accounts.models import User
from longcheng.core.bounds import FIRST_YEAR, LAST_YEAR
from longcheng.core.errors import LongchengError
from longcheng.core.models import Unit
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import DayField, MoneyField, RecordIdField

from .models import Task


def cleaned(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or a refusal naming each wrong field (“年份”填写有误：…)."""
    if form.is_valid():
        return form.cleaned_data
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        label = form.fields[name].label if name in form.fields else ""
        parts.append(_("“%(l)s”填写有误：%(e)s") % {"l": label, "e": text} if label else text)
    raise LongchengError("；".join(parts))


def _year(required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=gettext_lazy("年份"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=required
    )


def _month(required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=gettext_lazy("月份"), min_value=1, max_value=12, required=required
    )


class TaskForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Task
        fields = [
            "goal",
            "code",
            "what",
            "why",
            "lead_leader",
            "lead_unit",
            "responsible_units",
            "responsible_person",
            "start",
            "end",
            "where",
            "how",
            "roadmap",
            "investment",
            "indicator_targets",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "why": forms.Textarea(attrs={"rows": 2}),
            "how": forms.Textarea(attrs={"rows": 2}),
            "roadmap": forms.Textarea(attrs={"rows": 2}),
            "indicator_targets": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_leader"].queryset = User.objects.filter(role="leader")
        self.fields["responsible_person"].queryset = User.objects.filter(
            role__in=["leader", "clerk"]
        )

    def clean(self):
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("完成日期不能早于开始日期。"))
        return data


class PeriodForm(forms.Form):
    """?year=&month= of the monthly pages; a bad or missing value means the latest month."""

    year = _year(required=False)
    month = _month(required=False)
    template = forms.ChoiceField(choices=[("", ""), ("xlsx", "xlsx")], required=False)

    def period(self, default: tuple[int, int]) -> tuple[int, int]:
        if self.is_valid() and self.cleaned_data["year"] and self.cleaned_data["month"]:
            return self.cleaned_data["year"], self.cleaned_data["month"]
        return default

    def wants_template(self) -> bool:
        return self.is_valid() and self.cleaned_data["template"] == "xlsx"


class ReturnForm(forms.Form):
    """Where a posted report returns: the project's page, or the 待报送 list it came from."""

    back = forms.ChoiceField(choices=[("", ""), ("pending", "pending")], required=False)

    def to_pending(self) -> bool:
        return self.is_valid() and self.cleaned_data["back"] == "pending"


class YearForm(forms.Form):
    year = _year(required=False)

    def year_or(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return default


class ReportForm(forms.Form):
    year = _year()
    month = _month()
    investment = MoneyField(label=gettext_lazy("本月完成投资"))
    progress = forms.CharField(label=gettext_lazy("形象进度"), required=False, max_length=2000)
    problems = forms.CharField(label=gettext_lazy("存在问题"), required=False, max_length=2000)
    correction_reason = forms.CharField(
        label=gettext_lazy("更正原因（更正已报送的月份时填写）"), required=False, max_length=300
    )


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("调度表"),
        error_messages={"required": gettext_lazy("请选择要导入的 xlsx 文件。")},
    )
    commit = forms.BooleanField(required=False)


class _Many(forms.Field):
    """The posted values of a repeated input, in order (one per row of the page)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in (value or [])]


class VisitForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=gettext_lazy("包保领导"), queryset=User.objects.all(), required=False
    )
    visited_on = DayField(label=gettext_lazy("走访日期"))
    attendees = forms.CharField(label=gettext_lazy("参加人员"), required=False, max_length=2000)
    findings = forms.CharField(label=gettext_lazy("发现"), required=False, max_length=4000)
    decisions = forms.CharField(label=gettext_lazy("议定"), required=False, max_length=4000)
    problem = _Many(label=gettext_lazy("交办问题"), required=False)
    problem_unit = _Many(label=gettext_lazy("交办单位"), required=False)

    def clean_problem_unit(self):
        unit_id = RecordIdField(label=self.fields["problem_unit"].label, required=False)
        return [unit_id.clean(v) if v else None for v in self.cleaned_data["problem_unit"]]

    def clean(self):
        data = super().clean() or {}
        pairs = [
            (text, unit_id)
            for text, unit_id in zip(
                data.get("problem") or [], data.get("problem_unit") or [], strict=False
            )
            if text.strip() and unit_id
        ]
        units = Unit.objects.in_bulk([u for _t, u in pairs])
        if any(u not in units for _t, u in pairs):
            self.add_error("problem_unit", _("所选交办单位不存在。"))
        data["problems"] = [(text, units[u]) for text, u in pairs if u in units]
        return data


class IndicatorValueForm(forms.Form):
    year = _year()
    month = _month()
    target = MoneyField(label=gettext_lazy("目标"), required=False)
    actual = MoneyField(label=gettext_lazy("实际"), required=False)


# — 每月一题 —


class ProblemSourceForm(forms.Form):
    """Where the promote form starts: a hot spot (a report and its cluster) or a category."""

    report = RecordIdField(required=False)
    index = forms.IntegerField(required=False, min_value=0, max_value=999)
    category = RecordIdField(required=False)


def _category_field():
    from longcheng.loop.forms import CategoryChoiceField
    from longcheng.loop.models import Category

    return CategoryChoiceField(
        label=gettext_lazy("诉求类别"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        help_text=gettext_lazy("该类别及其下级类别的事项计入本题的诉求量"),
    )


def _unit_field():
    from longcheng.loop.forms import UnitChoiceField

    return UnitChoiceField(
        label=gettext_lazy("牵头单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        widget=forms.Select(attrs={"data-searchable": gettext_lazy("输入单位名称筛选")}),
    )


class ProblemPromoteForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("题目"), max_length=100)
    category = _category_field()
    terms = forms.CharField(
        label=gettext_lazy("关键词"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "以空格分隔，如“供暖 暖气 不热”；热点诉求须填写，含任一关键词的事项计入本题"
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_unit = _unit_field()
    measures = forms.CharField(
        label=gettext_lazy("整改措施"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = DayField(
        label=gettext_lazy("完成时限"), widget=forms.DateInput(attrs={"type": "date"})
    )
    milestones = forms.CharField(
        label=gettext_lazy("节点"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一个：日期 节点名称，如“2023-10-20 完成排查”"),
    )
    report = RecordIdField(required=False, widget=forms.HiddenInput)
    index = forms.IntegerField(required=False, min_value=0, max_value=999, widget=forms.HiddenInput)

    def clean_milestones(self) -> list[tuple]:
        import datetime

        rows = []
        for number, line in enumerate(self.cleaned_data.get("milestones", "").splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            day, _sep, name = line.partition(" ")
            try:
                date = datetime.date.fromisoformat(day.strip())
            except ValueError:
                raise forms.ValidationError(
                    _("第 %(n)d 行的日期“%(d)s”看不懂，请写成 2023-10-20 这样。")
                    % {"n": number, "d": day[:20]}
                ) from None
            if not FIRST_YEAR <= date.year <= LAST_YEAR or not name.strip():
                raise forms.ValidationError(_("第 %(n)d 行须为“日期 节点名称”。") % {"n": number})
            rows.append((date, name.strip()[:100]))
        if len(rows) > 20:
            raise forms.ValidationError(_("节点最多 20 个。"))
        return rows


class ProblemReportForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    progress = forms.IntegerField(label=gettext_lazy("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(
        label=gettext_lazy("工作进展"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    milestone = forms.ModelChoiceField(
        label=gettext_lazy("本次完成的节点"),
        required=False,
        queryset=None,
        empty_label=gettext_lazy("（无）"),
    )

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = problem.milestones.filter(actual_date__isnull=True)
        self.fields["version"].initial = problem.version
        self.fields["progress"].initial = problem.progress


class ProblemCloseForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    note = forms.CharField(
        label=gettext_lazy("销号说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
