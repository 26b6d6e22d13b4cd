from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("new/", views.ArticleCreateView.as_view(), name="create"),
    path("assist/", views.AssistView.as_view(), name="assist"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ArticleEditView.as_view(), name="edit"),
    path("<int:pk>/<slug:action>/", views.ArticleActionView.as_view(), name="action"),
]
