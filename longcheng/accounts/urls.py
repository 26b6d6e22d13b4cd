from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("2fa/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("2fa/setup/", views.OtpSetupView.as_view(), name="otp_setup"),
]
