from django.urls import path

from . import field_views, views

app_name = "enforcement"

urlpatterns = [
    path("enforcement/", views.CaseListView.as_view(), name="cases"),
    path("enforcement/new/", views.LeadCreateView.as_view(), name="lead_create"),
    path("enforcement/summary/", views.SummaryCreateView.as_view(), name="summary_create"),
    path("enforcement/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("enforcement/<int:pk>/step/<str:step>/", views.CaseStepView.as_view(), name="case_step"),
    path(
        "enforcement/evidence/<int:pk>/file/",
        field_views.EvidenceFileView.as_view(),
        name="evidence_file",
    ),
    path(
        "enforcement/evidence/<int:pk>/thumb.jpg",
        field_views.EvidenceFileView.as_view(),
        {"thumb": True},
        name="evidence_thumb",
    ),
    path("enforcement/documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
    path("enforcement/map/", views.SiteMapView.as_view(), name="site_map"),
    path("enforcement/patrols/", views.PatrolListView.as_view(), name="patrols"),
    path("enforcement/patrols/new/", views.PatrolCreateView.as_view(), name="patrol_create"),
    path(
        "enforcement/patrols/offline.json",
        field_views.PatrolOfflineListView.as_view(),
        name="patrols_offline",
    ),
    path(
        "enforcement/patrols/<int:pk>/",
        field_views.FieldPatrolDetailView.as_view(),
        name="patrol_detail",
    ),
    path("enforcement/law/", views.ProvisionListView.as_view(), name="provisions"),
    path("enforcement/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("p/decisions/", views.PublicDecisionsView.as_view(), name="public_decisions"),
]
