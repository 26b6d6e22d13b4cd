from django.urls import path

from . import problem_views, views

app_name = "projects"

urlpatterns = [
    path("projects/", views.TreeView.as_view(), name="tree"),
    path("projects/tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("projects/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("projects/key/", views.ProjectListView.as_view(), name="projects"),
    path("projects/key/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/key/<int:pk>/report/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("projects/key/<int:pk>/visit/", views.VisitRecordView.as_view(), name="visit_record"),
    path("projects/reports/", views.ReportsView.as_view(), name="reports"),
    path("projects/pending/", views.PendingView.as_view(), name="pending"),
    path("projects/meeting.<str:fmt>", views.MeetingReportView.as_view(), name="meeting"),
    path("projects/indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path(
        "projects/indicators/<int:pk>/",
        views.IndicatorDetailView.as_view(),
        name="indicator_detail",
    ),
    path("projects/roadmap/", views.RoadmapView.as_view(), name="roadmap"),
    path("projects/sponsor/", views.SponsorView.as_view(), name="sponsor"),
    path("projects/problems/", problem_views.ProblemListView.as_view(), name="problems"),
    path(
        "projects/problems/new/",
        problem_views.ProblemPromoteView.as_view(),
        name="problem_promote",
    ),
    path(
        "projects/problems/<int:pk>/",
        problem_views.ProblemDetailView.as_view(),
        name="problem_detail",
    ),
    path(
        "projects/problems/<int:pk>/matters/",
        problem_views.ProblemMattersView.as_view(),
        name="problem_matters",
    ),
    path(
        "projects/problems/<int:pk>/<slug:action>/",
        problem_views.ProblemActionView.as_view(),
        name="problem_action",
    ),
]
