from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Unit
from longcheng.loop.models import Category
from longcheng.web.inputs import DayField, RecordIdField

from .models import Article
from .selectors import units_kept_by

TEXTAREA = {"class": "form-control", "rows": 8}
INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class SuggestForm(forms.Form):
    """GET /knowledge/suggest/: what the operator has typed so far, and the category chosen."""

    q = forms.CharField(required=False, max_length=2000, strip=True)
    category = RecordIdField(required=False)


class ArticleForm(forms.Form):
    """An article's fields, for a new article and for an edit (`version` names the saved
    state the edit started from)."""

    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(INPUT))
    kind = forms.ChoiceField(
        label=_("类型"), choices=Article.Kind.choices, widget=forms.Select(SELECT)
    )
    category = forms.ModelChoiceField(
        label=_("派单目录"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        required=False,
        empty_label=_("（不限）"),
        widget=forms.Select(SELECT),
    )
    unit = forms.ModelChoiceField(
        label=_("维护单位"), queryset=Unit.objects.none(), widget=forms.Select(SELECT)
    )
    summary = forms.CharField(
        label=_("摘要"),
        max_length=300,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text=_("一句话说明这条知识回答什么问题"),
    )
    body = forms.CharField(
        label=_("答复口径"),
        max_length=20000,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("话务员读给来电人、或一键插入答复的文字"),
    )
    keywords = forms.CharField(
        label=_("关键词"),
        max_length=300,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text=_("以逗号分隔，例如：暖气不热,室温,供暖"),
    )
    valid_from = DayField(
        label=_("生效日期"), widget=forms.DateInput({"class": "form-control", "type": "date"})
    )
    valid_until = DayField(
        label=_("失效日期"),
        required=False,
        widget=forms.DateInput({"class": "form-control", "type": "date"}),
        help_text=_("留空为长期有效；到期前 30 天和 7 天提醒维护单位"),
    )
    note = forms.CharField(
        label=_("修改说明"),
        max_length=300,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text=_("写入版本记录，例如：2024-2025 采暖季收费标准调整"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    publish = forms.BooleanField(
        label=_("保存后立即发布"),
        required=False,
        widget=forms.CheckboxInput({"class": "form-check-input"}),
    )

    def __init__(self, *args, user, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_kept_by(user)
        if article is not None:
            # The current owner stays a choice even for a dispatcher's narrower list.
            units = units | Unit.objects.filter(pk=article.unit_id)
        self.fields["unit"].queryset = units.distinct().order_by("path")
        if article is not None and article.status != Article.Status.DRAFT:
            del self.fields["publish"]  # a published article's change is published at once

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("失效日期不能早于生效日期。"))
        return data


class PublishForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(max_length=300, required=False, strip=True)


class WithdrawForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(
        label=_("撤回原因"), max_length=300, min_length=2, strip=True, required=True
    )
