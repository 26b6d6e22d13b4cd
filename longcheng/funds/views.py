from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from longcheng.accounts.policies import manages_fund
from longcheng.core.errors import LongchengError
from longcheng.core.validators import validate_credit_code
from longcheng.web import inputs
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.exports import TableExportMixin

from . import documents, services
from .models import CommitteeMeeting, Deal, FundAlert
from .selectors import forest, fund_figures, funds_visible_to
from .workflow import DD_AREAS, DEAL_TRANSITIONS, DealStage, FlowKind, LpKind, Vote

User = get_user_model()


class StaffRequired(BusinessStaffRequired):
    denied_message = gettext_lazy("基金管理仅供业务单位工作人员使用。")


class ForestView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "funds/forest.html"
    export_title = gettext_lazy("基金丛林")
    export_object_type = "funds.fund"

    def export_table(self):
        rows = [
            fund_figures(f) for f in funds_visible_to(self.request.user).select_related("parent")
        ]
        headers = [
            _("基金"),
            _("类型"),
            _("阶段"),
            _("规模（万元）"),
            _("实缴（万元）"),
            _("放大倍数"),
            _("返投比例"),
            "DPI",
            "TVPI",
            "IRR",
        ]
        return headers, [
            [
                r.fund.name,
                r.fund.get_kind_display(),
                r.fund.get_stage_display(),
                r.fund.size,
                r.paid_in,
                str(r.leverage),
                str(r.reinvestment or "—"),
                str(r.dpi),
                str(r.tvpi),
                str(r.irr),
            ]
            for r in rows
        ]

    def get_context_data(self, **kwargs):
        funds = funds_visible_to(self.request.user).select_related("parent")
        rows = [fund_figures(f) for f in funds]
        overview = forest(funds)
        chart = {
            "funds": [r.fund.name for r in rows],
            "leverage": [
                float(r.leverage.value) if r.leverage.value is not None else 0 for r in rows
            ],
            "industry": [{"name": k, "value": float(v)} for k, v in overview.by_industry],
        }
        return super().get_context_data(
            title=_("基金丛林"),
            rows=rows,
            overview=overview,
            chart=chart,
            alerts=FundAlert.objects.filter(fund__in=funds).select_related("fund", "matter")[:20],
            **kwargs,
        )


def _fund(request, pk):
    return get_object_or_404(funds_visible_to(request.user), pk=pk)


class FundDetailView(StaffRequired, TemplateView):
    template_name = "funds/fund_detail.html"

    def get_context_data(self, **kwargs):
        fund = _fund(self.request, self.kwargs["pk"])
        return super().get_context_data(
            title=fund.name,
            fund=fund,
            figures=fund_figures(fund),
            partners=fund.partners.all(),
            flows=fund.flows.select_related("partner").order_by("-on")[:100],
            navs=fund.navs.order_by("-quarter_end")[:12],
            investments=fund.investments.all(),
            children=fund.children.all(),
            kinds=FlowKind.choices,
            lp_kinds=LpKind.choices,
            may_edit=manages_fund(self.request.user, fund),
            **kwargs,
        )

    def post(self, request, pk):
        fund = _fund(request, pk)
        action = request.POST.get("action")
        try:
            if action == "flow":
                partner = fund.partners.filter(
                    pk=inputs.record_id(request.POST.get("partner"))
                ).first()
                services.flow_record(
                    actor=request.user,
                    fund=fund,
                    kind=request.POST.get("kind", ""),
                    on=inputs.day(request.POST.get("on", ""), _("日期")),
                    amount=inputs.money(request.POST.get("amount", ""), _("金额")),
                    partner=partner,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("现金流已记录。"))
            elif action == "nav":
                services.nav_record(
                    actor=request.user,
                    fund=fund,
                    quarter_end=inputs.day(request.POST.get("quarter_end", ""), _("季度末")),
                    nav=inputs.money(request.POST.get("nav", ""), _("净值")),
                )
                messages.success(request, _("季度净值已记录。"))
            elif action == "partner":
                services.partner_add(
                    actor=request.user,
                    fund=fund,
                    name=request.POST.get("name", ""),
                    kind=request.POST.get("kind", ""),
                    commitment=inputs.money(request.POST.get("commitment", ""), _("认缴")),
                )
                messages.success(request, _("出资人已添加。"))
            elif action == "import":
                upload = request.FILES.get("file")
                if upload is None:
                    raise LongchengError(_("请选择要导入的 xlsx 文件。"))
                result = services.flows_import(
                    actor=request.user,
                    fund=fund,
                    upload=upload,
                    commit=request.POST.get("commit") == "1",
                )
                if result.errors:
                    for row, message in result.errors:
                        messages.error(
                            request,
                            _("第 %(r)d 行：%(m)s") % {"r": row, "m": message} if row else message,
                        )
                    messages.error(request, _("有错误，未导入任何数据。"))
                elif result.imported:
                    messages.success(request, _("已导入 %(n)d 条现金流。") % {"n": result.imported})
                else:
                    messages.success(
                        request, _("检查通过：%(n)d 行可以导入。") % {"n": result.rows}
                    )
        except LongchengError as error:
            messages.error(request, error.message)
        return redirect(fund)


class FundReportView(StaffRequired, View):
    def get(self, request, pk):
        fund = _fund(request, pk)
        response = HttpResponse(
            documents.fund_report_pdf(fund_figures(fund)), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="fund-{fund.pk}.pdf"'
        return response


class DealListView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "funds/deals.html"
    export_title = gettext_lazy("项目库")
    export_object_type = "funds.deal"

    def export_table(self):
        deals = Deal.objects.filter(fund__in=funds_visible_to(self.request.user)).select_related(
            "fund"
        )
        headers = [
            _("基金"),
            _("企业"),
            _("统一社会信用代码"),
            _("行业代码"),
            _("注册地区划"),
            _("拟投金额（万元）"),
            _("阶段"),
        ]
        return headers, [
            [
                d.fund.name,
                d.company,
                d.credit_code,
                d.industry,
                d.division,
                d.amount,
                d.get_stage_display(),
            ]
            for d in deals.order_by("fund__name", "company")
        ]

    def get_context_data(self, **kwargs):
        funds = funds_visible_to(self.request.user)
        deals = Deal.objects.filter(fund__in=funds).select_related("fund")
        columns = [
            (stage, label, [d for d in deals if d.stage == stage])
            for stage, label in DealStage.choices
        ]
        return super().get_context_data(title=_("项目库"), columns=columns, funds=funds, **kwargs)

    def post(self, request):
        fund = _fund(request, inputs.record_id(request.POST.get("fund")))
        try:
            if not manages_fund(request.user, fund):
                raise LongchengError(_("只有基金管理单位可以登记项目。"))
            for field in ("company", "credit_code", "industry", "division"):
                if not request.POST.get(field, "").strip():
                    raise LongchengError(_("请填写企业、信用代码、行业代码和注册地区划。"))
            code = validate_credit_code(request.POST["credit_code"])
            deal = Deal.objects.create(
                fund=fund,
                company=request.POST["company"].strip(),
                credit_code=code,
                industry=request.POST["industry"].strip().upper(),
                division=request.POST["division"].strip(),
                amount=inputs.money(request.POST.get("amount", ""), _("拟投金额")),
                owner=request.user,
            )
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("funds:deals")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("funds:deals")
        messages.success(request, _("项目已登记为线索。"))
        return redirect(deal)


class DealDetailView(StaffRequired, TemplateView):
    template_name = "funds/deal_detail.html"

    def deal(self):
        return get_object_or_404(
            Deal.objects.filter(fund__in=funds_visible_to(self.request.user)).select_related(
                "fund"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        deal = self.deal()
        user = self.request.user
        done = {d.area: d for d in deal.diligence.all()}
        meetings = deal.meetings.prefetch_related("members", "votes__member")
        return super().get_context_data(
            title=deal.company,
            deal=deal,
            next_stages=[(s, DealStage(s).label) for s in DEAL_TRANSITIONS[DealStage(deal.stage)]],
            areas=[(area, label, done.get(area)) for area, label in DD_AREAS],
            meetings=meetings,
            my_meetings=[m for m in meetings if user in m.members.all()],
            decisions=deal.decisions.select_related("meeting"),
            votes=Vote.choices,
            staff=User.objects.filter(unit__isnull=False, is_active=True).order_by(
                "unit__path", "username"
            ),
            kpis=deal.kpis.all(),
            **kwargs,
        )

    def post(self, request, pk):
        deal = self.deal()
        action = request.POST.get("action")
        try:
            if action == "move":
                services.deal_move(
                    actor=request.user,
                    deal=deal,
                    stage=request.POST.get("stage", ""),
                    note=request.POST.get("note", ""),
                )
            elif action == "dd":
                services.diligence_record(
                    actor=request.user,
                    deal=deal,
                    area=request.POST.get("area", ""),
                    findings=request.POST.get("findings", ""),
                    score=inputs.whole(request.POST.get("score"), _("评分"), low=0, high=100),
                    document=request.FILES.get("document"),
                )
            elif action == "meeting":
                if not manages_fund(request.user, deal.fund):
                    raise LongchengError(_("只有基金管理单位可以安排投决会。"))
                members = User.objects.filter(
                    pk__in=inputs.record_ids(request.POST.getlist("members"))
                )
                if members.count() < 3:
                    raise LongchengError(_("投决会委员不少于 3 人。"))
                meeting = CommitteeMeeting.objects.create(
                    fund=deal.fund,
                    held_on=inputs.day(request.POST.get("held_on", ""), _("会议日期")),
                )
                meeting.members.set(members)
                meeting.deals.add(deal)
            elif action == "vote":
                meeting = get_object_or_404(
                    deal.meetings, pk=inputs.record_id(request.POST.get("meeting"))
                )
                services.vote_cast(
                    member=request.user,
                    meeting=meeting,
                    deal=deal,
                    vote=request.POST.get("vote", ""),
                    comment=request.POST.get("comment", ""),
                )
            elif action == "decide":
                meeting = get_object_or_404(
                    deal.meetings, pk=inputs.record_id(request.POST.get("meeting"))
                )
                decision = services.decision_record(
                    actor=request.user,
                    meeting=meeting,
                    deal=deal,
                    conditions=request.POST.get("conditions", ""),
                )
                messages.success(
                    request,
                    _("投决结果：%(r)s（同意 %(f)d / 委员 %(n)d）。")
                    % {
                        "r": _("通过") if decision.approved else _("未通过"),
                        "f": decision.votes_for,
                        "n": meeting.members.count(),
                    },
                )
                return redirect(deal)
            else:
                raise PermissionDenied
        except ValueError:
            messages.error(request, _("评分须为 0–100 的整数。"))
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect(deal)
