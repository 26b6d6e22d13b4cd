from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.CockpitView.as_view(), name="index"),
    path("matters/", views.MatterDrillView.as_view(), name="matters"),
]
urlpatterns += [
    path("bulletins/", views.BulletinListView.as_view(), name="bulletins"),
    path("bulletins/<int:pk>/<slug:kind>/", views.BulletinFileView.as_view(), name="bulletin_file"),
]
