from django.urls import path

from . import public_views, views

app_name = "volunteers"

urlpatterns = [
    path("volunteers/", views.CampaignListView.as_view(), name="campaigns"),
    path("volunteers/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path(
        "volunteers/<int:pk>/do/<str:action>/",
        views.CampaignActionView.as_view(),
        name="campaign_action",
    ),
    path(
        "volunteers/<int:pk>/applications/",
        views.ApplicationListView.as_view(),
        name="applications",
    ),
    path("volunteers/<int:pk>/roster/", views.RosterView.as_view(), name="roster"),
    path("volunteers/<int:pk>/roster/do/", views.RosterActionView.as_view(), name="roster_action"),
    path("volunteers/<int:pk>/hours/", views.HoursView.as_view(), name="hours"),
    path(
        "volunteers/applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path("volunteers/judge/", views.JudgeView.as_view(), name="judge"),
    path("volunteers/teams/<int:pk>/", views.TeamView.as_view(), name="team"),
    path("volunteers/venues/<int:pk>/qr/", views.VenueQrView.as_view(), name="venue_qr"),
    path("volunteers/late-checkins/", views.LateCheckinListView.as_view(), name="late_checkins"),
    # Public (phones, no account)
    path("v/status/", public_views.StatusView.as_view(), name="public_lookup"),
    path("v/status/<str:code>/", public_views.StatusView.as_view(), name="public_status"),
    path("v/schedule/<str:code>/", views.ScheduleView.as_view(), name="schedule"),
    path("v/checkin/<str:token>/", public_views.CheckinView.as_view(), name="checkin"),
    path("v/<slug:slug>/", public_views.ApplyView.as_view(), name="apply"),
    path("v/<slug:slug>/publicity/", public_views.PublicityView.as_view(), name="publicity"),
]
