import datetime
import math

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.roles import Role
from longcheng.core import notices
from longcheng.core.models import Unit
from longcheng.core.validators import (
    CreditCodeChecksumWarning,
    validate_credit_code,
    validate_mobile,
)
from longcheng.loop.emergency import emergency_on, limit_category_field
from longcheng.loop.forms import CategoryChoiceField, MultipleFileField
from longcheng.loop.models import Category
from longcheng.loop.workflow import Channel
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import DayField, RecordIdField, record_id

from .models import TRACKING_ALPHABET, AgendaItem, ApiKey, CommitteeMeeting
from .places import Box, parse_point
from .services import AppealDraft

User = get_user_model()


def _point_fields() -> tuple[forms.CharField, forms.CharField]:
    """The pin's two hidden inputs (WGS-84 degrees, filled by static/js/pin-form.js)."""
    return (
        forms.CharField(required=False, max_length=40, widget=forms.HiddenInput),
        forms.CharField(required=False, max_length=40, widget=forms.HiddenInput),
    )


def _clean_point(form: forms.Form, cleaned: dict) -> None:
    """The pin, checked: a place in the city (or at least in China), or no pin at all. A bad
    pin is reported on `latitude`, shown under the map."""
    lat, lng, error = parse_point(cleaned.get("latitude") or "", cleaned.get("longitude") or "")
    cleaned["latitude"], cleaned["longitude"] = lat, lng
    if error:
        form.add_error("latitude", error)


class PublicAppealForm(forms.Form):
    """The phone form: plain words, every field capped, photos checked by content later."""

    category = CategoryChoiceField(
        label=_("问题类型"),
        required=False,
        empty_label=_("不确定，由工作人员分类"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
    )
    description = forms.CharField(
        label=_("遇到了什么问题"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultipleFileField(label=_("照片（最多 5 张）"), required=False)
    # Where: a pin on the map (or the phone's location), a typed address, both or neither.
    address = forms.CharField(label=_("地点（选填）"), max_length=200, required=False)
    latitude, longitude = _point_fields()
    reporter_name = forms.CharField(label=_("称呼"), max_length=30, required=False)
    reporter_phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    anonymous = forms.BooleanField(label=_("匿名反映（不留联系方式，不回访）"), required=False)
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息告知》"), required=False)
    notice_version = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 应急模式: only the emergency's categories, with a banner (`form.emergency`).
        self.emergency = emergency_on()
        if self.emergency is not None:
            limit_category_field(self.fields["category"], self.emergency)

    def clean_reporter_phone(self):
        phone = self.cleaned_data.get("reporter_phone", "")
        return validate_mobile(phone) if phone else ""

    def clean_credit_code(self):
        raw = self.cleaned_data.get("credit_code", "")
        if not raw:
            return ""
        try:
            return validate_credit_code(raw)
        except CreditCodeChecksumWarning:
            raise ValidationError(_("统一社会信用代码校验不通过，请核对营业执照。")) from None

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > settings.LONGCHENG_APPEAL_MAX_PHOTOS:
            raise ValidationError(
                _("最多上传 %(n)d 张照片。") % {"n": settings.LONGCHENG_APPEAL_MAX_PHOTOS}
            )
        return photos

    def draft(self, **how) -> AppealDraft:
        """The appeal as typed; `how` adds what the page knows (point, channel, ...)."""
        data = self.cleaned_data
        return AppealDraft(
            description=data["description"],
            category=data["category"],
            photos=tuple(data["photos"]),
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            enterprise_name=data["enterprise_name"],
            credit_code=data["credit_code"],
            anonymous=data["anonymous"],
            consent=data["consent"],
            consent_notice=data["notice_version"],
            submission_key=data["submission_key"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            **how,
        )

    def clean(self):
        cleaned = super().clean()
        _clean_point(self, cleaned)
        anonymous = cleaned.get("anonymous")
        if anonymous:
            cleaned["reporter_name"] = cleaned["reporter_phone"] = ""
        elif not cleaned.get("reporter_phone"):
            self.add_error(
                "reporter_phone", _("请留下手机号码以便回访；不愿留的，请勾选“匿名反映”。")
            )
        elif not cleaned.get("consent"):
            self.add_error("consent", _("留下联系方式前，请阅读并同意个人信息告知。"))
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12)
    phone_last4 = forms.CharField(
        label=_("手机号后四位（实名反映时填写）"), max_length=4, required=False
    )


class TrackLinkForm(forms.Form):
    """?code= of a kept tracking link: a well-formed code or nothing."""

    code = forms.CharField(max_length=12)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if len(code) != 10 or any(c not in TRACKING_ALPHABET for c in code):
            raise ValidationError(_("查询码格式不正确。"))
        return code


class PublicOptOutForm(forms.Form):
    """不再接收短信通知: the button on the confirmation page."""

    confirm = forms.BooleanField(label=_("确认不再接收"), required=True)


class PublicRateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("您对办理结果"),
        choices=[
            ("satisfied", _("满意")),
            ("basically", _("基本满意")),
            ("dissatisfied", _("不满意")),
        ],
        widget=forms.RadioSelect,
    )
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        coerce=lambda v: v == "1",
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("还想说的话"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffIntakeForm(BootstrapFormMixin, PublicAppealForm):
    """Hotline, window or WeChat-group intake by a clerk, channel kept."""

    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[
            (Channel.HOTLINE, Channel.HOTLINE.label),
            (Channel.WINDOW, Channel.WINDOW.label),
            (Channel.WECHAT_GROUP, Channel.WECHAT_GROUP.label),
        ],
    )
    fallback_window = forms.BooleanField(label=_("办不成事窗口兜底"), required=False)

    field_order = ["channel", "fallback_window"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _("诉求人已知悉个人信息告知")

    def draft(self, **how) -> AppealDraft:
        return super().draft(
            channel=self.cleaned_data["channel"],
            fallback_window=self.cleaned_data["fallback_window"],
            **how,
        )


class FiguresPeriodForm(forms.Form):
    """?start=&end= of the public figures; a bad day is left out (the current month)."""

    start = DayField(required=False)
    end = DayField(required=False)

    def params(self) -> dict[str, str]:
        self.is_valid()
        days = getattr(self, "cleaned_data", {})
        return {name: days[name].isoformat() for name in ("start", "end") if days.get(name)}


class FollowForm(forms.Form):
    """The public form's answer to "a similar problem is being handled": follow that one
    (`follow`, a matter offered on the page) or file a new one (`confirm_new`)."""

    confirm_new = forms.CharField(required=False, max_length=10)
    follow = forms.CharField(required=False, max_length=30)


def _query_message(form: forms.Form) -> str:
    """A query's errors as one plain sentence (each said once)."""
    said = dict.fromkeys(str(e) for errors in form.errors.values() for e in errors)
    return " ".join(said)


_POINT_QUERY_ERRORS = {
    "required": _("请提供位置的纬度和经度。"),
    "max_length": _("位置格式不正确，请在地图上重新点选。"),
}


class PlaceQueryForm(forms.Form):
    """?lat=&lng= of the phone form's "where is this" lookup (WGS-84)."""

    lat = forms.CharField(max_length=40, error_messages=_POINT_QUERY_ERRORS)
    lng = forms.CharField(max_length=40, error_messages=_POINT_QUERY_ERRORS)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        lat, lng, error = parse_point(cleaned["lat"], cleaned["lng"])
        if error:
            raise ValidationError(error)
        cleaned["lat"], cleaned["lng"] = float(lat), float(lng)
        return cleaned

    def message(self) -> str:
        return _query_message(self)


class PublicMapForm(forms.Form):
    """?bbox=west,south,east,north of the public map's view (WGS-84 degrees, as Leaflet's
    toBBoxString gives it)."""

    bbox = forms.CharField(
        max_length=200,
        error_messages={
            "required": _("缺少地图范围（bbox）。"),
            "max_length": _("地图范围应为“西,南,东,北”四个经纬度数值。"),
        },
    )

    def clean_bbox(self):
        parts = self.cleaned_data["bbox"].split(",")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise ValidationError(_("地图范围应为“西,南,东,北”四个经纬度数值。")) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ValidationError(_("地图范围应为“西,南,东,北”四个经纬度数值。"))
        # A map zoomed far out may reach past the world's edges: keep the world.
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -90.0), min(north, 90.0)
        if not (west < east and south < north):
            raise ValidationError(_("地图范围不正确：西须小于东，南须小于北。"))
        return Box(west=west, south=south, east=east, north=north)

    def message(self) -> str:
        return _query_message(self)


class SupervisorReportForm(BootstrapFormMixin, forms.Form):
    category = CategoryChoiceField(
        label=_("问题类型"),
        empty_label=_("请选择"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        error_messages={
            "required": _("请选择问题类型。"),
            "invalid_choice": _("请从列表中选择问题类型。"),
        },
    )
    # The place: typed, or pinned on the map (then the typed address is optional).
    address = forms.CharField(
        label=_("地点"),
        max_length=200,
        required=False,
        help_text=_(
            "例如：小店区政务服务中心二楼、长治路与南中环交叉口；也可以在下方地图上标出位置"
        ),
    )
    latitude, longitude = _point_fields()
    description = forms.CharField(
        label=_("反映的问题"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    enterprise_name = forms.CharField(label=_("代表的企业"), max_length=100, required=False)
    photos = StaffIntakeForm.base_fields["photos"]
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean(self):
        cleaned = super().clean()
        _clean_point(self, cleaned)
        if "latitude" not in self.errors and not cleaned.get("address"):
            if cleaned.get("latitude") is None:
                self.add_error("address", _("请填写问题发生的地点，或在地图上标出位置。"))
        return cleaned

    def draft(self, *, user) -> AppealDraft:
        data = self.cleaned_data
        supervisor = user.supervisor
        return AppealDraft(
            description=data["description"],
            category=data["category"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            photos=tuple(data["photos"]),
            reporter_name=user.full_name,
            reporter_phone=user.phone,
            enterprise_name=data["enterprise_name"],
            credit_code=supervisor.enterprise.credit_code if supervisor.enterprise else "",
            consent=True,
            submission_key=data["submission_key"],
            channel=Channel.SUPERVISOR,
            supervisor=supervisor,
        )


class MeetingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    held_on = DayField(label=_("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("参会人员"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    other_attendees = forms.CharField(label=_("其他参会人员"), max_length=300, required=False)

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The committee's own staff, the special supervisors and department leaders.
        self.fields["attendees"].queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(unit=committee) | Q(role__in=[Role.SUPERVISOR, Role.LEADER]))
            .order_by("role", "full_name")
        )


class DecisionForm(BootstrapFormMixin, forms.Form):
    lead_unit = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
    )
    deadline = DayField(label=_("办结期限"), widget=forms.DateInput(attrs={"type": "date"}))
    instructions = forms.CharField(
        label=_("会议决定"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingStepForm(forms.Form):
    """Which button of the meeting page was pressed: `add` a matter or `decide` an item."""

    add = forms.CharField(required=False, max_length=30)
    decide = forms.CharField(required=False, max_length=30)

    def step(self) -> str:
        if not self.is_valid():
            return ""
        if self.cleaned_data["add"]:
            return "add"
        return "decide" if self.cleaned_data["decide"] else ""


class AgendaAddForm(forms.Form):
    add = RecordIdField(label=_("议题事项"))
    reason = forms.CharField(label=_("列入理由"), required=False)

    def clean_reason(self):
        return self.cleaned_data["reason"][:200]

    def clean_add(self):
        from longcheng.loop.models import Matter

        matter = Matter.objects.filter(pk=self.cleaned_data["add"], appeal__isnull=False).first()
        if matter is None:
            raise ValidationError(_("所选事项不存在或不是营商环境诉求。"))
        return matter


class AgendaDecideForm(forms.Form):
    """The item (`decide`) and its decision, whose fields carry the item's prefix."""

    decide = RecordIdField(label=_("议题"))

    def __init__(self, data=None, *args, meeting: CommitteeMeeting, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.meeting = meeting
        item_id = record_id((data or {}).get("decide"))
        self.decision = DecisionForm(data, prefix=f"item{item_id}") if item_id else None

    def clean_decide(self):
        item = AgendaItem.objects.filter(pk=self.cleaned_data["decide"], meeting=self.meeting)
        if not item.exists():
            raise ValidationError(_("该议题不属于本次会议。"))
        return item.get()

    def clean(self):
        cleaned = super().clean()
        if self.decision is None or not self.decision.is_valid():
            raise ValidationError(_("请完整填写主办单位、办结期限和会议决定。"))
        cleaned.update(self.decision.cleaned_data)
        return cleaned


class ApiKeyIssueForm(forms.Form):
    name = forms.CharField(
        label=_("调用方名称"), error_messages={"required": _("请填写调用方名称。")}
    )

    def clean_name(self):
        return self.cleaned_data["name"][:100]


class ApiKeyRevokeForm(forms.Form):
    revoke = forms.ModelChoiceField(label=_("密钥"), queryset=ApiKey.objects.all())


# — Open311 GeoReport v2: the parameters of a request, each error with the spec's status —


class Open311Refused(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def _open311_refusal(form: forms.BaseForm, order: list[tuple[str, int]]) -> Open311Refused:
    for name, status in order:
        if name in form.errors:
            return Open311Refused(status, " ".join(form.errors[name]))
    return Open311Refused(400, " ".join(" ".join(e) for e in form.errors.values()))


class W3CDateTimeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                f"{self.label} must be a W3C date-time, e.g. 2023-08-16T09:00:00+08:00"
            ) from None
        return moment if moment.tzinfo else timezone.make_aware(moment)


def _list(value: str) -> list[str]:
    return [v for v in value.split(",") if v] if value else []


class Open311QueryForm(forms.Form):
    """GET parameters of the list of requests (and the jurisdiction of every resource)."""

    jurisdiction_id = forms.CharField(required=False, max_length=100)
    service_request_id = forms.CharField(required=False, max_length=4000)
    start_date = W3CDateTimeField(label="start_date", required=False, max_length=40)
    end_date = W3CDateTimeField(label="end_date", required=False, max_length=40)
    service_code = forms.CharField(required=False, max_length=1000)
    status = forms.CharField(required=False, max_length=20)

    def clean_jurisdiction_id(self):
        value = self.cleaned_data["jurisdiction_id"]
        if value and value != settings.OPEN311_JURISDICTION:
            raise ValidationError("jurisdiction_id not found")
        return value

    def clean_status(self):
        wanted = set(_list(self.cleaned_data["status"]))
        if not wanted <= {"open", "closed"}:
            raise ValidationError("status must be open, closed or open,closed")
        return wanted

    def clean_service_request_id(self):
        return _list(self.cleaned_data["service_request_id"])

    def clean_service_code(self):
        return _list(self.cleaned_data["service_code"])

    def parsed(self) -> dict:
        if not self.is_valid():
            raise _open311_refusal(
                self,
                [("jurisdiction_id", 404), ("end_date", 400), ("start_date", 400)],
            )
        return self.cleaned_data


class Open311RequestForm(forms.Form):
    """POST /requests: an appeal from a key holder's system."""

    api_key = forms.CharField(required=False, max_length=200)
    jurisdiction_id = forms.CharField(required=False, max_length=100)
    service_code = forms.CharField(required=False, max_length=100)
    lat = forms.CharField(required=False, max_length=40)
    long = forms.CharField(required=False, max_length=40)
    address_string = forms.CharField(required=False)
    address_id = forms.CharField(required=False, max_length=100)
    description = forms.CharField(required=False, strip=True)
    phone = forms.CharField(required=False, max_length=40)
    email = forms.CharField(required=False, max_length=254)  # accepted, never stored
    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(required=False, max_length=100)
    # Extension (PIPL art. 17): the client showed the person the appeal notice of this
    # version (discovery's `privacy_notice_version`) before taking their name and phone.
    # Without it the request is accepted but no personal data is kept (docs/open311.md).
    privacy_notice_shown = forms.CharField(required=False, max_length=10)
    privacy_notice_version = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attribute[enterprise_name]"] = forms.CharField(required=False)
        self.fields["attribute[credit_code]"] = forms.CharField(required=False, max_length=100)

    def clean_api_key(self):
        from .tokens import api_key_lookup

        key = api_key_lookup(self.cleaned_data["api_key"])
        if key is None:
            raise ValidationError("api_key is missing, unknown or revoked")
        return key

    def clean_jurisdiction_id(self):
        value = self.cleaned_data["jurisdiction_id"]
        if value and value != settings.OPEN311_JURISDICTION:
            raise ValidationError("jurisdiction_id not found")
        return value

    def clean_service_code(self):
        category = Category.objects.filter(
            code=self.cleaned_data["service_code"], is_active=True
        ).first()
        if category is None:
            raise ValidationError("service_code is required and must be one of GET services")
        return category

    def _degrees(self, name: str) -> float | None:
        value = self.cleaned_data[name]
        if not value:
            return None
        try:
            degrees = round(float(value), 6)
        except ValueError:
            raise ValidationError("lat and long must be decimal degrees") from None
        if degrees != degrees or degrees in (float("inf"), float("-inf")):
            raise ValidationError("lat and long must be decimal degrees")
        return degrees

    def clean_lat(self):
        return self._degrees("lat")

    def clean_long(self):
        return self._degrees("long")

    def clean_address_string(self):
        return self.cleaned_data["address_string"][:200]

    def clean_description(self):
        description = self.cleaned_data["description"]
        if not 10 <= len(description) <= 4000:
            raise ValidationError("description is required (10 to 4000 characters)")
        return description

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        try:
            return validate_mobile(phone)
        except Exception:
            raise ValidationError("phone must be an 11-digit mobile number") from None

    def clean_privacy_notice_shown(self):
        value = self.cleaned_data["privacy_notice_shown"].strip().lower()
        if value not in {"", "true", "false", "1", "0"}:
            raise ValidationError("privacy_notice_shown must be true or false")
        return value in {"true", "1"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("privacy_notice_shown"):
            version = cleaned.get("privacy_notice_version", "")
            if notices.seen("appeal", version) is None or not version:
                self.add_error(
                    "privacy_notice_version",
                    "privacy_notice_version must name the notice shown: the current one is "
                    f"{notices.current('appeal').version} (see discovery)",
                )
        credit_code = (cleaned.get("attribute[credit_code]") or "").strip()
        if credit_code:
            try:
                cleaned["attribute[credit_code]"] = validate_credit_code(credit_code)
            except Exception:
                self.add_error(
                    "attribute[credit_code]", "attribute[credit_code] is not a valid credit code"
                )
        lat, lon = cleaned.get("lat"), cleaned.get("long")
        if "lat" in self.errors or "long" in self.errors:
            return cleaned
        if (lat is None or lon is None) and not cleaned.get("address_string"):
            if not cleaned.get("address_id"):
                self.add_error(None, "a location is required: lat and long, or address_string")
        elif lat is not None and lon is not None:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.add_error("lat", "lat or long is out of range")
        return cleaned

    def parsed(self) -> dict:
        if not self.is_valid():
            raise _open311_refusal(
                self,
                [
                    ("api_key", 403),
                    ("jurisdiction_id", 404),
                    ("service_code", 400),
                    (NON_FIELD_ERRORS, 400),  # no location
                    ("lat", 400),
                    ("long", 400),
                    ("description", 400),
                    ("phone", 400),
                    ("privacy_notice_shown", 400),
                    ("privacy_notice_version", 400),
                    ("attribute[credit_code]", 400),
                ],
            )
        return self.cleaned_data

    @property
    def notice_shown(self) -> bool:
        return bool(self.cleaned_data.get("privacy_notice_shown"))

    @property
    def personal_data_dropped(self) -> bool:
        """Name, phone or e-mail sent without the notice: accepted, not kept (PIPL art. 17)."""
        data = self.cleaned_data
        sent = any(data[k] for k in ("phone", "email", "first_name", "last_name"))
        return sent and not self.notice_shown

    def draft(self) -> AppealDraft:
        data = self.cleaned_data
        shown = self.notice_shown
        phone = data["phone"] if shown else ""
        name = " ".join(filter(None, [data["last_name"], data["first_name"]])) if shown else ""
        return AppealDraft(
            description=data["description"],
            category=data["service_code"],
            reporter_name=name[:50],
            reporter_phone=phone,
            anonymous=not phone,
            consent=bool(phone),
            consent_notice=data["privacy_notice_version"] if phone else "",
            enterprise_name=data["attribute[enterprise_name]"][:100],
            credit_code=data["attribute[credit_code]"],
            channel=Channel.PUBLIC_FORM,
            api_key=data["api_key"],
            address=data["address_string"],
            latitude=data["lat"],
            longitude=data["long"],
        )
