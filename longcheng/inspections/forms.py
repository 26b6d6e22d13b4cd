from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Division
from longcheng.parties.models import Institution, Site
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import RecordIdField

from .models import ChecklistItem, ChecklistTemplate, PartyType
from .workflow import Mode, TemplateStatus

User = get_user_model()


class CampaignForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("专项检查名称"), max_length=100)
    template = forms.ModelChoiceField(
        label=_("检查表"),
        queryset=ChecklistTemplate.objects.filter(status=TemplateStatus.PUBLISHED),
    )
    mode = forms.ChoiceField(label=_("检查方式"), choices=Mode.choices)
    party_type = forms.ChoiceField(label=_("检查对象类型"), choices=PartyType.choices)
    kinds = forms.MultipleChoiceField(
        label=_("机构类别"), choices=Institution.Kind.choices, required=False
    )
    min_grade = forms.ChoiceField(
        label=_("机构等级不低于"),
        choices=[("", _("不限")), *Institution.Grade.choices],
        required=False,
    )
    site_kinds = forms.MultipleChoiceField(
        label=_("场所类型"), choices=Site.Kind.choices, required=False
    )
    site_statuses = forms.MultipleChoiceField(
        label=_("场所状态"), choices=Site.Status.choices, required=False
    )
    divisions = forms.ModelMultipleChoiceField(
        label=_("区划（不选为全市）"),
        queryset=Division.objects.exclude(level="province"),
        required=False,
        to_field_name="code",
    )
    sample_ratio = forms.DecimalField(
        label=_("抽查比例（%）"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("双随机抽查时填写，如 30 表示抽取 30%"),
    )
    stratify_by = forms.ChoiceField(
        label=_("分层依据"),
        choices=[("", _("不分层")), ("division", _("按区划")), ("grade", _("按等级"))],
        required=False,
    )
    start_date = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    rectification_days = forms.IntegerField(
        label=_("整改期限（工作日）"), min_value=1, max_value=90, initial=10
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("执法检查人员名录"), queryset=User.objects.none()
    )
    basis = forms.CharField(label=_("检查依据"), max_length=300, required=False)
    doc_prefix = forms.CharField(
        label=_("文书字号前缀"),
        max_length=10,
        required=False,
        help_text=_("如：并卫监；留空则用组织单位的简称"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.unit_id:
            self.fields["inspectors"].queryset = User.objects.filter(
                unit__path__startswith=user.unit.path, is_active=True
            ).order_by("unit__path", "username")
            self.fields["inspectors"].label_from_instance = lambda u: (
                f"{u.full_name or u.username}（{u.unit}）"
            )

    def clean(self):
        data = super().clean()
        if data.get("mode") == Mode.RANDOM_SAMPLING and not data.get("sample_ratio"):
            self.add_error("sample_ratio", _("双随机抽查须填写抽查比例。"))
        template = data.get("template")
        if template and data.get("party_type") and template.party_type != data["party_type"]:
            self.add_error(
                "template",
                _("该检查表适用于%(t)s，与检查对象类型不一致。")
                % {"t": template.get_party_type_display()},
            )
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data

    def scope(self) -> dict:
        data = self.cleaned_data
        scope: dict = {"party_type": data["party_type"]}
        if data["party_type"] == PartyType.INSTITUTION:
            scope.update(kinds=list(data["kinds"]), min_grade=data["min_grade"])
        elif data["party_type"] == PartyType.SITE:
            scope.update(
                site_kinds=list(data["site_kinds"]), site_statuses=list(data["site_statuses"])
            )
        scope["divisions"] = [d.code for d in data["divisions"]]
        return scope


class ItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = [
            "section",
            "text",
            "guidance",
            "answer_type",
            "max_score",
            "required",
            "photo_required",
            "serious",
            "legal_basis",
            "requirement",
        ]

    def __init__(self, *args, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"] = forms.ModelChoiceField(
            label=_("检查领域"), queryset=template.sections.all() if template else None
        )


class DrawForm(BootstrapFormMixin, forms.Form):
    """The reason of a draw; nothing else. The seed is the system's, never the user's: a post
    that names one is refused."""

    reason = forms.CharField(
        label=_("抽取理由"),
        max_length=300,
        help_text=_("每次抽取都须写明理由，理由随抽取记录一并公示。"),
    )

    def clean(self):
        data = super().clean()
        if "seed" in self.data:
            raise forms.ValidationError(
                _(
                    "随机种子由系统从密码学安全的随机源生成，不能指定（国办发〔2015〕58号：随机抽取）。"
                )
            )
        return data


class PartnersForm(BootstrapFormMixin, forms.Form):
    partners = forms.ModelMultipleChoiceField(label=_("同行检查人员"), queryset=User.objects.none())

    def __init__(self, *args, campaign=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["partners"].queryset = campaign.inspectors.exclude(pk=user.pk)
            self.fields["partners"].label_from_instance = lambda u: u.full_name or u.username


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos under one name; the first `limit` are kept (the page says how many)."""

    widget = MultiplePhotoInput

    def __init__(self, *, limit: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.limit = limit

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files[: self.limit]]


class EvidenceForm(forms.Form):
    """The party's report on one rectification (`rectification`, `note`, `photos`)."""

    rectification = RecordIdField(label=_("整改要求"), required=False)
    note = forms.CharField(
        label=_("整改情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("整改后照片"), limit=6)


class TransferForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("移送理由"), max_length=300)


class PostedActionForm(forms.Form):
    """Which button of a page with several (`<input name="action">`)."""

    action = forms.SlugField(max_length=40, required=False)


class CampaignShowForm(forms.Form):
    """Which targets the campaign page lists (`?show=`)."""

    show = forms.ChoiceField(
        label=_("检查对象"),
        choices=[("selected", _("应检对象")), ("all", _("范围内全部"))],
        required=False,
    )


class PublicCampaignQueryForm(forms.Form):
    """The public campaign page's one parameter: `?candidates=<draw number>` downloads that
    draw's candidate list."""

    candidates = forms.IntegerField(
        label=_("抽取序号"), min_value=1, max_value=100_000, required=False
    )


class RecordIdsField(forms.Field):
    """Several ids under one name (checkboxes); each must be one."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = [v for v in (value or []) if str(v).strip()]
        return [RecordIdField().clean(v) for v in values[:10_000]]


class PublishForm(forms.Form):
    visit = RecordIdsField(label=_("检查结果"), required=False)


class ItemRefForm(forms.Form):
    item = RecordIdField(label=_("检查项"))


class SyncForm(forms.Form):
    """One operation the phone queued: `op_id`, `kind`, `payload` (JSON) and maybe a `file`."""

    op_id = forms.CharField(label=_("操作编号"), max_length=64, required=False)
    kind = forms.CharField(label=_("操作类型"), max_length=20, required=False)
    payload = forms.JSONField(
        label=_("同步数据"),
        required=False,
        error_messages={"invalid": _("同步数据格式错误。")},
    )
    file = forms.FileField(label=_("照片"), required=False)

    def clean_payload(self):
        payload = self.cleaned_data.get("payload")
        if payload is None:
            return {}
        if not isinstance(payload, dict):
            raise forms.ValidationError(_("同步数据格式错误。"))
        return payload


class CampaignMapForm(forms.Form):
    """The campaign map's filters (`?campaign=&result=&district=`), each bounded: a campaign
    the user may see, a result of the map's legend, a district by its code."""

    campaign = RecordIdField(
        label=_("专项检查"),
        required=False,
        error_messages={
            "invalid": _("专项检查编号不正确"),
            "max_value": _("该专项检查不存在或您无权查看"),
            "min_value": _("该专项检查不存在或您无权查看"),
        },
    )
    result = forms.ChoiceField(
        label=_("检查结论"),
        required=False,
        error_messages={"invalid_choice": _("没有这个检查结论")},
    )
    district = forms.ModelChoiceField(
        label=_("区县"),
        queryset=Division.objects.filter(level__in=("district", "county", "county_city")),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": _("没有这个区县")},
    )

    def __init__(self, *args, campaigns, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaigns = campaigns
        self.fields["result"].choices = [("", _("全部")), *categories]

    def clean_campaign(self):
        pk = self.cleaned_data.get("campaign")
        if pk is None:
            return None
        campaign = self.campaigns.filter(pk=pk).first()
        if campaign is None:
            raise forms.ValidationError(_("该专项检查不存在或您无权查看"))
        return campaign

    def values(self) -> dict:
        """The valid filters; a wrong one is dropped (the page says which and why)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}
