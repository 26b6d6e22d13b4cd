import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core.models import Division, Unit
from longcheng.core.validators import validate_mobile
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import DayField

from .emergency import emergency_on, limit_category_field
from .models import Category
from .rules import WHISTLE_HOURS_MAX, WHISTLE_HOURS_MIN
from .workflow import (
    Channel,
    Kind,
    MetricScope,
    Rating,
    ReturnReason,
    UnreasonableGround,
    Urgency,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return "　" * (category.depth - 1) + category.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return "　" * (unit.depth - 1) + unit.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class ReceiveForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=Channel.choices, initial=Channel.HOTLINE
    )
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices, initial=Kind.COMPLAINT)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    category = CategoryChoiceField(
        label=_("派单目录"),
        required=False,
        queryset=Category.objects.filter(is_active=True).order_by("path"),
    )
    division = forms.ModelChoiceField(
        label=_("所在区划"), required=False, queryset=Division.objects.exclude(level="province")
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("纬度"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    reporter_name = forms.CharField(label=_("诉求人"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), required=False)
    files = MultipleFileField(label=_("附件（图片或 PDF，可多选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 应急模式: only the emergency's categories (the banner reads `form.emergency`).
        self.emergency = emergency_on()
        if self.emergency is not None:
            limit_category_field(self.fields["category"], self.emergency)

    def clean_reporter_phone(self):
        phone = self.cleaned_data.get("reporter_phone", "")
        return validate_mobile(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("anonymous") and not cleaned.get("reporter_phone"):
            self.add_error(
                "reporter_phone", _("实名反映须留联系电话，以便回访；不愿留的请勾选匿名。")
            )
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("经纬度须同时填写或同时留空。"))
        return cleaned


class DispatchForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = CategoryChoiceField(
        label=_("派单目录"),
        required=False,
        queryset=Category.objects.filter(is_active=True).order_by("path"),
    )
    lead_unit = UnitChoiceField(
        label=_("主办单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        # A city has hundreds of units: a box above the list narrows it (static/js).
        widget=forms.Select(attrs={"data-searchable": _("输入单位名称筛选")}),
    )
    assisting_units = UnitMultipleChoiceField(
        label=_("协办单位"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        widget=forms.SelectMultiple(attrs={"size": 6, "data-searchable": _("输入单位名称筛选")}),
        help_text=_("按住 Ctrl（手机上直接点选）可选多个"),
    )
    note = forms.CharField(
        label=_("派单说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TextForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("附件（图片或 PDF）"), required=False)


class ProgressForm(TextForm):
    text = forms.CharField(label=_("办理进展"), widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(
        label=_("向诉求人公开（诉求人查询进度时可见，电话、证件号自动遮蔽）"), required=False
    )


class LegalHoldForm(forms.Form):
    """保全: a reason puts the hold on, a blank one lifts it."""

    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    reason = forms.CharField(label=_("保全理由"), required=False, max_length=200)


class AnswerForm(TextForm):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))
    personal_data_checked = forms.BooleanField(
        label=_("已核对答复中的个人信息（手机号、身份证号公开时自动遮蔽）"), required=False
    )


class ExtensionForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=60)
    text = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(BootstrapFormMixin, forms.Form):
    extension = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("审批结果"),
        coerce=lambda v: v == "1",
        choices=[("1", _("同意")), ("0", _("不同意"))],
    )
    text = forms.CharField(
        label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RateForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        coerce=lambda v: v == "1",
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("回访记录"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason_kind = forms.ChoiceField(
        label=_("退单理由"), choices=ReturnReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写明依据或建议的承办单位；选“其他”时必填"),
    )
    files = MultipleFileField(label=_("附件（图片或 PDF）"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("reason_kind") == ReturnReason.OTHER and not data.get("text", "").strip():
            self.add_error("text", _("选择“其他”时请写明退单理由。"))
        return data


class MergeForm(BootstrapFormMixin, forms.Form):
    """并单: into one of the suggested duplicates, or a matter named by its number."""

    master = forms.ChoiceField(
        label=_("并入哪一件（疑似重复）"), required=False, widget=forms.RadioSelect
    )
    master_number = forms.CharField(label=_("或输入主单编号"), max_length=20, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["master"].choices = [
            (c.matter.number, f"{c.matter.number} {c.matter.title}（{c.reason}）")
            for c in candidates
        ]
        if not candidates:
            del self.fields["master"]

    def clean(self):
        data = super().clean()
        number = (data.get("master") or data.get("master_number") or "").strip()
        if not number:
            raise forms.ValidationError(_("请选择一件疑似重复的事项，或输入主单编号。"))
        data["master_number"] = number
        return data


class AssignForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    handler = forms.ModelChoiceField(label=_("经办人"), queryset=User.objects.none())

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = User.objects.filter(
            unit=unit, is_active=True, role__in=[Role.CLERK, Role.LEADER]
        ).order_by("full_name")
        self.fields["handler"].label_from_instance = lambda u: (
            f"{u.full_name}（{u.position or u.get_role_display()}）"
        )


class AnswerReviewForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    review = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("同意，答复诉求人")), ("0", _("退回修改"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("答复内容（可修改后同意）"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回修改时必填"),
    )

    def clean(self):
        data = super().clean()
        if data.get("approve") is False and not data.get("comment", "").strip():
            self.add_error("comment", _("退回修改时请写明审核意见。"))
        return data


class WhistleForm(BootstrapFormMixin, forms.Form):
    """吹哨: the departments summoned, what is needed of them and their time to report."""

    units = UnitMultipleChoiceField(
        label=_("被吹哨部门"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6, "data-searchable": _("输入单位名称筛选")}),
        help_text=_("按住 Ctrl（手机上直接点选）可选多个"),
        error_messages={"required": _("请至少选择一个被吹哨部门。")},
    )
    reason = forms.CharField(
        label=_("需要解决的问题"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明本单位解决不了的问题，以及需要各部门做什么"),
    )
    hours = forms.IntegerField(
        label=_("报到时限（工作小时）"),
        min_value=WHISTLE_HOURS_MIN,
        max_value=WHISTLE_HOURS_MAX,
        help_text=_("按工作时间计（8:30–17:30，节假日不计）；紧急事项默认 2 小时，其他 8 小时"),
    )

    def __init__(self, *args, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True).order_by("path")
        if matter is not None and matter.lead_unit_id:
            units = units.exclude(pk=matter.lead_unit_id)
        self.fields["units"].queryset = units


class ReportForm(BootstrapFormMixin, forms.Form):
    """报到: the department's opinion, and the part of the work it takes, if any."""

    summons = forms.IntegerField(
        label=_("报到部门"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
    )
    opinion = forms.CharField(
        label=_("报到意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("本部门对问题的意见：职责依据、处理办法"),
    )
    took_part = forms.CharField(
        label=_("承担的工作（可不填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：明日上午派员到现场联合执法"),
    )

    def __init__(self, *args, summonses=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(summonses) > 1:  # a leader over several summoned units picks which reports
            self.fields["summons"].widget = forms.Select(
                choices=[(s.pk, str(s.unit)) for s in summonses]
            )


class UnreasonableRequestForm(BootstrapFormMixin, forms.Form):
    ground = forms.ChoiceField(label=_("认定理由类别"), choices=UnreasonableGround.choices)
    reasons = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("证据"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：此前答复的事项编号、法律依据条文、通话录音编号"),
    )


class UnreasonableDecisionForm(BootstrapFormMixin, forms.Form):
    claim = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    certify = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("认定为不合理诉求")), ("0", _("不予认定"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("审核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(BootstrapFormMixin, forms.Form):
    lead_unit = UnitChoiceField(
        label=_("主办单位"), queryset=Unit.objects.filter(is_active=True).order_by("path")
    )
    deadline = forms.DateField(label=_("办结期限"), widget=forms.DateInput(attrs={"type": "date"}))
    instructions = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs={"rows": 3}))


# — The official holiday schedule —

_RANGE_MARKS = ("~", "～", "至", "—", "–")
SCHEDULE_MAX_DAYS = 400
SCHEDULE_FILE_MAX_BYTES = 512 * 1024


def _one_date(token: str, where: str) -> datetime.date:
    cleaned = token.strip().replace("/", "-").replace(".", "-").replace("年", "-")
    cleaned = cleaned.replace("月", "-").replace("日", "")
    try:
        year, month, day = (int(part) for part in cleaned.split("-"))
        return datetime.date(year, month, day)
    except ValueError:
        raise forms.ValidationError(
            _("%(where)s：“%(t)s”不是日期，请写成 2027-02-05 或 2027-02-05~2027-02-11。")
            % {"where": where, "t": token.strip()[:40]}
        ) from None


def parse_day_list(text: str, where: str) -> set[datetime.date]:
    """Dates and ranges separated by lines, commas or spaces: 2027-01-01, 2027-02-05~2027-02-11."""
    days: set[datetime.date] = set()
    for token in re.split(r"[\s,，、;；]+", text.strip()):
        if not token:
            continue
        mark = next((m for m in _RANGE_MARKS if m in token), None)
        if mark is None:
            days.add(_one_date(token, where))
            continue
        first_text, last_text = token.split(mark, 1)
        first, last = _one_date(first_text, where), _one_date(last_text, where)
        if last < first or (last - first).days > 60:
            raise forms.ValidationError(
                _("%(where)s：“%(t)s”的起止日期不对（结束早于开始，或跨度超过 60 天）。")
                % {"where": where, "t": token[:40]}
            )
        days.update(first + datetime.timedelta(days=i) for i in range((last - first).days + 1))
        if len(days) > SCHEDULE_MAX_DAYS:
            break
    if len(days) > SCHEDULE_MAX_DAYS:
        raise forms.ValidationError(_("%(where)s：日期过多。") % {"where": where})
    return days


def read_schedule_workbook(upload) -> tuple[set[datetime.date], set[datetime.date]]:
    """An xlsx of the schedule: columns 日期 and 类型 (放假 / 上班), one day a row, a header
    row first. Every bad row is reported; nothing is taken from a file with one."""
    from openpyxl import load_workbook

    if upload.size > SCHEDULE_FILE_MAX_BYTES:
        raise forms.ValidationError(_("文件超过 512 KB，不像一份节假日安排。"))
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(max_row=SCHEDULE_MAX_DAYS + 1, max_col=3, values_only=True))
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise forms.ValidationError(_("无法读取该文件，请上传 .xlsx 格式的表格。")) from None
    rest: set[datetime.date] = set()
    work: set[datetime.date] = set()
    errors = []
    for number, row in enumerate(rows[1:], start=2):
        value, kind = [*row, None, None][:2]
        if value in (None, "") and kind in (None, ""):
            continue
        kind_text = str(kind or "").strip()
        try:
            if isinstance(value, datetime.datetime):
                day = value.date()
            elif isinstance(value, datetime.date):
                day = value
            else:
                day = _one_date(str(value or ""), _("第 %(n)d 行") % {"n": number})
        except forms.ValidationError as error:
            errors.extend(error.messages)
            continue
        if kind_text in ("放假", "休息", "休"):
            rest.add(day)
        elif kind_text in ("上班", "调休上班", "班"):
            work.add(day)
        else:
            errors.append(
                _("第 %(n)d 行：类型“%(k)s”应为“放假”或“上班”。") % {"n": number, "k": kind_text}
            )
    if errors:
        raise forms.ValidationError(errors)
    return rest, work


class ScheduleForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    basis = forms.CharField(
        label=_("依据文件"),
        max_length=200,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）"),
    )
    rest_days = forms.CharField(
        label=_("放假日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个日期或区间，如 2027-02-05~2027-02-11；周末也在区间内一并列出。"),
    )
    workdays = forms.CharField(
        label=_("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("周末上班的日期，如 2027-02-14。"),
    )
    workbook = forms.FileField(
        label=_("或上传 xlsx"),
        required=False,
        help_text=_("两列：日期、类型（放假／上班），第一行为表头。"),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if data.get("workbook"):
                data["rest_set"], data["work_set"] = read_schedule_workbook(data["workbook"])
            else:
                data["rest_set"] = parse_day_list(data.get("rest_days", ""), _("放假日期"))
                data["work_set"] = parse_day_list(data.get("workdays", ""), _("调休上班日期"))
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return data


class DeadlineReviewForm(forms.Form):
    review = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    apply = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    note = forms.CharField(max_length=500)


class LeagueForm(forms.Form):
    """How a league table is cut and ranked: channel scope and the measure that ranks."""

    scope = forms.ChoiceField(
        label=_("口径"), choices=MetricScope.choices, required=False, initial=MetricScope.CITIZEN
    )
    by = forms.ChoiceField(label=_("排名依据"), choices=(), required=False)

    def __init__(self, *args, **kwargs):
        from .metrics import RANKING_MEASURES

        super().__init__(*args, **kwargs)
        self.fields["by"].choices = [(key, label) for key, label, _b in RANKING_MEASURES]

    def choice(self) -> tuple[str, str]:
        """(scope, by), the defaults for anything missing or wrong."""
        if not self.is_valid():
            return MetricScope.CITIZEN, "satisfaction_rate"
        return (
            self.cleaned_data.get("scope") or MetricScope.CITIZEN,
            self.cleaned_data.get("by") or "satisfaction_rate",
        )


class MetricsSortForm(forms.Form):
    """?sort=<column> or -<column> of the metrics table; anything else reads as the ranking."""

    sort = forms.ChoiceField(label=_("排序"), choices=(), required=False)

    def __init__(self, *args, **kwargs):
        from .metrics import SORT_KEYS

        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [
            (f"{sign}{key}", key) for key in SORT_KEYS for sign in ("", "-")
        ]

    def choice(self) -> str:
        if not self.is_valid():
            return "rank"
        return self.cleaned_data.get("sort") or "rank"


class PeriodForm(forms.Form):
    """?start=&end= of a figures page; a day that is not one is left out (the current month)."""

    start = DayField(required=False)
    end = DayField(required=False)

    def params(self) -> dict[str, str]:
        self.is_valid()
        days = getattr(self, "cleaned_data", {})
        return {name: days[name].isoformat() for name in ("start", "end") if days.get(name)}


class EmergencyStartForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("应急事件"), max_length=100)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("应急诉求类别"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("启动后，网上诉求表单和受理页面只提供这些类别（含下级类别）"),
        error_messages={"required": _("请至少选择一个应急诉求类别。")},
    )
    confirm = forms.BooleanField(
        label=_("我确认启动应急模式：表单将只受理所选类别，派单员和各单位领导将收到通知"),
        error_messages={"required": _("请勾选确认后再启动。")},
    )


class EmergencyEndForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("结束说明"), required=False, max_length=2000)
    confirm = forms.BooleanField(
        label=_("我确认结束应急模式：表单恢复全部诉求类别"),
        error_messages={"required": _("请勾选确认后再结束。")},
    )
