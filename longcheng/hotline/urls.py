from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.WorkbenchView.as_view(), name="workbench"),
    path("caller/", views.CallerHistoryView.as_view(), name="caller"),
    path("follow/", views.FollowView.as_view(), name="follow"),
    path("questions/fields/", views.QuestionsView.as_view(), name="question_fields"),
    path("questions/", views.QuestionListView.as_view(), name="questions"),
    path("questions/new/", views.QuestionFormView.as_view(), name="question_new"),
    path("questions/<int:pk>/", views.QuestionFormView.as_view(), name="question"),
    path("questions/<int:pk>/delete/", views.QuestionDeleteView.as_view(), name="question_delete"),
    path("templates/", views.TemplateListView.as_view(), name="templates"),
    path("templates/new/", views.TemplateFormView.as_view(), name="template_new"),
    path("templates/<int:pk>/", views.TemplateFormView.as_view(), name="template"),
    path("templates/<int:pk>/delete/", views.TemplateDeleteView.as_view(), name="template_delete"),
    path("templates/call.json", views.CallTemplatesView.as_view(), name="call_templates"),
    path(
        "matters/<int:pk>/templates.json",
        views.MatterTemplatesView.as_view(),
        name="matter_templates",
    ),
]
