from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "longcheng.parties"
    label = "parties"
    verbose_name = _("主体登记")

    def ready(self) -> None:
        from longcheng.web.home import register_home_cards

        from .selectors import party_home_cards

        register_home_cards(party_home_cards)
