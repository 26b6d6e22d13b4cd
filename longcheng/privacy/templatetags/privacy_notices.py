"""The personal-information notice block (个人信息告知, PIPL art. 17) every form that collects
personal data shows: `{% load privacy_notices %}{% privacy_notice "appeal" notice.version %}`.

A template tag rather than an import: the forms live in apps below privacy (appeals,
volunteers), which never import it; they name the notice's key and the version they send
back, and this block shows that version's text."""

from django import template
from django.urls import reverse

from ..rules import retention_words, rights_words
from ..selectors import notice_current, notice_version

register = template.Library()


@register.inclusion_tag("privacy/includes/notice.html")
def privacy_notice(key: str, version: str = "", open: bool = True) -> dict:
    notice = (notice_version(key, version) if version else None) or notice_current(key)
    return {
        "notice": notice,
        "retention": retention_words(key),
        "rights": rights_words(),
        "policy_url": reverse("privacy:policy"),
        "open": open,
    }
