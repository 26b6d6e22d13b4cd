from django.urls import path

from . import audit_views as views

# The audit log's pages keep the "audit" namespace; they live here, above the web layer.
app_name = "audit"

urlpatterns = [
    path("", views.AuditRecordListView.as_view(), name="record_list"),
    path("verify/", views.AuditVerifyView.as_view(), name="verify"),
    path("alerts/<int:pk>/handled/", views.AlertHandledView.as_view(), name="alert_handled"),
]
