from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "longcheng.knowledge"
    label = "knowledge"
    verbose_name = _("知识库")

    def ready(self) -> None:
        from longcheng.web.home import register_nav_items

        from .selectors import knowledge_nav_items

        register_nav_items(knowledge_nav_items)
