from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.DataRequestListView.as_view(), name="list"),
    path("new/", views.DataRequestCreateView.as_view(), name="create"),
    path("<int:pk>/", views.DataRequestDetailView.as_view(), name="detail"),
    # Public (no account): every form's current notice and its earlier versions.
    path("policy/", views.PolicyView.as_view(), name="policy"),
]
