from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "longcheng.imports"
    label = "imports"
    verbose_name = _("Excel 导入")

    def ready(self) -> None:
        from longcheng.web.home import register_nav_items

        from .selectors import imports_nav_items

        register_nav_items(imports_nav_items)
