"""`{% colour_badge colour %}`: the one way a project's colour is shown on a page (its class and
its text both from `rules.colour_badge`); `{{ colour|colour_label }}` for plain text."""

from django import template

from ..rules import colour_badge as badge_of

register = template.Library()


@register.inclusion_tag("projects/_colour.html")
def colour_badge(colour, title=""):
    return {"badge": badge_of(colour), "title": title}


@register.filter
def colour_label(colour) -> str:
    return badge_of(colour).label
