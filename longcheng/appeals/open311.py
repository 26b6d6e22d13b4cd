"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2), in JSON and XML.

Services are the dispatch catalogue's categories; a service request is an appeal (its id is
the matter number); the token is the appeal's tracking code. Reads are public and carry no
personal data; POST needs an `api_key` issued by the system administrator, and every request
made with a key is recorded against it. A POST keeps the reporter's name and phone only when
the client says it showed the personal-information notice (`privacy_notice_shown`,
`privacy_notice_version`); otherwise the appeal is kept without them (docs/open311.md)."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from longcheng.audit.context import client_ip
from longcheng.core import notices, ratelimit
from longcheng.core.calendar import PROVISIONAL_LABEL, is_provisional
from longcheng.core.errors import LongchengError
from longcheng.core.pii import mask_personal_data
from longcheng.loop.models import Category
from longcheng.loop.workflow import PUBLIC_CHANNELS, Status

from . import services
from .forms import Open311QueryForm, Open311Refused, Open311RequestForm
from .models import Appeal
from .places import public_degrees

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"
CLOSED = {Status.ANSWERED, Status.CLOSED, Status.ARCHIVED, Status.MERGED}
MAX_RESULTS = 1000
DEFAULT_WINDOW = datetime.timedelta(days=90)
ATTRIBUTES = [
    {
        "variable": True,
        "code": "enterprise_name",
        "datatype": "string",
        "required": False,
        "datatype_description": "企业全称",
        "order": 1,
        "description": "代表企业反映时填写企业名称",
        "values": [],
    },
    {
        "variable": True,
        "code": "credit_code",
        "datatype": "string",
        "required": False,
        "datatype_description": "18位统一社会信用代码",
        "order": 2,
        "description": "企业的统一社会信用代码",
        "values": [],
    },
]


# A refusal with the status the spec gives it (raised by the parameter forms too).
Open311Error = Open311Refused


# — Rendering —


def _xml_value(parent, key, value):
    element = ET.SubElement(parent, key)
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, list):
        singular = {
            "attributes": "attribute",
            "values": "value",
            "formats": "format",
            "endpoints": "endpoint",
            "keywords": "keyword",
        }.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                child = ET.SubElement(element, singular)
                for k, v in item.items():
                    _xml_value(child, k, v)
            else:
                ET.SubElement(element, singular).text = str(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(element, k, v)
    elif value is not None:
        element.text = str(value)
    return element


def _respond(fmt: str, data, *, root: str, item: str | None, status: int = 200):
    if fmt == "json":
        return JsonResponse(
            data, safe=False, status=status, json_dumps_params={"ensure_ascii": False}
        )
    tree = ET.Element(root)
    if item is None:
        for k, v in data.items():
            _xml_value(tree, k, v)
    else:
        for row in data:
            element = ET.SubElement(tree, item)
            for k, v in row.items():
                _xml_value(element, k, v)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(tree, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _error(fmt: str, status: int, description: str):
    return _respond(
        fmt,
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# — Resources —


def _discovery(request):
    base = request.build_absolute_uri("/open311/v2/")
    return {
        "changeset": CHANGESET,
        "contact": "12345 政务服务便民热线",
        "key_service": "向系统管理员申请 api_key",
        # Extension (PIPL art. 17): the notice a client shows before sending name and phone,
        # and the version it then sends back as privacy_notice_version (docs/open311.md).
        "privacy_policy": request.build_absolute_uri(reverse("privacy:policy")),
        "privacy_notice_version": notices.current("appeal").version,
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _service(category: Category) -> dict:
    parent = Category.objects.get_parent(category)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": parent.name if parent else category.name,
    }


def _request(appeal: Appeal) -> dict:
    matter = appeal.matter
    closed = matter.status in CLOSED
    provisional = not closed and is_provisional(matter.handle_deadline)
    notes = matter.get_status_display()
    if closed and matter.answer_text:
        notes = f"{notes}：{mask_personal_data(matter.answer_text)}"
    return {
        "service_request_id": matter.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": matter.category.name if matter.category else None,
        "service_code": matter.category.code if matter.category else None,
        "description": mask_personal_data(matter.description),
        "agency_responsible": matter.lead_unit.name if matter.lead_unit else None,
        "service_notice": str(PROVISIONAL_LABEL) if provisional else None,
        "requested_datetime": _iso(matter.received_at),
        "updated_datetime": _iso(matter.updated_at),
        "expected_datetime": _iso(matter.handle_deadline),
        # Extension: the expected date counted over a year without its official schedule.
        "expected_datetime_provisional": provisional,
        "address": matter.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": public_degrees(matter.latitude),
        "long": public_degrees(matter.longitude),
        "media_url": None,
    }


def public_appeals():
    """What Open311 lists and finds: appeals filed through a public channel, nothing else."""
    return Appeal.objects.filter(matter__channel__in=PUBLIC_CHANNELS).select_related(
        "matter", "matter__category", "matter__lead_unit"
    )


def _get_requests(query: Open311QueryForm) -> list[dict]:
    params = query.parsed()
    appeals = public_appeals()
    if params["service_request_id"]:
        return [
            _request(a) for a in appeals.filter(matter__number__in=params["service_request_id"])
        ]
    start, end = params["start_date"], params["end_date"]
    if start is None and end is None:
        start = timezone.now() - DEFAULT_WINDOW
    if start:
        appeals = appeals.filter(matter__received_at__gte=start)
    if end:
        appeals = appeals.filter(matter__received_at__lte=end)
    if params["service_code"]:
        appeals = appeals.filter(matter__category__code__in=params["service_code"])
    wanted = params["status"]
    if wanted == {"open"}:
        appeals = appeals.exclude(matter__status__in=list(CLOSED))
    elif wanted == {"closed"}:
        appeals = appeals.filter(matter__status__in=list(CLOSED))
    return [_request(a) for a in appeals.order_by("-matter__received_at")[:MAX_RESULTS]]


def _post_request(request) -> list[dict]:
    form = Open311RequestForm(request.POST)
    form.parsed()
    key = form.cleaned_data["api_key"]
    if not ratelimit.hit("open311-key", key.prefix, settings.LONGCHENG_OPEN311_LIMIT_PER_KEY):
        raise Open311Error(429, "too many requests for this api_key; retry later")
    appeal = services.appeal_submit_by_api(
        draft=form.draft(),
        api_key=key,
        ip=client_ip(request),
        personal_data_dropped=form.personal_data_dropped,
    )
    notice = "已受理，可凭编号查询办理进度。"
    if form.personal_data_dropped:
        notice += (
            "未确认已向反映人展示个人信息告知（privacy_notice_shown），"
            "姓名、电话和电子邮箱均未保存，该诉求无法回访。"
        )
    return [
        {
            "service_request_id": appeal.matter.number,
            "token": appeal.tracking_code,
            "service_notice": notice,
            "account_id": None,
            # Extension: whether the reporter's name and phone were kept (docs/open311.md).
            "personal_data_kept": bool(appeal.matter.reporter_phone),
        }
    ]


# — The endpoint —


@csrf_exempt
@require_http_methods(["GET", "POST"])
def open311(request, resource: str, fmt: str, ident: str | None = None):
    query = Open311QueryForm(request.GET)
    try:
        if not query.is_valid() and "jurisdiction_id" in query.errors:
            raise Open311Error(404, "jurisdiction_id not found")
        if resource == "discovery":
            return _respond(fmt, _discovery(request), root="discovery", item=None)
        if resource == "services" and ident is None:
            categories = Category.objects.filter(is_active=True).order_by("path")
            return _respond(fmt, [_service(c) for c in categories], root="services", item="service")
        if resource == "services":
            category = Category.objects.filter(code=ident, is_active=True).first()
            if category is None:
                raise Open311Error(404, f"service_code {ident} not found")
            return _respond(
                fmt,
                {"service_code": category.code, "attributes": ATTRIBUTES},
                root="service_definition",
                item=None,
            )
        if resource == "requests" and ident is None:
            if request.method == "POST":
                return _respond(
                    fmt, _post_request(request), root="service_requests", item="request", status=201
                )
            return _respond(fmt, _get_requests(query), root="service_requests", item="request")
        if resource == "requests":
            appeal = public_appeals().filter(matter__number=ident).first()
            if appeal is None:
                raise Open311Error(404, f"service_request_id {ident} not found")
            return _respond(fmt, [_request(appeal)], root="service_requests", item="request")
        if resource == "tokens":
            appeal = public_appeals().filter(tracking_code=ident).first()
            if appeal is None:
                raise Open311Error(404, f"token {ident} not found")
            return _respond(
                fmt,
                [{"service_request_id": appeal.matter.number, "token": ident}],
                root="service_requests",
                item="request",
            )
        raise Open311Error(404, "no such resource")
    except Open311Error as error:
        return _error(fmt, error.status, error.description)
    except LongchengError as error:
        return _error(fmt, 400, error.message)
