from django.contrib import admin

from .models import (
    InterviewSession,
    InterviewSlot,
    Position,
    RecruitmentCampaign,
    Team,
    TeamMember,
    TrainingSession,
    Venue,
)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 1


@admin.register(RecruitmentCampaign)
class CampaignAdmin(admin.ModelAdmin):
    """Campaigns, positions and interview sessions are set up once by the organiser's
    administrator; everything after that happens on the campaign's pages."""

    list_display = ["name", "unit", "apply_until", "service_from", "service_until", "places"]
    inlines = [PositionInline]


class SlotInline(admin.TabularInline):
    model = InterviewSlot
    extra = 1


@admin.register(InterviewSession)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["campaign", "date", "room"]
    inlines = [SlotInline]


admin.site.register(Venue)


class MemberInline(admin.TabularInline):
    model = TeamMember
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    inlines = [MemberInline]


admin.site.register(TrainingSession)
