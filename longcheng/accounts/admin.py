"""The Django admin is closed to every account (no staff flag is ever set); the models third-
party apps register there are taken off as well, so that even a future staff account could not
read authenticator keys (the security administrator's page resets them instead)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, AccessAttempt, AccessFailureLog, AccessLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
