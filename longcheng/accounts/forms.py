"""The second-factor pages read what is typed through these (bounded) forms."""

from django import forms


class OtpCodeForm(forms.Form):
    code = forms.CharField(required=False, max_length=20)


class OtpSetupForm(OtpCodeForm):
    enrolment_code = forms.CharField(required=False, max_length=20)
