"""Answers /healthz, /readyz and /metrics first of all middleware: probes call gunicorn directly
(plain HTTP, their own Host header) and must not meet the HTTPS redirect, host validation,
sessions, sign-in or rate limits. /readyz and /metrics answer only the addresses in
LONGCHENG_OPS_ALLOWED_IPS (the supervisor and Prometheus, never the public: nginx does not
pass these paths on)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from . import health, metrics


class OpsEndpointsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/healthz":
            return HttpResponse(b"ok", content_type="text/plain")
        if path in ("/readyz", "/metrics"):
            if request.META.get("REMOTE_ADDR") not in settings.LONGCHENG_OPS_ALLOWED_IPS:
                return HttpResponse(status=404)
            if path == "/metrics":
                return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
            ready, results = health.readiness()
            return JsonResponse(
                {"ready": ready, "checks": results, "warnings": health.warnings()},
                status=200 if ready else 503,
                json_dumps_params={"ensure_ascii": False},
            )
        return self.get_response(request)
