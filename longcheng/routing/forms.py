from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.loop.models import Category
from longcheng.web.inputs import RecordIdField


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
