"""The dispatch catalogue and its time limits, maintained by the system administrator."""

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from longcheng.org.admin import SysadminAdmin

from .models import Category, TimeLimit


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0

    def has_view_permission(self, request, obj=None):
        return SysadminAdmin.has_view_permission(self, request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Category)
class CategoryAdmin(SysadminAdmin, TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "code", "default_lead_unit", "is_active"]
    search_fields = ["name", "code", "keywords"]
    filter_horizontal = ["default_assisting_units"]
    inlines = [TimeLimitInline]


@admin.register(TimeLimit)
class TimeLimitAdmin(SysadminAdmin):
    list_display = ["category", "kind", "urgency", "sign_hours", "handle_days"]
    list_filter = ["kind", "urgency"]
