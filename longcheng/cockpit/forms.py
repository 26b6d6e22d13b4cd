"""What the cockpit reads from its address and its forms, each value bounded; a value that is
not one the page offers reads as not given (the default period, the whole city)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from longcheng.core.bounds import FIRST_YEAR, LAST_YEAR
from longcheng.core.models import Division
from longcheng.loop.workflow import MetricScope
from longcheng.web.inputs import RecordIdField

from .panels import MEASURES, OVER_TIME

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class MonthField(forms.CharField):
    """YYYY-MM, a month between 1900 and 2100."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        match = _MONTH.match(value)
        if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise forms.ValidationError(_("请按 YYYY-MM 填写月份。"))


class CockpitQueryForm(forms.Form):
    """?from=YYYY-MM&to=YYYY-MM&division=<id>&over=<dimension>&screen=1."""

    # "from" is a keyword: the field is added under its name below.
    to = MonthField(required=False)
    division = forms.ModelChoiceField(queryset=Division.objects.all(), required=False)
    over = forms.ChoiceField(required=False, choices=[(k, v) for k, v in OVER_TIME.items()])
    screen = forms.BooleanField(required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = MonthField(required=False)

    def values(self) -> dict:
        """The valid values only (an invalid one reads as not given)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}


class DrillQueryForm(CockpitQueryForm):
    """A figure's matters: by a dimension and its key, or a league row's unit and measure."""

    dimension = forms.ChoiceField(
        required=False,
        choices=[(k, k) for k in ("status", "channel", "kind", "category", "division")],
    )
    key = forms.CharField(required=False, max_length=40)
    measure = forms.ChoiceField(required=False, choices=[(k, v) for k, v in MEASURES.items()])
    unit = RecordIdField(required=False)
    scope = forms.ChoiceField(required=False, choices=MetricScope.choices)


class BulletinForm(forms.Form):
    month = MonthField(label=_("月份"))
    confirm = forms.BooleanField(required=False)
