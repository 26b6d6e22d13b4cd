from django.urls import reverse

from longcheng.accounts.scoping import scope_queryset
from longcheng.web.home import StatCard

from .models import Enterprise, Institution, Person, Site


def party_home_cards(user) -> list[StatCard]:
    registers = (
        (Enterprise, "parties:enterprise_list", "building"),
        (Institution, "parties:institution_list", "hospital"),
        (Site, "parties:site_list", "cone-striped"),
        (Person, "parties:person_list", "person-vcard"),
    )
    return [
        StatCard(
            label=str(model._meta.verbose_name),
            count=scope_queryset(model.objects.all(), user).count(),
            url=reverse(url_name),
            icon=icon,
        )
        for model, url_name, icon in registers
    ]
