"""The client address of the request being served, for audit records written deep in services."""

import contextvars

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    from django.conf import settings

    header = settings.LONGCHENG_CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None
