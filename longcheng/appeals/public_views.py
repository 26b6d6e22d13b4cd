"""Pages for citizens and enterprises on their phones: no account, small pages (no framework
CSS), every refusal in plain words, never a server error."""

import datetime
import secrets
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View

from longcheng.audit.context import client_ip
from longcheng.core import notices, offers, ratelimit
from longcheng.core.errors import LongchengError
from longcheng.core.models import Unit
from longcheng.loop import services as loop
from longcheng.loop.citizen_updates import matter_updates_opt_out
from longcheng.loop.duplicates import similar_open_matters
from longcheng.loop.metrics import period_from_request, received_count, unit_metrics
from longcheng.loop.models import Matter, UnitDayTally
from longcheng.loop.workflow import OPEN, MetricScope, Status

from . import services
from .forms import (
    FiguresPeriodForm,
    FollowForm,
    PlaceQueryForm,
    PublicAppealForm,
    PublicMapForm,
    PublicOptOutForm,
    PublicRateForm,
    TrackForm,
    TrackLinkForm,
)
from .models import Appeal, MonitoringPoint
from .places import open_problems_in, place_names
from .progress import expected_answer, plain_status, public_steps
from .selectors import track
from .tokens import matter_from_token, matter_token, point_from_token


def _too_many(request, phone: str = "") -> bool:
    ip_ok = ratelimit.hit(
        "appeal-ip", client_ip(request) or "", settings.LONGCHENG_APPEAL_LIMIT_PER_IP
    )
    phone_ok = ratelimit.hit("appeal-phone", phone, settings.LONGCHENG_APPEAL_LIMIT_PER_PHONE)
    return not (ip_ok and phone_ok)


FOLLOW_OFFER = "appeal-follow"


class PointMissing(Http404):
    """A QR code that is damaged, mistyped or of a point taken out of service."""


class SubmitView(View):
    template_name = "appeals/public/submit.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PointMissing:
            # Never a dead end: the citizen can still report, without the point's place.
            return render(request, "appeals/public/point_missing.html", status=404)

    def point(self) -> MonitoringPoint | None:
        token = self.kwargs.get("token")
        if token is None:
            return None
        point = point_from_token(token)
        if point is None:
            raise PointMissing(_("二维码无效或监测点已停用。"))
        return point

    def render_form(self, request, form, status=200, similar=None):
        point = self.point()
        division = point.division if point else None
        context = {
            "form": form,
            "point": point,
            "similar": similar,
            "notice": notices.current("appeal"),
            # The map opens on the point's division when the QR code names one.
            "place_center": (
                (division.label_lat, division.label_lng)
                if division and division.label_lat is not None
                else None
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, token=None):
        form = PublicAppealForm(initial={"submission_key": secrets.token_urlsafe(24)})
        return self.render_form(request, form)

    def post(self, request, token=None):
        point = self.point()
        form = PublicAppealForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        data = form.cleaned_data
        repeat = Appeal.objects.filter(submission_key=data["submission_key"]).first()
        if repeat:
            return redirect("appeals:public_done", code=repeat.tracking_code)
        follow = None
        choice = FollowForm(request.POST)
        choice.is_valid()
        follow_id = choice.cleaned_data.get("follow", "")
        if not choice.cleaned_data.get("confirm_new") and not follow_id:
            similar = similar_open_matters(
                text=data["description"],
                category=data["category"],
                division=point.division if point else None,
                address=point.address if point else "",
            )
            if similar:
                # "A similar problem is already being handled — follow it instead?" The offer
                # stays on the server: only a matter proposed here can be followed.
                offers.offer(request, FOLLOW_OFFER, [s.matter.pk for s in similar])
                return self.render_form(request, form, similar=similar)
        if follow_id:
            chosen = offers.taken(request, FOLLOW_OFFER, follow_id)
            follow = Matter.objects.filter(
                pk=chosen,
                master__isnull=True,
                status__in=list(OPEN | {Status.ANSWERED}),
            ).first()
            offers.withdraw(request, FOLLOW_OFFER)
        if _too_many(request, data["reporter_phone"]):
            form.add_error(None, _("提交过于频繁，请稍后再试。如情况紧急，请拨打12345热线。"))
            return self.render_form(request, form, status=429)
        try:
            appeal, _created = services.appeal_submit(draft=form.draft(point=point))
            if follow is not None and appeal.matter.status == Status.RECEIVED:
                # Following: the new appeal rides on the existing matter and gets its answer.
                loop.matter_merge(follower=appeal.matter, master=follow, actor=None)
        except LongchengError as error:
            form.add_error(
                "photos" if "文件" in error.message or "图片" in error.message else None,
                error.message,
            )
            return self.render_form(request, form, status=400)
        request.session[f"tracked:{appeal.tracking_code}"] = True
        return redirect("appeals:public_done", code=appeal.tracking_code)


def tracking_link(code: str) -> str:
    """The address a reporter keeps to follow the appeal: the tracking form with the code
    filled in (the phone's last four digits are still asked, except in this browser)."""
    path = reverse("appeals:public_track") + "?" + urlencode({"code": code})
    return settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + path


class DoneView(View):
    """Received: the code, when to expect the answer, and the tracking link to copy or keep."""

    def get(self, request, code):
        if not request.session.get(f"tracked:{code}"):
            return redirect("appeals:public_track")
        appeal = (
            Appeal.objects.select_related(
                "matter", "matter__lead_unit", "matter__category", "matter__master"
            )
            .filter(tracking_code=code)
            .first()
        )
        if appeal is None:  # a code in the session that names no appeal (any more)
            return redirect("appeals:public_track")
        link = tracking_link(code)
        expected = expected_answer(appeal.matter)
        return render(
            request,
            "appeals/public/done.html",
            {
                "code": code,
                "matter": appeal.matter,
                "expected": expected,
                "link": link,
                "qr": segno.make(link, error="m").svg_data_uri(scale=4, border=2),
                "saved_text": _saved_text(code, link, appeal.matter, expected),
            },
        )


def _saved_text(code, link, matter, expected) -> str:
    """The little text file the 保存 link downloads: enough to find the appeal again."""
    lines = [
        _("龙城诉求查询码：%(code)s") % {"code": code},
        _("事项编号：%(n)s") % {"n": matter.number},
        _("查询办理进度：%(link)s") % {"link": link},
    ]
    if expected is not None:
        day = formats.date_format(timezone.localtime(expected.answer_by), "DATE_FORMAT")
        lines.append(_("预计答复日期：%(day)s 前") % {"day": day})
    lines.append(_("紧急情况请拨打 12345 政务服务便民热线"))
    return "\r\n".join(str(line) for line in lines) + "\r\n"


class TrackView(View):
    def get(self, request):
        # A kept tracking link (?code=…) fills the code in; in the browser that submitted or
        # tracked it before, it opens the progress at once.
        link = TrackLinkForm(request.GET)
        code = link.cleaned_data["code"] if link.is_valid() else ""
        if code and request.session.get(f"tracked:{code}"):
            return redirect("appeals:public_status", code=code)
        form = TrackForm(initial={"code": code}) if code else TrackForm()
        return render(request, "appeals/public/track.html", {"form": form})

    def post(self, request):
        form = TrackForm(request.POST)
        if not form.is_valid():
            return render(request, "appeals/public/track.html", {"form": form}, status=400)
        if not ratelimit.hit("track-ip", client_ip(request) or "", "30/600"):
            form.add_error(None, _("查询过于频繁，请稍后再试。"))
            return render(request, "appeals/public/track.html", {"form": form}, status=429)
        appeal = track(form.cleaned_data["code"], form.cleaned_data["phone_last4"])
        if appeal is None:
            form.add_error(None, _("查询码或手机号后四位不正确。"))
            return render(request, "appeals/public/track.html", {"form": form}, status=404)
        request.session[f"tracked:{appeal.tracking_code}"] = True
        return redirect("appeals:public_status", code=appeal.tracking_code)


class StatusView(View):
    """Progress, the answer and, once answered, the rating — for whoever holds the code."""

    def appeal(self, request, code) -> Appeal:
        if not request.session.get(f"tracked:{code}"):
            raise Http404
        appeal = (
            Appeal.objects.select_related(
                "matter", "matter__lead_unit", "matter__master", "matter__master__lead_unit"
            )
            .filter(tracking_code=code)
            .first()
        )
        if appeal is None:
            raise Http404
        return appeal

    def render_status(self, request, appeal, form=None, status=200):
        matter = appeal.matter
        return render(
            request,
            "appeals/public/status.html",
            {
                "appeal": appeal,
                "matter": matter,
                # A merged appeal is handled, and answered, with the matter it joined.
                "handling": matter.master or matter,
                "plain_status": plain_status(matter),
                "expected": expected_answer(matter),
                "steps": public_steps(matter),
                "form": form or (PublicRateForm() if matter.status == Status.ANSWERED else None),
                **_updates_context(matter),
            },
            status=status,
        )

    def get(self, request, code):
        return self.render_status(request, self.appeal(request, code))

    def post(self, request, code):
        appeal = self.appeal(request, code)
        form = PublicRateForm(request.POST)
        if not form.is_valid():
            return self.render_status(request, appeal, form, status=400)
        try:
            services.appeal_rate_by_reporter(
                appeal=appeal,
                rating=form.cleaned_data["rating"],
                resolved=form.cleaned_data["resolved"],
                note=form.cleaned_data["note"],
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.render_status(request, appeal, form, status=409)
        appeal.matter.refresh_from_db()
        return redirect(reverse("appeals:public_status", args=[code]) + "?rated=1")


# — The reporter's own link (告知诉求人) —


def matter_link(matter: Matter) -> str:
    """The short link the messages to the reporter carry (registered with the loop)."""
    path = reverse("appeals:public_matter", args=[matter_token(matter)])
    return settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + path


def _updates_context(matter: Matter) -> dict:
    """不再接收短信通知, on the progress page of a reporter who can receive messages."""
    if matter.anonymous or not matter.reporter_phone:
        return {}
    return {
        "opted_out": matter.updates_opt_out,
        "stop_url": reverse("appeals:public_opt_out", args=[matter_token(matter)]),
    }


def _linked_matter(token: str) -> Matter:
    matter = matter_from_token(token)
    if matter is None or matter.anonymous:
        raise Http404
    return matter


class MatterLinkView(View):
    """The link in a message: the phone that received it opens the progress at once. A matter
    with an appeal opens the appeal's page; one without (a hotline call) is shown here, with
    the rating once it is answered."""

    def render_status(self, request, matter, form=None, status=200):
        return render(
            request,
            "appeals/public/status.html",
            {
                "appeal": None,
                "matter": matter,
                "handling": matter.master or matter,
                "plain_status": plain_status(matter),
                "expected": expected_answer(matter),
                "steps": public_steps(matter),
                "form": form or (PublicRateForm() if matter.status == Status.ANSWERED else None),
                **_updates_context(matter),
            },
            status=status,
        )

    def get(self, request, token):
        matter = _linked_matter(token)
        appeal = Appeal.objects.filter(matter=matter).first()
        if appeal is not None:
            request.session[f"tracked:{appeal.tracking_code}"] = True
            return redirect("appeals:public_status", code=appeal.tracking_code)
        return self.render_status(request, matter)

    def post(self, request, token):
        matter = _linked_matter(token)
        form = PublicRateForm(request.POST)
        if not form.is_valid():
            return self.render_status(request, matter, form, status=400)
        if matter.status != Status.ANSWERED:
            form.add_error(None, _("该诉求尚未办结或已评价，暂不能评价。"))
            return self.render_status(request, matter, form, status=409)
        try:
            loop.matter_rate_by_reporter(
                matter=matter,
                rating=form.cleaned_data["rating"],
                resolved=form.cleaned_data["resolved"],
                note=form.cleaned_data["note"],
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.render_status(request, matter, form, status=409)
        return redirect(reverse("appeals:public_matter", args=[token]) + "?rated=1")


class OptOutView(View):
    """不再接收短信通知: a confirmation, then no further messages about this matter."""

    template_name = "appeals/public/opt_out.html"

    def get(self, request, token):
        matter = _linked_matter(token)
        return render(
            request,
            self.template_name,
            {"matter": matter, "token": token, "form": PublicOptOutForm(), "done": False},
        )

    def post(self, request, token):
        matter = _linked_matter(token)
        form = PublicOptOutForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"matter": matter, "token": token, "form": form, "done": False},
                status=400,
            )
        matter = matter_updates_opt_out(
            matter=matter, actor=None, opt_out=True, via="link", ip=client_ip(request)
        )
        return render(request, self.template_name, {"matter": matter, "token": token, "done": True})


class FiguresView(View):
    """The public transparency page: citizens' appeals received and each unit's figures in the
    period, from the same selectors as the cockpit and the bulletin; no personal data."""

    def get(self, request):
        start, end = period_from_request(FiguresPeriodForm(request.GET).params())
        first, last = start.date(), (end - datetime.timedelta(days=1)).date()
        units = Unit.objects.filter(
            pk__in=UnitDayTally.objects.filter(
                scope=MetricScope.CITIZEN, day__gte=first, day__lte=last
            ).values("unit")
        ).order_by("path")
        rows = [
            r
            for r in unit_metrics(units=units, first=first, last=last)
            if r.dispatched or r.answered or r.due
        ]
        return render(
            request,
            "appeals/public/figures.html",
            {
                "rows": rows,
                "start": first,
                "end": last,
                "received": received_count(first=first, last=last),
            },
        )


# — Place: the phone form's "where is this" and the public map of open problems —


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


# A pin dragged about or a map panned asks often; a scraper asks far more (per address, on top
# of the limit every request without an account has).
LOOKUP_LIMIT = "240/600"


def _too_many_lookups(request, scope: str) -> bool:
    return not ratelimit.hit(scope, client_ip(request) or "", LOOKUP_LIMIT)


class PlaceView(View):
    """?lat=&lng= → the district and street the point lies in (names only, no record)."""

    def get(self, request):
        if _too_many_lookups(request, "place-ip"):
            return _json({"error": _("查询过于频繁，请稍后再试。")}, status=429)
        form = PlaceQueryForm(request.GET)
        if not form.is_valid():
            return _json({"error": form.message()}, status=400)
        names = place_names(form.cleaned_data["lat"], form.cleaned_data["lng"])
        return _json(
            {
                "district": names.district,
                "street": names.street,
                "text": names.text,
                "divisions": [
                    {"level": level, "level_label": label, "name": name}
                    for level, label, name in names.names
                ],
            }
        )


class MapView(View):
    """附近的问题: the open problems citizens reported, on a phone-first map."""

    def get(self, request):
        return render(request, "appeals/public/map.html")


class MapPointsView(View):
    """?bbox=west,south,east,north → the open public problems in the view (category, plain
    status, age, position; clusters when many). Nothing else: no text, no reporter, no
    number, no unit."""

    def get(self, request):
        if _too_many_lookups(request, "public-map-ip"):
            return _json({"error": _("查询过于频繁，请稍后再试。")}, status=429)
        form = PublicMapForm(request.GET)
        if not form.is_valid():
            return _json({"error": form.message()}, status=400)
        return _json(open_problems_in(form.cleaned_data["bbox"]))
