from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("units", views.UnitViewSet, basename="unit")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("sites", views.SiteViewSet, basename="site")
router.register("persons", views.PersonViewSet, basename="person")

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
