from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Division, Unit
from longcheng.loop.models import Category
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import RecordIdField

from . import places


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
