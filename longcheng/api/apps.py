from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "longcheng.api"
    label = "api"
    verbose_name = "API"
