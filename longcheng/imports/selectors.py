from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import Scope, user_scope, visible_units
from longcheng.web.home import NavItem

from .importers import importers_for
from .models import ImportBatch


def batches_visible_to(user) -> QuerySet[ImportBatch]:
    """Batches of the kinds the user may import: all of them for the system administrator and
    city-wide roles, else those uploaded by the user's units."""
    kinds = [i.kind for i in importers_for(user)]
    batches = ImportBatch.objects.filter(kind__in=kinds).select_related(
        "created_by", "committed_by"
    )
    if user.role == Role.SYSADMIN or user_scope(user) == Scope.ALL:
        return batches
    return batches.filter(created_by__unit__in=visible_units(user))


def imports_nav_items(user) -> list[NavItem]:
    if not user.is_authenticated or not importers_for(user):
        return []
    return [NavItem(_("Excel 导入"), reverse("imports:index"), "file-earmark-arrow-up")]
