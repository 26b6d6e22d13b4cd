"""The hot spot page's map: the areas of the report it shows, as its viewer may see them."""

from django import template

from ..areas import hotspot_areas

register = template.Library()


@register.simple_tag(takes_context=True)
def hotspot_areas_of(context, report):
    """{% hotspot_areas_of report as areas %}: a GeoJSON FeatureCollection (WGS-84)."""
    if report is None:
        return {"type": "FeatureCollection", "features": []}
    return hotspot_areas(context["request"].user, report)
