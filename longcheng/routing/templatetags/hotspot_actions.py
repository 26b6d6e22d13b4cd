"""`{% hotspot_actions report c as actions %}`: the buttons other apps add to a hot spot
(`routing.hooks`)."""

from django import template

from ..hooks import hotspot_actions as actions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def hotspot_actions(context, report, cluster):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or report is None:
        return []
    return actions_for(user, report, cluster.get("index", 0), cluster)
