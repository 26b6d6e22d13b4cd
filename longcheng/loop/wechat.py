"""The WeChat template-message interface (微信模板消息), beside the SMS one: a provider plugs
in by setting LONGCHENG_WECHAT_BACKEND to a dotted path of a class with
`send_template(openid, *, template_id, data, url)`, where `data` is WeChat's
{"field": {"value": "…"}} and `url` the page the message opens. The console backend records
to `outbox`. A backend reports a failure by raising."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("longcheng.wechat")

# (openid, template id, data, url) for each message the console backend "sent".
outbox: list[tuple[str, str, dict, str]] = []


class ConsoleWechatBackend:
    def send_template(self, openid: str, *, template_id: str, data: dict, url: str) -> None:
        outbox.append((openid, template_id, data, url))
        logger.info("WeChat template %s to %s…: %s", template_id, openid[:6], data)


def get_backend():
    path = getattr(
        settings, "LONGCHENG_WECHAT_BACKEND", "longcheng.loop.wechat.ConsoleWechatBackend"
    )
    return import_string(path)()
