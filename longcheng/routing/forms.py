from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Division, Unit
from longcheng.loop.models import Category
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import RecordIdField
from longcheng.web.listing import ListQueryForm

from . import places
from .models import DispatchDispute


class TakeSuggestionForm(forms.Form):
    """One suggestion of the panel, taken as the dispatch."""

    category = forms.ModelChoiceField(
        label=_("目录"), queryset=Category.objects.filter(is_active=True)
    )
    version = forms.IntegerField(label=_("版本"), min_value=0, max_value=2**31 - 1)
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[("model", "model"), ("rules", "rules")],
        required=False,
    )


class ModelActionForm(forms.Form):
    """The models page: train a new version, or promote (roll back to) one."""

    train = forms.BooleanField(required=False)
    promote = RecordIdField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("train") and not data.get("promote"):
            raise forms.ValidationError(_("请选择训练新版本或启用某一版本。"))
        return data


class _DivisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {places.area_name(obj)}（{obj.get_level_display()}）"


class _CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{'　' * (obj.depth - 1)}{obj.name}"


class AreaRuleForm(BootstrapFormMixin, forms.Form):
    """One area rule: a catalogue node (and everything below it) in an area → a lead unit."""

    category = _CategoryChoice(
        label=_("派单目录"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        help_text=_("规则也适用于该目录下的各级子目录。"),
        widget=forms.Select(attrs={"data-searchable": _("输入目录名称筛选")}),
    )
    division = _DivisionChoice(
        label=_("区域"),
        queryset=Division.objects.select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("code"),
        help_text=_("街道、乡镇、网格或区县；事项落在多条规则的区域内时，区域最小的规则优先。"),
        widget=forms.Select(attrs={"data-searchable": _("输入区划名称或代码筛选")}),
    )
    lead_unit = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        widget=forms.Select(attrs={"data-searchable": _("输入单位名称筛选")}),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    version = forms.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, widget=forms.HiddenInput
    )


class AreaRuleDeleteForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)


# — Dispatch disputes (派单争议) —

Change = DispatchDispute.Change


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name  # the full name: short names alike (市住建局, 市政设施中心) confuse


class DisputeRuleForm(BootstrapFormMixin, forms.Form):
    """The ruling: who is responsible, under which category, why, and whether the catalogue
    changes. `areas` are the matter's street and district (where an area rule may apply)."""

    responsible_unit = _UnitChoice(
        label=_("责任单位（主办）"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        widget=forms.Select(attrs={"data-searchable": _("输入单位名称筛选")}),
        error_messages={"required": _("请选择责任单位。")},
    )
    category = _CategoryChoice(
        label=_("派单目录"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        help_text=_("事项按此目录改派；如原目录有误，在此改正。"),
        widget=forms.Select(attrs={"data-searchable": _("输入目录名称筛选")}),
        error_messages={"required": _("请选择派单目录。")},
    )
    reasons = forms.CharField(
        label=_("裁定理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("依据的职责规定或事实，会告知涉及的各单位。"),
        error_messages={
            "required": _("请填写裁定理由：说明为什么由该单位主办。"),
            "max_length": _("裁定理由不能超过 %(limit_value)d 个字。"),
        },
    )
    change = forms.ChoiceField(
        label=_("派单目录调整"),
        choices=Change.choices,
        initial=Change.NONE,
        help_text=_(
            "同类事项今后如何派：改目录的默认主办单位为责任单位，或为目录增加关键词，"
            "或为事项所在街道（区县）设立区域分拨规则。调整留痕，可在本页查看修改前后。"
        ),
    )
    keywords = forms.CharField(
        label=_("增加的关键词"),
        max_length=100,
        required=False,
        help_text=_("选择“为目录增加关键词”时填写，多个以逗号分隔。"),
        error_messages={"max_length": _("增加的关键词不能超过 %(limit_value)d 个字。")},
    )
    area = forms.TypedChoiceField(
        label=_("区域分拨规则适用区域"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("选择“设立区域分拨规则”时选择：事项所在的街道（乡镇）或区县。"),
    )
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    matter_version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {d.pk: d for d in areas}
        self.fields["area"].choices = [("", "—")] + [
            (d.pk, f"{places.area_name(d)}（{d.get_level_display()}）") for d in areas
        ]

    def clean(self):
        data = super().clean()
        change = data.get("change")
        if change == Change.KEYWORDS and not (data.get("keywords") or "").strip():
            self.add_error("keywords", _("选择“为目录增加关键词”时，请填写要增加的关键词。"))
        if change == Change.AREA_RULE and not data.get("area"):
            self.add_error("area", _("选择“设立区域分拨规则”时，请选择规则适用的街道或区县。"))
        if data.get("area"):
            data["area"] = self.areas[data["area"]]
        return data


PERIODS = [
    ("7", _("近 7 天")),
    ("30", _("近 30 天")),
    ("90", _("近 90 天")),
    ("365", _("近一年")),
]


class DisputeListQueryForm(ListQueryForm):
    """The disputes list's address: the list's own fields and the period raised in."""

    period = forms.ChoiceField(required=False, choices=[("", ""), *PERIODS])
