from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _

from longcheng.audit.context import client_ip
from longcheng.core import ratelimit


class ChineseFirstLocaleMiddleware:
    """The interface is Chinese unless the user picked another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk on an
    English-configured PC would land on a half-translated English screen; here only the
    explicit choice (the language cookie) counts."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AnonymousRateLimitMiddleware:
    """Every request from someone not signed in counts against a budget per client address
    (`LONGCHENG_ANONYMOUS_LIMIT`): the public forms and status pages, the sign-in page, the
    Open311 API. The forms keep their own, tighter limits on top. Static files are served
    before this middleware runs (whitenoise) and are not counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not ratelimit.hit(
            "anonymous", client_ip(request) or "", settings.LONGCHENG_ANONYMOUS_LIMIT
        ):
            _count, seconds = settings.LONGCHENG_ANONYMOUS_LIMIT.split("/")
            response = HttpResponse(
                _("访问过于频繁，请稍后再试。"),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = seconds
            return response
        return self.get_response(request)


class RefuseNulCharactersMiddleware:
    """No form or link of the platform sends a NUL character; PostgreSQL cannot store or
    compare one, so a request carrying one would fail deep inside a query. Refuse it at the
    door with a plain 400 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                _("请求中含有无法处理的控制字符（NUL），请检查后重新提交。"),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
