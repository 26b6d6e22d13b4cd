from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("matters/<int:pk>/take/", views.TakeSuggestionView.as_view(), name="take"),
    path("models/", views.ModelListView.as_view(), name="models"),
    path("hotspots/", views.HotSpotView.as_view(), name="hotspots"),
    path(
        "hotspots/<int:pk>/<int:index>/",
        views.HotSpotMattersView.as_view(),
        name="hotspot_matters",
    ),
]
