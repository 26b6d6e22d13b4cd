from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("funds/", views.ForestView.as_view(), name="forest"),
    path("funds/<int:pk>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("funds/<int:pk>/report.pdf", views.FundReportView.as_view(), name="fund_report"),
    path("funds/<int:pk>/call-notice.pdf", views.CallNoticeView.as_view(), name="call_notice"),
    path("funds/queue/", views.QueueView.as_view(), name="queue"),
    path("funds/deals/", views.DealListView.as_view(), name="deals"),
    path("funds/deals/<int:pk>/", views.DealDetailView.as_view(), name="deal_detail"),
]
