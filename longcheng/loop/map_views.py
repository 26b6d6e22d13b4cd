"""The matters map for dispatchers and leaders (地图): the inbox's tabs and filters on a map,
clustered on the server (loop.map_selectors). Apps above the loop add layers by registration
(the hot spots' areas from routing), so the loop never imports them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import JsonResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from .map_selectors import (
    ALL_SCOPE,
    OPEN_SCOPE,
    POINTS_MAX,
    MapFilters,
    Viewport,
    map_data,
)
from .selectors import Box, inbox_boxes
from .views import BusinessRequired, InboxView

# ---- Layers other apps add ---------------------------------------------------------------


@dataclass(frozen=True)
class MapLayer:
    """A layer of GeoJSON (WGS-84) drawn over the matters, off until the user turns it on."""

    key: str
    label: str
    features: dict  # a FeatureCollection; each feature may carry `label` and `url`


_layer_providers: list[Callable] = []


def register_map_layer(provider: Callable) -> None:
    """provider(user) -> MapLayer | None."""
    if provider not in _layer_providers:
        _layer_providers.append(provider)


def map_layers(user) -> list[MapLayer]:
    return [layer for provider in _layer_providers if (layer := provider(user)) is not None]


# ---- What the map reads from its address ------------------------------------------------

DAYS = [
    (7, gettext_lazy("近 7 天")),
    (30, gettext_lazy("近 30 天")),
    (90, gettext_lazy("近 90 天")),
    (365, gettext_lazy("近一年")),
    (0, gettext_lazy("不限时间")),
]
DEFAULT_DAYS = 90

# How far a map may reach in one request: wider than Taiyuan and its counties seen on a wall
# screen at the smallest zoom the page offers, and no more cells than a screen can hold.
MAX_WIDTH, MAX_HEIGHT, MAX_CELLS = 40.0, 30.0, 40_000


def scope_choices(user) -> list[tuple[str, str]]:
    return [
        (OPEN_SCOPE, _("在办事项")),
        *[(box, str(Box.LABELS[box])) for box in inbox_boxes(user)],
        (ALL_SCOPE, _("全部可见事项")),
    ]


class MapFilterForm(forms.Form):
    """The inbox's filters (its tabs, status, channel, urgency, catalogue), overdue only and the
    receipt period; choices are the user's own."""

    # Named as the inbox names its tab, so that the inbox's address opens the same matters here.
    box = forms.ChoiceField(label=gettext_lazy("范围"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("只看超期"), required=False)
    days = forms.TypedChoiceField(
        label=gettext_lazy("受理时间"), coerce=int, required=False, choices=DAYS, empty_value=None
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["box"].choices = scope_choices(user)
        for flt in InboxView.filters:
            self.fields[flt.name] = forms.ChoiceField(
                label=flt.label,
                required=False,
                choices=[("", "")] + [(str(v), label) for v, label in flt.choices(user)],
            )

    def filters(self) -> MapFilters:
        """The valid values (an invalid one reads as not given: the page's default)."""
        self.is_valid()
        values = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        days = values.get("days")
        return MapFilters(
            scope=values.get("box") or OPEN_SCOPE,
            status=values.get("status") or "",
            channel=values.get("channel") or "",
            urgency=values.get("urgency") or "",
            category=values.get("category") or "",
            overdue=bool(values.get("overdue")),
            days=DEFAULT_DAYS if days is None else days,
        )

    def problems(self) -> str:
        """Every invalid value, named by its field, in one sentence."""
        return " ".join(
            f"{self.fields[name].label or name}：{' '.join(str(m) for m in messages)}"
            if name != "__all__"
            else " ".join(str(m) for m in messages)
            for name, messages in self.errors.items()
        )


class MapDataForm(MapFilterForm):
    """…and the viewport: bbox=minLng,minLat,maxLng,maxLat (WGS-84 degrees) and zoom."""

    bbox = forms.CharField(
        label=gettext_lazy("地图范围 bbox"),
        max_length=120,
        error_messages={"required": gettext_lazy("缺少地图范围。")},
    )
    zoom = forms.IntegerField(
        label=gettext_lazy("缩放级别 zoom"),
        min_value=3,
        max_value=19,
        error_messages={
            "required": gettext_lazy("缺少缩放级别。"),
            "invalid": gettext_lazy("须为 3 至 19 之间的整数。"),
            "min_value": gettext_lazy("须为 3 至 19 之间的整数。"),
            "max_value": gettext_lazy("须为 3 至 19 之间的整数。"),
        },
    )
    totals = forms.BooleanField(required=False)

    def clean_bbox(self) -> tuple[float, float, float, float]:
        parts = self.cleaned_data["bbox"].split(",")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
            raise forms.ValidationError(
                _("须为四个数，以逗号分隔：最小经度,最小纬度,最大经度,最大纬度。")
            )
        min_lng, min_lat, max_lng, max_lat = numbers
        if not (-180 <= min_lng <= 180 and -180 <= max_lng <= 180):
            raise forms.ValidationError(_("经度须在 -180 至 180 之间。"))
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError(_("纬度须在 -90 至 90 之间。"))
        if min_lng >= max_lng or min_lat >= max_lat:
            raise forms.ValidationError(_("最小经纬度须小于最大经纬度。"))
        if max_lng - min_lng > MAX_WIDTH or max_lat - min_lat > MAX_HEIGHT:
            raise forms.ValidationError(
                _("范围过大：宽不超过 %(w)d 度、高不超过 %(h)d 度，请放大地图。")
                % {"w": MAX_WIDTH, "h": MAX_HEIGHT}
            )
        return min_lng, min_lat, max_lng, max_lat

    def clean(self):
        cleaned = super().clean()
        if "bbox" in cleaned and "zoom" in cleaned:
            viewport = Viewport(*cleaned["bbox"], zoom=cleaned["zoom"])
            if viewport.cells() > MAX_CELLS:
                raise forms.ValidationError(
                    _("地图范围相对缩放级别过大（超过 %(n)d 个网格），请缩小范围或降低缩放级别。")
                    % {"n": MAX_CELLS}
                )
            cleaned["viewport"] = viewport
        return cleaned


# ---- Pages --------------------------------------------------------------------------------


class MatterMapView(BusinessRequired, TemplateView):
    """The page: filters, the map, the legend; the map asks MatterMapDataView as it moves."""

    template_name = "loop/map.html"

    @cached_property
    def form(self) -> MapFilterForm:
        return MapFilterForm(self.request.GET, user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        filters = self.form.filters()
        chosen = sum(
            1
            for value in (
                filters.status,
                filters.channel,
                filters.urgency,
                filters.category,
                filters.overdue,
            )
            if value
        )
        selects = [
            (flt.name, flt.label, choices[1:], getattr(filters, flt.name))
            for flt in InboxView.filters
            if (choices := self.form.fields[flt.name].choices)
        ]
        listed = {"box": filters.scope if filters.scope != OPEN_SCOPE else ""}
        listed.update({flt.name: getattr(filters, flt.name) for flt in InboxView.filters})
        return super().get_context_data(
            title=_("事项地图"),
            list_query=urlencode({k: v for k, v in listed.items() if v}),
            filters=filters,
            filters_chosen=chosen,
            scopes=scope_choices(user),
            days_choices=DAYS,
            selects=selects,
            layers=[
                {"key": layer.key, "label": layer.label, "features": layer.features}
                for layer in map_layers(user)
            ],
            map_options={
                "data": reverse("loop:map_data"),
                "pointsMax": POINTS_MAX,
                "text": {
                    "inView": _("视野内 %(n)s 件"),
                    "totals": _("符合条件共 %(n)s 件，其中 %(unplaced)s 件无位置未显示"),
                    "cluster": _("%(n)s 件事项，点击放大"),
                    "clusterLate": _("%(n)s 件事项（含超期 %(late)s 件），点击放大"),
                    "late": _("已超期"),
                    "truncated": _(
                        "视野内事项较多，只显示最新的 %(n)s 件；请放大地图或增加筛选条件。"
                    ),
                    "failed": _("地图数据加载失败，请稍后重试。"),
                },
            },
            **kwargs,
        )


class MatterMapDataView(BusinessRequired, View):
    """GET ?bbox=…&zoom=…&<filters> → clusters and points as JSON; bad input → 400 with a
    sentence naming the parameter."""

    def get(self, request):
        form = MapDataForm(request.GET, user=request.user)
        if not form.is_valid():
            return JsonResponse(
                {"error": form.problems(), "fields": sorted(form.errors)}, status=400
            )
        data = map_data(
            request.user,
            form.filters(),
            form.cleaned_data["viewport"],
            totals=form.cleaned_data["totals"],
        )
        response = JsonResponse(data.as_json())
        response["Cache-Control"] = "private, no-store"
        return response
