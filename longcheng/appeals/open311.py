"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2), in JSON and XML.

Services are the dispatch catalogue's categories; a service request is an appeal (its id is
the matter number); the token is the appeal's tracking code. Reads are public and carry no
personal data; POST needs an `api_key` issued by the system administrator, and every request
made with a key is recorded against it."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from longcheng.audit.context import client_ip
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import ratelimit
from longcheng.core.calendar import PROVISIONAL_LABEL, is_provisional
from longcheng.core.errors import LongchengError
from longcheng.core.pii import mask_personal_data
from longcheng.core.validators import validate_credit_code, validate_mobile
from longcheng.loop.models import Category
from longcheng.loop.workflow import PUBLIC_CHANNELS, Channel, Status

from . import services
from .models import Appeal

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


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


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
        "lat": float(matter.latitude) if matter.latitude is not None else None,
        "long": float(matter.longitude) if matter.longitude is not None else None,
        "media_url": None,
    }


def _parse_date(value: str, name: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C date-time, e.g. 2023-08-16T09:00:00+08:00"
        ) from None
    return moment if moment.tzinfo else timezone.make_aware(moment)


def public_appeals():
    """What Open311 lists and finds: appeals filed through a public channel, nothing else."""
    return Appeal.objects.filter(matter__channel__in=PUBLIC_CHANNELS).select_related(
        "matter", "matter__category", "matter__lead_unit"
    )


def _get_requests(params) -> list[dict]:
    appeals = public_appeals()
    ids = params.get("service_request_id")
    if ids:
        return [_request(a) for a in appeals.filter(matter__number__in=ids.split(","))]
    end = _parse_date(params["end_date"], "end_date") if params.get("end_date") else None
    start = _parse_date(params["start_date"], "start_date") if params.get("start_date") else None
    if start is None and end is None:
        start = timezone.now() - DEFAULT_WINDOW
    if start:
        appeals = appeals.filter(matter__received_at__gte=start)
    if end:
        appeals = appeals.filter(matter__received_at__lte=end)
    if params.get("service_code"):
        appeals = appeals.filter(matter__category__code__in=params["service_code"].split(","))
    status = params.get("status")
    if status:
        wanted = set(status.split(","))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or open,closed")
        if wanted == {"open"}:
            appeals = appeals.exclude(matter__status__in=list(CLOSED))
        elif wanted == {"closed"}:
            appeals = appeals.filter(matter__status__in=list(CLOSED))
    return [_request(a) for a in appeals.order_by("-matter__received_at")[:MAX_RESULTS]]


def _post_request(request) -> list[dict]:
    params = request.POST
    key = services.api_key_lookup(params.get("api_key", ""))
    if key is None:
        raise Open311Error(403, "api_key is missing, unknown or revoked")
    if params.get("jurisdiction_id") and params["jurisdiction_id"] != settings.OPEN311_JURISDICTION:
        raise Open311Error(404, "jurisdiction_id not found")
    category = Category.objects.filter(code=params.get("service_code", ""), is_active=True).first()
    if category is None:
        raise Open311Error(400, "service_code is required and must be one of GET services")
    lat, lon = params.get("lat", ""), params.get("long", "")
    address = params.get("address_string", "").strip()[:200]
    if not (lat and lon) and not address and not params.get("address_id"):
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    try:
        latitude = round(float(lat), 6) if lat else None
        longitude = round(float(lon), 6) if lon else None
    except ValueError:
        raise Open311Error(400, "lat and long must be decimal degrees") from None
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Open311Error(400, "lat or long is out of range")
    description = params.get("description", "").strip()
    if not 10 <= len(description) <= 4000:
        raise Open311Error(400, "description is required (10 to 4000 characters)")
    phone = params.get("phone", "").strip()
    if phone:
        try:
            phone = validate_mobile(phone)
        except Exception:
            raise Open311Error(400, "phone must be an 11-digit mobile number") from None
    if not ratelimit.hit("open311-key", key.prefix, settings.LONGCHENG_OPEN311_LIMIT_PER_KEY):
        raise Open311Error(429, "too many requests for this api_key; retry later")
    credit_code = params.get("attribute[credit_code]", "").strip()
    if credit_code:
        try:
            credit_code = validate_credit_code(credit_code)
        except Exception:
            raise Open311Error(400, "attribute[credit_code] is not a valid credit code") from None
    name = " ".join(filter(None, [params.get("last_name", ""), params.get("first_name", "")]))
    with transaction.atomic():
        appeal, _created = services.appeal_submit(
            description=description,
            category=category,
            reporter_name=name[:50],
            reporter_phone=phone,
            anonymous=not phone,
            consent=bool(phone),
            enterprise_name=params.get("attribute[enterprise_name]", "")[:100],
            credit_code=credit_code,
            channel=Channel.PUBLIC_FORM,
            api_key=key,
            address=address,
            latitude=latitude,
            longitude=longitude,
        )
        audit_record(
            actor=None,
            actor_repr=f"api:{key.prefix}",
            action=AuditAction.CREATE,
            target=appeal.matter,
            ip=client_ip(request),
            detail={"api_key": key.pk, "via": "open311"},
        )
    return [
        {
            "service_request_id": appeal.matter.number,
            "token": appeal.tracking_code,
            "service_notice": "已受理，可凭编号查询办理进度。",
            "account_id": None,
        }
    ]


# — The endpoint —


@csrf_exempt
@require_http_methods(["GET", "POST"])
def open311(request, resource: str, fmt: str, ident: str | None = None):
    try:
        if request.GET.get("jurisdiction_id") and (
            request.GET["jurisdiction_id"] != settings.OPEN311_JURISDICTION
        ):
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
            return _respond(
                fmt, _get_requests(request.GET), root="service_requests", item="request"
            )
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
