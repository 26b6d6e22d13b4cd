"""The SMS interface. The console backend logs; a provider plugs in by setting
LONGCHENG_SMS_BACKEND to a dotted path of a class with `send(phone, text)` and, for the
providers that send only registered templates (阿里云、腾讯云短信), `send_template(phone, *,
template_id, params, text)`: the template id is the provider's (LONGCHENG_SMS_TEMPLATE_IDS),
`params` fill its placeholders and `text` is the same message written out, for the record.

A backend reports a failure by raising; `longcheng.loop.citizen_updates` records it."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("longcheng.sms")

# What was "sent" by the console backend, for tests and the demo console.
outbox: list[tuple[str, str]] = []
# The template sends among them: (phone, template id, params).
template_outbox: list[tuple[str, str, dict]] = []


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))
        logger.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)

    def send_template(self, phone: str, *, template_id: str, params: dict, text: str) -> None:
        template_outbox.append((phone, template_id, dict(params)))
        self.send(phone, text)


def get_backend():
    path = getattr(settings, "LONGCHENG_SMS_BACKEND", "longcheng.loop.sms.ConsoleSmsBackend")
    return import_string(path)()


def send_sms(phone: str, text: str) -> None:
    if phone:
        get_backend().send(phone, text)


def send_sms_template(phone: str, *, template_id: str, params: dict, text: str) -> None:
    """A templated message: through the provider's template when the backend has one and the
    template is registered with the provider (an id is set), else as plain text."""
    backend = get_backend()
    if template_id and hasattr(backend, "send_template"):
        backend.send_template(phone, template_id=template_id, params=params, text=text)
    else:
        backend.send(phone, text)
