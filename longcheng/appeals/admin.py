from django.contrib import admin

from longcheng.org.admin import SysadminAdmin

from .models import MonitoringPoint


@admin.register(MonitoringPoint)
class MonitoringPointAdmin(SysadminAdmin):
    list_display = ["name", "code", "unit", "fallback_window", "opened_on", "is_active"]
    list_filter = ["is_active", "fallback_window"]
    search_fields = ["name", "code", "address"]
