from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "longcheng.org"
    label = "org"
    verbose_name = _("组织机构")

    def ready(self):
        from longcheng.web.home import NAV_ADMINISTRATION, register_home_alerts, register_nav_items

        from .alerts import role_request_alerts
        from .navigation import org_nav_items

        register_home_alerts(role_request_alerts)
        register_nav_items(org_nav_items, position=NAV_ADMINISTRATION)
