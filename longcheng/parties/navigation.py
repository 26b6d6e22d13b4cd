from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.accounts.scoping import reads_business_records
from longcheng.web.home import NavItem


def parties_nav_items(user) -> list[NavItem]:
    if not reads_business_records(user):
        return []
    return [
        NavItem(_("企业"), reverse("parties:enterprise_list"), "building"),
        NavItem(_("机构"), reverse("parties:institution_list"), "hospital"),
        NavItem(_("场所"), reverse("parties:site_list"), "cone-striped"),
        NavItem(_("自然人"), reverse("parties:person_list"), "person-vcard"),
    ]
