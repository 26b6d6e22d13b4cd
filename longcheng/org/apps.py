from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "longcheng.org"
    label = "org"
    verbose_name = _("组织机构")

    def ready(self):
        from longcheng.web.home import register_home_alerts

        from .alerts import role_request_alerts

        register_home_alerts(role_request_alerts)
