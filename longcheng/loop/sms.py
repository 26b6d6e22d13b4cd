"""The SMS interface. The console backend logs; a provider plugs in by setting
LONGCHENG_SMS_BACKEND to a dotted path of a class with `send(phone, text)`."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("longcheng.sms")

# What was "sent" by the console backend, for tests and the demo console.
outbox: list[tuple[str, str]] = []


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))
        logger.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)


def get_backend():
    path = getattr(settings, "LONGCHENG_SMS_BACKEND", "longcheng.loop.sms.ConsoleSmsBackend")
    return import_string(path)()


def send_sms(phone: str, text: str) -> None:
    if phone:
        get_backend().send(phone, text)
