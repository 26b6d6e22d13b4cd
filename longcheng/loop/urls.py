from django.urls import path

from . import (
    calendar_views,
    citizen_update_views,
    emergency_views,
    map_views,
    metrics_views,
    notification_views,
    views,
)

app_name = "loop"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("receive/", views.ReceiveView.as_view(), name="receive"),
    path("emergency/", emergency_views.EmergencyView.as_view(), name="emergency"),
    path(
        "emergency/<int:pk>/end/", emergency_views.EmergencyEndView.as_view(), name="emergency_end"
    ),
    path("map/", map_views.MatterMapView.as_view(), name="map"),
    path("map/data/", map_views.MatterMapDataView.as_view(), name="map_data"),
    path("matters/<int:pk>/", views.MatterDetailView.as_view(), name="matter_detail"),
    path(
        "matters/<int:pk>/act/<slug:action>/", views.MatterActionView.as_view(), name="matter_act"
    ),
    path("matters/<int:pk>/reveal-phone/", views.RevealPhoneView.as_view(), name="reveal_phone"),
    path("matters/<int:pk>/legal-hold/", views.LegalHoldView.as_view(), name="legal_hold"),
    path(
        "matters/<int:pk>/reporter-updates/",
        citizen_update_views.ReporterUpdatesView.as_view(),
        name="reporter_updates",
    ),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.NotificationOpenView.as_view(),
        name="notification_open",
    ),
    path("metrics/", metrics_views.MetricsView.as_view(), name="metrics"),
    path("calendar/", calendar_views.CalendarView.as_view(), name="calendar"),
    path(
        "deadline-reviews/",
        calendar_views.DeadlineReviewView.as_view(),
        name="deadline_reviews",
    ),
    path(
        "unreasonable/",
        calendar_views.UnreasonableClaimListView.as_view(),
        name="unreasonable_claims",
    ),
]
