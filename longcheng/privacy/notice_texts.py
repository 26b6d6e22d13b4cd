"""The first published version of each form's personal-information notice (PIPL art. 17),
seeded by migration 0006 and by the demo. A published version is never edited: a changed text
is a new version (`services.privacy_notice_publish`)."""

import datetime

from django.conf import settings

# The first version of each form's notice. The public forms' versions are those of
# `core.notices` (the version the forms send back); the text of 2023-08 there is kept as the
# purposes, word for word, with the handler, the data collected and the rights added.
FIRST_VERSIONS = [
    {
        "key": "appeal",
        "version": "2023-08",
        "title": "反映诉求个人信息告知",
        "collected": "称呼、手机号码；代表企业反映时的企业名称和统一社会信用代码；您上传的照片。"
        "匿名反映时不收集称呼和手机号码。",
        "purposes": "您留下的称呼、手机号码和企业信息，仅用于办理本诉求和办结后的回访，"
        "由受理和承办单位依法保存，不向无关人员公开；页面上显示时均作遮挡处理，查看完整信息"
        "会留下记录。您可以选择匿名反映，但匿名诉求无法回访。",
    },
    {
        "key": "volunteer",
        "version": "2023-08",
        "title": "志愿者报名个人信息处理规则",
        "collected": "姓名、居民身份证号码（含出生日期和性别）、手机号码、所在单位或学校、"
        "外语水平、技能和证书、可服务日期、照片。",
        "purposes": "个人信息处理规则：您填写的姓名、身份证号码、手机号码等信息仅用于本次"
        "志愿者招募、面试、录用、排班和服务时长记录；公示时姓名和证件号码脱敏；活动结束后"
        "按规定期限保存。",
    },
    {
        "key": "data_request",
        "version": "2023-08",
        "title": "个人信息权利请求告知",
        "collected": "请求人姓名、手机号码，需要时居民身份证号码；请求内容。",
        "purposes": "仅用于核验您的身份、查找和办理平台保存的您的个人信息，并向您答复；"
        "身份核验和查看您的信息须由两名工作人员分别完成，每一步留有记录。",
    },
]


def first_versions() -> list[dict]:
    """The rows of the first versions, naming the handler and contact from the settings."""
    return [
        {
            **row,
            "handler": settings.LONGCHENG_PRIVACY_HANDLER,
            "contact": settings.LONGCHENG_PRIVACY_CONTACT,
            "effective_from": datetime.date(2023, 8, 1),
        }
        for row in FIRST_VERSIONS
    ]
