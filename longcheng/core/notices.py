"""Personal-information notices (个人信息告知, PIPL arts. 14 and 17) with their versions.

A consent is only worth as much as the record of what the person was told: each form shows
the current text and sends its version back, and the record keeps that version. Changing a
text means adding a new version here (old versions stay, consents given to them stay valid).
"""

import dataclasses

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Notice:
    kind: str
    version: str
    text: str | Promise

    @property
    def reference(self) -> str:
        """What a consent record stores: kind and version, e.g. "appeal/2023-08"."""
        return f"{self.kind}/{self.version}"


_NOTICES = [
    Notice(
        "appeal",
        "2023-08",
        _(
            "您留下的称呼、手机号码和企业信息，仅用于办理本诉求和办结后的回访，由受理和承办单位"
            "依法保存，不向无关人员公开；页面上显示时均作遮挡处理，查看完整信息会留下记录。"
            "您可以选择匿名反映，但匿名诉求无法回访。"
        ),
    ),
    Notice(
        "volunteer",
        "2023-08",
        _(
            "个人信息处理规则：您填写的姓名、身份证号码、手机号码等信息仅用于本次志愿者招募、"
            "面试、录用、排班和服务时长记录；公示时姓名和证件号码脱敏；活动结束后按规定期限保存。"
        ),
    ),
]
NOTICES = {(n.kind, n.version): n for n in _NOTICES}


def current(kind: str) -> Notice:
    """The newest version of a kind of notice (the last one listed)."""
    return [n for n in _NOTICES if n.kind == kind][-1]


def seen(kind: str, version: str | None) -> Notice | None:
    """The notice a form says it showed, if that version exists."""
    if not version:
        return current(kind)
    return NOTICES.get((kind, version))
