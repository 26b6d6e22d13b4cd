from django import template
from django.http import QueryDict

from longcheng.core.calendar import PROVISIONAL_LABEL, is_provisional
from longcheng.core.counting import shown_count
from longcheng.core.pii import mask_personal_data

register = template.Library()


@register.inclusion_tag("web/partials/provisional_mark.html")
def provisional_mark(deadline):
    """The 按推定节假日计算 mark beside a deadline counted over a year whose official holiday
    schedule is not in yet."""
    return {"shown": is_provisional(deadline), "label": PROVISIONAL_LABEL}


@register.filter
def provisional(deadline) -> bool:
    return is_provisional(deadline)


@register.simple_tag
def sort_url(querystring: str, key: str, current: str) -> str:
    """Query string that sorts by `key`, toggling direction when it is already the sort."""
    params = QueryDict(querystring, mutable=True)
    params["sort"] = f"-{key}" if current == key else key
    return "?" + params.urlencode()


@register.simple_tag
def page_url(querystring: str, page: int) -> str:
    params = QueryDict(querystring, mutable=True)
    params["page"] = str(page)
    return "?" + params.urlencode()


@register.simple_tag
def export_url(querystring: str, personal: bool = False) -> str:
    params = QueryDict(querystring, mutable=True)
    params["export"] = "xlsx"
    if personal:
        params["personal"] = "1"
    return "?" + params.urlencode()


@register.filter
def get_attr(obj, name: str):
    return getattr(obj, name, "")


@register.filter
def pct(value, digits: int = 1) -> str:
    """A share 0..1 as a percentage; "—" where there was nothing to divide (never 0 %)."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


@register.filter
def count_shown(count: int) -> str:
    """A capped count (core.counting) for people: "1,234", or "10,000+" where there are more."""
    return shown_count(count)


@register.filter
def public_text(text: str) -> str:
    """Free text as the public reads it: phone, ID and card numbers masked (core.pii)."""
    return mask_personal_data(text or "")


@register.inclusion_tag("web/partials/map_assets.html")
def map_assets():
    """Leaflet, the map component and the city's map settings, for a page that draws a map."""
    from django.conf import settings
    from django.urls import reverse

    return {
        "map_config": {
            "tiles": settings.LONGCHENG_MAP_TILES_URL,
            "system": settings.LONGCHENG_MAP_TILES_SYSTEM,
            "attribution": settings.LONGCHENG_MAP_TILES_ATTRIBUTION,
            "maxZoom": settings.LONGCHENG_MAP_TILES_MAX_ZOOM,
            "center": list(settings.LONGCHENG_MAP_CENTER),
            "boundaries": reverse("org:boundaries"),
        }
    }
