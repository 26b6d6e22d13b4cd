from django.urls import path

from . import field, public_views, views

app_name = "inspections"

urlpatterns = [
    # The field app: its worker from the site root (its scope covers every field page).
    path("sw.js", field.ServiceWorkerView.as_view(), name="sw"),
    path("manifest.webmanifest", field.ManifestView.as_view(), name="manifest"),
    path("inspections/field/offline.json", field.OfflineListView.as_view(), name="field_offline"),
    path("inspections/", views.CampaignListView.as_view(), name="campaigns"),
    path("inspections/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("inspections/map/", views.CampaignMapView.as_view(), name="campaign_map"),
    path("inspections/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path(
        "inspections/<int:pk>/<str:action>/",
        views.CampaignActionView.as_view(),
        name="campaign_action",
    ),
    path(
        "inspections/<int:pk>/draws/<int:number>.json",
        views.DrawVerifyView.as_view(),
        name="draw_record",
    ),
    path(
        "inspections/<int:pk>/report.<str:fmt>",
        views.CampaignReportView.as_view(),
        name="campaign_report",
    ),
    path(
        "inspections/<int:pk>/targets/<int:target_pk>/start/",
        views.VisitStartView.as_view(),
        name="visit_start",
    ),
    path("inspections/mine/", views.MineView.as_view(), name="mine"),
    path("inspections/templates/", views.TemplateListView.as_view(), name="templates"),
    path(
        "inspections/templates/<int:pk>/",
        views.TemplateDetailView.as_view(),
        name="template_detail",
    ),
    path("inspections/visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("inspections/visits/<int:pk>/form/", views.VisitFormView.as_view(), name="visit_form"),
    path("inspections/visits/<int:pk>/sync/", views.VisitSyncView.as_view(), name="visit_sync"),
    path("inspections/visits/<int:pk>/order.pdf", views.VisitOrderView.as_view(), name="order"),
    path(
        "inspections/visits/<int:pk>/reinspect/",
        views.ReinspectionStartView.as_view(),
        name="reinspection_start",
    ),
    path(
        "inspections/rectifications/<int:pk>/transfer/",
        views.TransferView.as_view(),
        name="transfer",
    ),
    path("inspections/photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path(
        "inspections/photos/<int:pk>/thumb.jpg",
        views.PhotoThumbView.as_view(),
        name="photo_thumb",
    ),
    path(
        "inspections/evidence/<int:pk>/",
        views.EvidencePhotoView.as_view(),
        name="evidence_photo",
    ),
    path(
        "inspections/evidence/<int:pk>/thumb.jpg",
        views.EvidencePhotoView.as_view(),
        {"thumb": True},
        name="evidence_photo_thumb",
    ),
    # Public (phones, no account)
    path(
        "p/r/<str:token>/",
        public_views.PartyRectificationView.as_view(),
        name="party_rectification",
    ),
    path("p/inspections/", public_views.PublicResultsView.as_view(), name="public_results"),
    path(
        "p/inspections/<int:pk>/",
        public_views.PublicResultsView.as_view(),
        name="public_campaign",
    ),
]
