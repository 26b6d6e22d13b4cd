from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditRecordListView.as_view(), name="record_list"),
    path("verify/", views.AuditVerifyView.as_view(), name="verify"),
]
