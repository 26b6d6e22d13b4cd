"""Queues outside the inbox: the holiday schedule page (system administrator), the deadlines
waiting for the dispatch centre after a schedule change, and 不合理诉求认定 requests."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from longcheng.accounts.roles import Role
from longcheng.core.calendar import (
    SOURCE_LABELS,
    Source,
    next_year_missing,
    provisional_rest_days,
    year_source,
)
from longcheng.core.errors import LongchengError
from longcheng.core.models import LocalCalendarYear
from longcheng.web.access import BusinessStaffRequired

from .forms import DeadlineReviewForm, ScheduleForm
from .models import DeadlineReview, UnreasonableClaim
from .schedule import calendar_schedule_enter, deadline_review_decide
from .selectors import matters_visible_to


class RoleRequired(LoginRequiredMixin, UserPassesTestMixin):
    role: str = ""

    def test_func(self):
        return self.request.user.role == self.role


def _years_overview(today: datetime.date) -> list[dict]:
    entered = {y.year: y.basis for y in LocalCalendarYear.objects.all()}
    rows = []
    for year in range(today.year - 1, today.year + 3):
        source = year_source(year)
        rows.append(
            {
                "year": year,
                "source": source,
                "label": SOURCE_LABELS[source],
                "basis": entered.get(year, ""),
                "provisional_days": sorted(provisional_rest_days(year).items())
                if source == Source.PROVISIONAL
                else [],
            }
        )
    return rows


class CalendarView(RoleRequired, View):
    """Years with where their schedule comes from; entering an official schedule is shown as a
    dry run first (what it changes, which deadlines move) and kept only when confirmed."""

    role = Role.SYSADMIN
    template_name = "loop/calendar.html"

    def _render(self, request, form, preview=None):
        today = timezone.localdate()
        return render(
            request,
            self.template_name,
            {
                "title": _("节假日安排"),
                "years": _years_overview(today),
                "missing_year": next_year_missing(today),
                "form": form,
                "preview": preview,
            },
        )

    def get(self, request):
        missing = next_year_missing(timezone.localdate())
        return self._render(request, ScheduleForm(initial={"year": missing} if missing else None))

    def post(self, request):
        form = ScheduleForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        confirmed = bool(data.get("confirm"))
        try:
            result = calendar_schedule_enter(
                year=data["year"],
                basis=data["basis"],
                rest_days=data["rest_set"],
                workdays=data["work_set"],
                actor=request.user,
                dry_run=not confirmed,
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self._render(request, form)
        if confirmed:
            messages.success(
                request,
                _(
                    "%(year)s 年正式安排已录入：%(days)d 天与推定不同，"
                    "%(moved)d 件事项的办理时限已重算，%(review)d 件已到期事项交调度中心决定。"
                )
                % {
                    "year": result.year,
                    "days": len(result.changed_days),
                    "moved": len(result.moved),
                    "review": len(result.for_review),
                },
            )
            return redirect("loop:calendar")
        # The confirmation re-posts the parsed days as text, so an uploaded file is read once.
        confirm = ScheduleForm(
            initial={
                "year": data["year"],
                "basis": data["basis"],
                "rest_days": "\n".join(f"{d:%Y-%m-%d}" for d in sorted(data["rest_set"])),
                "workdays": "\n".join(f"{d:%Y-%m-%d}" for d in sorted(data["work_set"])),
                "confirm": True,
            }
        )
        return self._render(request, confirm, preview=result)


class DeadlineReviewView(RoleRequired, View):
    """Deadlines an official schedule would move but that had already passed: apply or keep."""

    role = Role.DISPATCHER
    template_name = "loop/deadline_reviews.html"

    def get(self, request):
        reviews = DeadlineReview.objects.select_related("matter", "matter__lead_unit", "decided_by")
        return render(
            request,
            self.template_name,
            {
                "title": _("待定时限"),
                "pending": reviews.filter(decision=DeadlineReview.Decision.PENDING),
                "decided": reviews.exclude(decision=DeadlineReview.Decision.PENDING).order_by(
                    "-decided_at"
                )[:50],
            },
        )

    def post(self, request):
        form = DeadlineReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择决定并说明理由。"))
            return redirect("loop:deadline_reviews")
        review = get_object_or_404(DeadlineReview, pk=form.cleaned_data["review"])
        try:
            matter = deadline_review_decide(
                review=review,
                apply=form.cleaned_data["apply"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("事项 %(n)s 的时限已决定。") % {"n": matter.number})
        return redirect("loop:deadline_reviews")


class UnreasonableClaimListView(BusinessStaffRequired, View):
    """不合理诉求认定: the dispatch centre's queue of requests, and what units asked and got."""

    template_name = "loop/unreasonable_claims.html"

    def get(self, request):
        claims = UnreasonableClaim.objects.filter(
            matter__in=matters_visible_to(request.user)
        ).select_related("matter", "unit", "requested_by", "decided_by")
        return render(
            request,
            self.template_name,
            {
                "title": _("不合理诉求认定"),
                "pending": claims.filter(decision=UnreasonableClaim.Decision.PENDING),
                "decided": claims.exclude(decision=UnreasonableClaim.Decision.PENDING)[:100],
            },
        )
