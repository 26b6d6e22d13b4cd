"""A deployment still setting the audit retention in days is told it now counts in months."""

import os

from django.core.checks import Warning, register


@register()
def audit_retention_in_months(app_configs, **kwargs):
    if "LONGCHENG_AUDIT_RETENTION_DAYS" in os.environ:
        return [
            Warning(
                "LONGCHENG_AUDIT_RETENTION_DAYS is no longer read: audit records are kept for "
                "LONGCHENG_AUDIT_RETENTION_MONTHS calendar months (default and minimum 6).",
                hint="Set LONGCHENG_AUDIT_RETENTION_MONTHS instead (e.g. 12 for 365 days).",
                id="longcheng.audit.W001",
            )
        ]
    return []
