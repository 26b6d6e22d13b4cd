from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("longcheng.web.urls")),
    path("accounts/", include("longcheng.accounts.urls")),
    path("org/", include("longcheng.org.urls")),
    path("parties/", include("longcheng.parties.urls")),
    path("audit/", include("longcheng.org.audit_urls")),
    path("loop/", include("longcheng.loop.urls")),
    path("", include("longcheng.appeals.urls")),
    path("routing/", include("longcheng.routing.urls")),
    path("knowledge/", include("longcheng.knowledge.urls")),
    path("hotline/", include("longcheng.hotline.urls")),
    path("", include("longcheng.inspections.urls")),
    path("", include("longcheng.enforcement.urls")),
    path("", include("longcheng.projects.urls")),
    path("", include("longcheng.volunteers.urls")),
    path("", include("longcheng.funds.urls")),
    path("privacy/", include("longcheng.privacy.urls")),
    path("cockpit/", include("longcheng.cockpit.urls")),
    path("imports/", include("longcheng.imports.urls")),
    path("api/", include("longcheng.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "longcheng.web.views.permission_denied"
