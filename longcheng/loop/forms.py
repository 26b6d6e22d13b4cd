from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Division, Unit
from longcheng.core.validators import validate_mobile
from longcheng.web.forms import BootstrapFormMixin

from .models import Category
from .workflow import Channel, Kind, Rating, Urgency


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
        label=_("主办单位"), queryset=Unit.objects.filter(is_active=True).order_by("path")
    )
    assisting_units = UnitMultipleChoiceField(
        label=_("协办单位"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(
        label=_("派单说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TextForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("附件（图片或 PDF）"), required=False)


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


class MergeForm(BootstrapFormMixin, forms.Form):
    master_number = forms.CharField(label=_("主单编号"), max_length=20)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(BootstrapFormMixin, forms.Form):
    lead_unit = UnitChoiceField(
        label=_("主办单位"), queryset=Unit.objects.filter(is_active=True).order_by("path")
    )
    deadline = forms.DateField(label=_("办结期限"), widget=forms.DateInput(attrs={"type": "date"}))
    instructions = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs={"rows": 3}))
