from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from longcheng.core.validators import validate_id_number, validate_mobile
from longcheng.web.forms import BootstrapFormMixin

from .models import Kind, Outcome


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
