from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("matters/<int:pk>/take/", views.TakeSuggestionView.as_view(), name="take"),
    path("models/", views.ModelListView.as_view(), name="models"),
    path("hotspots/", views.HotSpotView.as_view(), name="hotspots"),
    path("disputes/", views.DisputeListView.as_view(), name="disputes"),
    path("disputes/<int:pk>/", views.DisputeDetailView.as_view(), name="dispute"),
    path("area-rules/", views.AreaRuleListView.as_view(), name="area_rules"),
    path("area-rules/new/", views.AreaRuleFormView.as_view(), name="area_rule_new"),
    path("area-rules/<int:pk>/", views.AreaRuleFormView.as_view(), name="area_rule"),
    path(
        "area-rules/<int:pk>/delete/", views.AreaRuleDeleteView.as_view(), name="area_rule_delete"
    ),
    path(
        "hotspots/<int:pk>/<int:index>/",
        views.HotSpotMattersView.as_view(),
        name="hotspot_matters",
    ),
]
