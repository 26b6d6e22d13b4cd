from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from longcheng.core.validators import (
    CreditCodeChecksumWarning,
    validate_credit_code,
    validate_mobile,
)
from longcheng.loop.forms import CategoryChoiceField, MultipleFileField
from longcheng.loop.models import Category
from longcheng.loop.workflow import Channel
from longcheng.web.forms import BootstrapFormMixin


class PublicAppealForm(forms.Form):
    """The phone form: plain words, every field capped, photos checked by content later."""

    category = CategoryChoiceField(
        label=_("问题类型"),
        required=False,
        empty_label=_("不确定，由工作人员分类"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
    )
    description = forms.CharField(
        label=_("遇到了什么问题"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultipleFileField(label=_("照片（最多 5 张）"), required=False)
    reporter_name = forms.CharField(label=_("称呼"), max_length=30, required=False)
    reporter_phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    anonymous = forms.BooleanField(label=_("匿名反映（不留联系方式，不回访）"), required=False)
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息告知》"), required=False)
    notice_version = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_reporter_phone(self):
        phone = self.cleaned_data.get("reporter_phone", "")
        return validate_mobile(phone) if phone else ""

    def clean_credit_code(self):
        raw = self.cleaned_data.get("credit_code", "")
        if not raw:
            return ""
        try:
            return validate_credit_code(raw)
        except CreditCodeChecksumWarning:
            raise ValidationError(_("统一社会信用代码校验不通过，请核对营业执照。")) from None

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > settings.LONGCHENG_APPEAL_MAX_PHOTOS:
            raise ValidationError(
                _("最多上传 %(n)d 张照片。") % {"n": settings.LONGCHENG_APPEAL_MAX_PHOTOS}
            )
        return photos

    def clean(self):
        cleaned = super().clean()
        anonymous = cleaned.get("anonymous")
        if anonymous:
            cleaned["reporter_name"] = cleaned["reporter_phone"] = ""
        elif not cleaned.get("reporter_phone"):
            self.add_error(
                "reporter_phone", _("请留下手机号码以便回访；不愿留的，请勾选“匿名反映”。")
            )
        elif not cleaned.get("consent"):
            self.add_error("consent", _("留下联系方式前，请阅读并同意个人信息告知。"))
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12)
    phone_last4 = forms.CharField(
        label=_("手机号后四位（实名反映时填写）"), max_length=4, required=False
    )


class PublicRateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("您对办理结果"),
        choices=[
            ("satisfied", _("满意")),
            ("basically", _("基本满意")),
            ("dissatisfied", _("不满意")),
        ],
        widget=forms.RadioSelect,
    )
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        coerce=lambda v: v == "1",
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("还想说的话"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffIntakeForm(BootstrapFormMixin, PublicAppealForm):
    """Hotline, window or WeChat-group intake by a clerk, channel kept."""

    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[
            (Channel.HOTLINE, Channel.HOTLINE.label),
            (Channel.WINDOW, Channel.WINDOW.label),
            (Channel.WECHAT_GROUP, Channel.WECHAT_GROUP.label),
        ],
    )
    fallback_window = forms.BooleanField(label=_("办不成事窗口兜底"), required=False)

    field_order = ["channel", "fallback_window"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _("诉求人已知悉个人信息告知")
