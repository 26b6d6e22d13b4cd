from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "longcheng.routing"
    label = "routing"
    verbose_name = _("智能分拨")

    def ready(self) -> None:
        from longcheng.loop.events import matter_returned
        from longcheng.loop.map_views import register_map_layer
        from longcheng.loop.panels import register_matter_panel
        from longcheng.web.home import register_nav_items
        from longcheng.web.queues import register_work_queues

        from .areas import hotspot_map_layer
        from .receivers import on_matter_returned
        from .selectors import dispute_work_queues
        from .views import dispute_panel, routing_nav_items, suggestion_panel

        register_matter_panel(dispute_panel)
        register_matter_panel(suggestion_panel)
        register_map_layer(hotspot_map_layer)
        register_nav_items(routing_nav_items)
        register_work_queues(dispute_work_queues, order=15)
        matter_returned.connect(on_matter_returned, dispatch_uid="routing.dispute_on_return")
