from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from longcheng.core.validators import (
    CreditCodeChecksumWarning,
    normalise_credit_code,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from longcheng.web.forms import BootstrapFormMixin

from .models import Enterprise, Institution, Person, Site


class VersionedFormMixin(forms.Form):
    """Carries the version the user opened, so a stale save is refused, not silently applied."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EnterpriseForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "credit_code_override_reason",
            "legal_representative",
            "industry",
            "division",
            "address",
            "contact_phone",
        ]

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("credit_code", "")
        reason = (cleaned.get("credit_code_override_reason") or "").strip()
        if not raw:
            cleaned["credit_code_override_reason"] = ""
            return cleaned
        try:
            cleaned["credit_code"] = validate_credit_code(raw)
            cleaned["credit_code_override_reason"] = ""
        except CreditCodeChecksumWarning as warning:
            if not reason:
                self.add_error("credit_code", warning)
            else:
                cleaned["credit_code"] = normalise_credit_code(raw)
        except ValidationError as error:
            self.add_error("credit_code", error)
        return cleaned


class InstitutionForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["name", "kind", "grade", "credit_code", "licence_number", "division", "address"]

    def clean_credit_code(self):
        raw = self.cleaned_data.get("credit_code", "")
        if not raw:
            return ""
        try:
            return validate_credit_code(raw)
        except CreditCodeChecksumWarning:
            return normalise_credit_code(raw)


class SiteForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "status",
            "builder",
            "division",
            "address",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args, builder_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if builder_queryset is not None:
            self.fields["builder"].queryset = builder_queryset


class PersonForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "id_number", "phone", "tags", "division", "address"]
        labels = {"id_number": _("居民身份证号码")}

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return validate_mobile(phone) if phone else ""
