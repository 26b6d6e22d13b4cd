from django.urls import path, re_path

from . import open311, public_views, views

app_name = "appeals"

urlpatterns = [
    # Staff
    path("appeals/", views.OverviewView.as_view(), name="overview"),
    path("appeals/intake/", views.IntakeView.as_view(), name="intake"),
    path("appeals/window/", views.WindowView.as_view(), name="window"),
    path("appeals/points/", views.PointListView.as_view(), name="points"),
    path("appeals/points/<int:pk>/", views.PointDetailView.as_view(), name="point_detail"),
    path("appeals/points/<int:pk>/poster.pdf", views.PosterView.as_view(), name="poster"),
    path("appeals/supervisors/", views.SupervisorListView.as_view(), name="supervisors"),
    path("appeals/mine/", views.MineView.as_view(), name="mine"),
    path("appeals/mine/report/", views.SupervisorReportView.as_view(), name="supervisor_report"),
    path("appeals/mine/<int:pk>/", views.MineDetailView.as_view(), name="mine_detail"),
    path("appeals/meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("appeals/meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("appeals/meetings/<int:pk>/minutes.pdf", views.MinutesView.as_view(), name="minutes"),
    path("appeals/api-keys/", views.ApiKeyView.as_view(), name="api_keys"),
    # Public (phones, no account)
    path("a/", public_views.SubmitView.as_view(), name="public_submit"),
    path("a/p/<str:token>/", public_views.SubmitView.as_view(), name="public_point"),
    path("a/done/<str:code>/", public_views.DoneView.as_view(), name="public_done"),
    path("a/track/", public_views.TrackView.as_view(), name="public_track"),
    path("a/t/<str:code>/", public_views.StatusView.as_view(), name="public_status"),
    # The reporter's own link in an SMS or WeChat message, and its opt-out.
    path("a/m/<str:token>", public_views.MatterLinkView.as_view(), name="public_matter"),
    path("a/m/<str:token>/stop/", public_views.OptOutView.as_view(), name="public_opt_out"),
    path("a/place/", public_views.PlaceView.as_view(), name="public_place"),
    path("a/map/", public_views.MapView.as_view(), name="public_map"),
    path("a/map/problems.json", public_views.MapPointsView.as_view(), name="public_map_points"),
    path("open/figures/", public_views.FiguresView.as_view(), name="public_figures"),
    # Open311 GeoReport v2
    re_path(
        r"^open311/v2/(?P<resource>discovery|services|requests|tokens)\.(?P<fmt>json|xml)$",
        open311.open311,
        name="open311",
    ),
    re_path(
        r"^open311/v2/(?P<resource>services|requests|tokens)/(?P<ident>[\w-]+)"
        r"\.(?P<fmt>json|xml)$",
        open311.open311,
        name="open311_item",
    ),
]
