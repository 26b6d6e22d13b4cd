from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "longcheng.web"
    label = "web"
    verbose_name = _("界面框架")
