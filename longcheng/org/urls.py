from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("units/", views.UnitTreeView.as_view(), name="unit_tree"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<int:pk>/role/", views.StaffRoleView.as_view(), name="staff_role"),
    path("staff/<int:pk>/password/", views.StaffPasswordView.as_view(), name="staff_password"),
    path("security/", views.AccountSecurityView.as_view(), name="account_security"),
    path(
        "security/<int:pk>/",
        views.AccountSecurityActionView.as_view(),
        name="account_security_action",
    ),
    path("role-requests/", views.RoleRequestListView.as_view(), name="role_requests"),
    path(
        "role-requests/<int:pk>/",
        views.RoleRequestDecideView.as_view(),
        name="role_request_decide",
    ),
    path("grants/", views.GrantListView.as_view(), name="grant_list"),
    path("grants/<int:pk>/", views.GrantToggleView.as_view(), name="grant_toggle"),
    path("divisions/", views.DivisionListView.as_view(), name="division_list"),
    path("boundaries.geojson", views.BoundariesView.as_view(), name="boundaries"),
]
