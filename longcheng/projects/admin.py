from django.contrib import admin

from .models import Goal, Positioning


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 1


@admin.register(Positioning)
class PositioningAdmin(admin.ModelAdmin):
    """The positionings are the city's own: the system administrator keeps them here."""

    list_display = ["name", "order"]
    inlines = [GoalInline]
