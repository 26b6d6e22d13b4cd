from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("template/<slug:kind>.xlsx", views.TemplateView.as_view(), name="template"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="batch"),
    path("<int:pk>/progress/", views.BatchProgressView.as_view(), name="progress"),
    path("<int:pk>/errors.xlsx", views.BatchErrorsView.as_view(), name="errors"),
]
