from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "longcheng.routing"
    label = "routing"
    verbose_name = _("智能分拨")

    def ready(self) -> None:
        from longcheng.loop.map_views import register_map_layer
        from longcheng.loop.panels import register_matter_panel
        from longcheng.web.home import register_nav_items

        from .areas import hotspot_map_layer
        from .views import routing_nav_items, suggestion_panel

        register_matter_panel(suggestion_panel)
        register_map_layer(hotspot_map_layer)
        register_nav_items(routing_nav_items)
