from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from longcheng.core.validators import validate_id_number, validate_mobile
from longcheng.web.forms import BootstrapFormMixin

from .models import DocumentType, Kind, Outcome


class DataRequestForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("请求类型"), choices=Kind.choices)
    requester_name = forms.CharField(label=_("请求人"), max_length=50)
    requester_phone = forms.CharField(label=_("手机号码"), max_length=20)
    requester_id_number = forms.CharField(
        label=_("居民身份证号码"),
        max_length=18,
        required=False,
        help_text=_("核验身份后填写；填写后可一并查找以证件登记的信息。"),
    )
    detail = forms.CharField(
        label=_("请求内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def clean_requester_phone(self):
        return validate_mobile(self.cleaned_data["requester_phone"])

    def clean_requester_id_number(self):
        value = self.cleaned_data.get("requester_id_number", "")
        try:
            return validate_id_number(value) if value else ""
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class AnswerForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    answer = forms.CharField(
        label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SendCodeForm(BootstrapFormMixin, forms.Form):
    """发送验证码: nothing to type; the phone is the one on the request."""


class CodeForm(BootstrapFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("请输入请求人读出的 6 位数字验证码。")},
        help_text=_("请求人收到短信后读出验证码，由您输入。"),
    )


class DocumentCheckForm(BootstrapFormMixin, forms.Form):
    document_type = forms.ChoiceField(label=_("证件类型"), choices=DocumentType.choices)
    document_number = forms.CharField(
        label=_("证件号码"),
        max_length=30,
        help_text=_("照证件原件输入，与请求登记的号码比对；号码本身不保存。"),
    )
    confirmed = forms.BooleanField(
        label=_("已当面查验证件原件，持证人与证件照片相符，即请求人本人"), required=True
    )


class ApproveForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("审批意见"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不同意的，须填写理由。"),
    )


class StepForm(forms.Form):
    """Which step a post of the request's page is: a verification or approval `action`, the
    `erase` button, or (neither) the answer."""

    action = forms.CharField(required=False, max_length=30)
    erase = forms.CharField(required=False, max_length=10)


class EraseForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class CopyForm(forms.Form):
    copy = forms.ChoiceField(choices=[("", ""), ("xlsx", "xlsx")], required=False)

    def wants_copy(self) -> bool:
        return self.is_valid() and self.cleaned_data["copy"] == "xlsx"
