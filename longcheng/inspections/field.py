"""The field app (龙城执法) that inspectors and officers install on their phones: its web
manifest, its service worker served from the site root, and the list of pages the worker keeps
for the signed-in user so that the visit and patrol pages open with no signal.

Pages the worker may keep carry the header `X-Longcheng-Field-User`, a keyed digest of the
signed-in user: the worker keeps one user's pages at a time and throws them away when another
user's page arrives, on the sign-in page and on sign-out (see sw.js)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views import View

from longcheng.web.access import BusinessStaffRequired

from .selectors import my_open_visits

FIELD_USER_HEADER = "X-Longcheng-Field-User"
ICON_SIZES = (192, 512)

# The app shell: what every field page loads (styles, fonts, scripts, icons).
SHELL_FILES = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "css/longcheng.css",
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "js/longcheng.js",
    "inspections/visit.js",
    "inspections/field.js",
    *(f"inspections/icons/icon-{size}.png" for size in ICON_SIZES),
)


def field_user_key(user) -> str:
    """Who a kept page belongs to, without telling its reader the account's id."""
    return salted_hmac("longcheng.field.user", str(user.pk)).hexdigest()[:24]


class FieldPageMixin:
    """A page the phone may keep for offline use: marked with whose page it is."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if request.user.is_authenticated and response.status_code == 200:
            response[FIELD_USER_HEADER] = field_user_key(request.user)
            response["Cache-Control"] = "private, no-cache"
        return response


def _lists() -> list[str]:
    urls = [reverse("inspections:field_offline")]
    try:
        urls.append(reverse("enforcement:patrols_offline"))
    except NoReverseMatch:  # enforcement not installed
        pass
    return urls


@lru_cache(maxsize=1)
def _worker_source() -> str:
    shell = [static(path) for path in SHELL_FILES]
    body = render_to_string(
        "inspections/field/sw.js",
        {
            "shell": json.dumps(shell),
            "lists": json.dumps(_lists()),
            "user_header": FIELD_USER_HEADER,
            "login": json.dumps(reverse("accounts:login")),
            "logout": json.dumps(reverse("accounts:logout")),
        },
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    return body.replace("__VERSION__", version)


class ServiceWorkerView(View):
    """/sw.js: the worker, from the site root so that its scope covers every field page."""

    def get(self, request):
        response = HttpResponse(_worker_source(), content_type="application/javascript")
        response["Service-Worker-Allowed"] = "/"
        response["Cache-Control"] = "no-cache"
        return response


class ManifestView(View):
    def get(self, request):
        manifest = {
            "name": _("龙城执法"),
            "short_name": _("龙城执法"),
            "description": _("现场检查与巡查：无信号时也能打开检查记录，网络恢复后自动发送。"),
            "lang": "zh-Hans",
            "dir": "ltr",
            "id": "/?app=longcheng-field",
            "start_url": reverse("inspections:mine"),
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": "#9b1c1c",
            "icons": [
                {
                    "src": static(f"inspections/icons/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any maskable",
                }
                for size in ICON_SIZES
            ],
        }
        response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/manifest+json"
        return response


class OfflineListView(BusinessStaffRequired, View):
    """The inspector's pages the worker keeps: the visit list and each open visit."""

    def get(self, request):
        pages = [reverse("inspections:mine")]
        pages += [
            reverse("inspections:visit_form", args=[pk])
            for pk in my_open_visits(request.user).values_list("pk", flat=True)[:50]
        ]
        response = JsonResponse({"user": field_user_key(request.user), "pages": pages})
        response["Cache-Control"] = "private, no-store"
        return response
