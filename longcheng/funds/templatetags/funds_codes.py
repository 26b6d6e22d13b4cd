"""`{{ deal.industry|industry }}`, `{{ deal.division|division }}`: a code shown by its name
(the code in the tooltip); an unknown code shown as itself, marked."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from longcheng.funds.codelists import CodeLabel, division_label, industry_label

register = template.Library()


def _show(label: CodeLabel) -> SafeString:
    if label.known:
        return format_html('<span class="code-name" title="{}">{}</span>', label.code, label.name)
    return format_html(
        '<span class="code-unknown text-danger" title="{}">{} <sup>？</sup></span>',
        _("代码表中没有这个代码"),
        label.code or "—",
    )


@register.filter
def industry(code) -> SafeString:
    return _show(industry_label(code))


@register.filter
def division(code) -> SafeString:
    return _show(division_label(code))
