from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "longcheng.privacy"
    label = "privacy"
    verbose_name = _("个人信息权利请求")

    def ready(self):
        from longcheng.web.home import register_nav_items

        from .views import privacy_nav_items

        register_nav_items(privacy_nav_items)
