"""Reference data maintained by the system administrator in Django's admin (the core's
models registered here, above the accounts and the audit log they rely on)."""

from django.contrib import admin
from django.db import transaction
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from longcheng.accounts.roles import Role
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.audit.snapshots import model_snapshot
from longcheng.core.models import CalendarOverride, Division, LocalCalendarYear, Unit


def _sysadmin(request) -> bool:
    user = request.user
    return user.is_active and user.is_authenticated and user.role == Role.SYSADMIN


# The admin is the system administrator's room and nobody else's (三权分立).
admin.site.has_permission = _sysadmin
admin.site.site_header = "龙城闭环治理平台 · 系统设置"
admin.site.site_title = "龙城 · 系统设置"


class SysadminAdmin(admin.ModelAdmin):
    """Full rights for the system administrator; every save and delete is audited."""

    def has_module_permission(self, request):
        return _sysadmin(request)

    def has_view_permission(self, request, obj=None):
        return _sysadmin(request)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return _sysadmin(request)

    has_delete_permission = has_change_permission

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=Action.UPDATE if change else Action.CREATE,
                target=obj,
                after=model_snapshot(obj),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user, action=Action.DELETE, target=obj, before=model_snapshot(obj)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Division)
class DivisionAdmin(SysadminAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["level"]


@admin.register(Unit)
class UnitAdmin(SysadminAdmin, TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "kind", "division", "is_active"]
    search_fields = ["name", "code"]
    list_filter = ["kind", "is_active"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SysadminAdmin):
    list_display = ["date", "is_workday", "reason", "from_schedule"]
    list_filter = ["is_workday", "from_schedule"]
    date_hierarchy = "date"


@admin.register(LocalCalendarYear)
class LocalCalendarYearAdmin(SysadminAdmin):
    """Read-only here: an official schedule is entered on the 节假日安排 page, which recomputes
    the open deadlines it moves."""

    list_display = ["year", "basis"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _login_redirect(request, extra_context=None):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path())


admin.site.login = _login_redirect
