"""The funds pages: thin views. Each page's posts go through a small form (`forms.py`) and an
action table to the services, so a bad value or a refusal is a message on the page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from longcheng.accounts.policies import manages_fund, sits_on_committee
from longcheng.core.errors import LongchengError
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.actions import Act, PostedActionView, parse
from longcheng.web.exports import TableExportMixin

from . import documents, services
from .codelists import division_choices, division_label, industry_choices, industry_label
from .forms import (
    CallNoticeForm,
    CommitteeRuleForm,
    DealForm,
    DealMoveForm,
    DecisionForm,
    DiligenceForm,
    FlowCorrectForm,
    FlowForm,
    FlowImportForm,
    MeetingForm,
    NavForm,
    PartnerForm,
    ReconsiderForm,
    VoteForm,
    committee_candidates,
)
from .models import Deal, FundAlert
from .selectors import (
    NAV_SHARE_BASIS,
    call_notices,
    capital_accounts,
    deals_visible_to,
    decisions_awaiting,
    forest,
    fund_figures,
    funds_visible_to,
    nav_history,
    votes_awaiting,
)
from .workflow import DD_AREAS, DEAL_TRANSITIONS, DealStage, FlowKind, LpKind, Vote


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
            "industry": [
                {"name": str(industry_label(k)), "value": float(v)} for k, v in overview.by_industry
            ],
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


def _add_partner(request, fund, data) -> str:
    services.partner_add(actor=request.user, fund=fund, **data)
    return _("出资人已添加。")


def _record_flow(request, fund, data) -> str:
    services.flow_record(actor=request.user, fund=fund, **data)
    return _("现金流已记录。")


def _record_nav(request, fund, data) -> str:
    services.nav_record(actor=request.user, fund=fund, **data)
    return _("季度净值已记录。")


def _import_flows(request, fund, data) -> str | None:
    result = services.flows_import(
        actor=request.user, fund=fund, upload=data["file"], commit=data["commit"]
    )
    if result.errors:
        for row, message in result.errors:
            messages.error(
                request, _("第 %(r)d 行：%(m)s") % {"r": row, "m": message} if row else message
            )
        messages.error(request, _("有错误，未导入任何数据。"))
        return None
    if result.imported:
        return _("已导入 %(n)d 条现金流。") % {"n": result.imported}
    return _("检查通过：%(n)d 行可以导入。") % {"n": result.rows}


def _correct_flow(request, fund, data) -> str:
    services.flow_correct(actor=request.user, **data)
    return _("现金流已更正，更正记录已保存。")


def _set_rule(request, fund, data) -> str:
    services.fund_committee_rule_set(actor=request.user, fund=fund, **data)
    return _("议事规则已保存：%(r)s") % {"r": fund.committee_rule}


def _for_fund(request, fund) -> dict:
    return {"fund": fund}


ACCOUNT_HEADERS = [
    gettext_lazy("出资人"),
    gettext_lazy("出资性质"),
    gettext_lazy("认缴（万元）"),
    gettext_lazy("实缴（万元）"),
    gettext_lazy("认缴未缴（万元）"),
    gettext_lazy("累计分配（万元）"),
    gettext_lazy("净值份额（万元）"),
]


class FundDetailView(StaffRequired, TableExportMixin, PostedActionView, TemplateView):
    template_name = "funds/fund_detail.html"
    export_title = gettext_lazy("出资人资本账户")
    export_object_type = "funds.fund"
    actions = {
        "partner": Act(PartnerForm, _add_partner),
        "flow": Act(FlowForm, _record_flow, form_kwargs=_for_fund),
        "correct": Act(FlowCorrectForm, _correct_flow, form_kwargs=_for_fund),
        "nav": Act(NavForm, _record_nav),
        "import": Act(FlowImportForm, _import_flows),
        "rule": Act(CommitteeRuleForm, _set_rule),
    }

    def get_record(self, request, **kwargs):
        return _fund(request, kwargs["pk"])

    def export_table(self):
        fund = _fund(self.request, self.kwargs["pk"])
        rows, total = capital_accounts(fund)
        return [*ACCOUNT_HEADERS], [
            [
                r.partner.name if r.partner else _("合计"),
                r.partner.get_kind_display() if r.partner else "",
                r.committed,
                r.called,
                r.unfunded,
                r.distributed,
                r.nav_share,
            ]
            for r in [*rows, total]
        ]

    def get_context_data(self, **kwargs):
        fund = _fund(self.request, self.kwargs["pk"])
        accounts, account_total = capital_accounts(fund)
        history = nav_history(fund)
        return super().get_context_data(
            title=fund.name,
            fund=fund,
            figures=fund_figures(fund),
            partners=fund.partners.all(),
            accounts=accounts,
            account_total=account_total,
            nav_share_basis=NAV_SHARE_BASIS,
            history_chart={
                "quarters": [p.quarter_end.isoformat() for p in history],
                "nav": [float(p.nav) for p in history],
                "tvpi": [
                    float(p.tvpi.value) if p.tvpi.value is not None else None for p in history
                ],
            },
            flows=fund.flows.select_related("partner")
            .prefetch_related("corrections__corrected_by")
            .order_by("-on")[:100],
            navs=fund.navs.order_by("-quarter_end")[:12],
            investments=fund.investments.all(),
            children=fund.children.all(),
            kinds=FlowKind.choices,
            lp_kinds=LpKind.choices,
            may_edit=manages_fund(self.request.user, fund),
            **kwargs,
        )


class CallNoticeView(StaffRequired, View):
    """缴款通知书 (PDF) of one partner for a pro-rata capital call; a bad value or a call
    beyond the partner's unfunded commitment is a message on the fund page."""

    def get(self, request, pk):
        fund = _fund(request, pk)
        if not manages_fund(request.user, fund):
            messages.error(request, _("只有基金管理单位可以出具缴款通知书。"))
            return redirect(fund)
        form = CallNoticeForm(request.GET, fund=fund)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{' '.join(errors)}")
            return redirect(fund)
        data = form.cleaned_data
        notices = call_notices(fund, data["amount"], data["due"])
        notice = next(n for n in notices if n.account.partner == data["partner"])
        if notice.problem:
            messages.error(request, notice.problem)
            return redirect(fund)
        response = HttpResponse(
            documents.call_notice_pdf(fund=fund, notice=notice), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="call-notice-{fund.pk}-{notice.account.partner.pk}.pdf"'
        )
        return response


class QueueView(StaffRequired, TemplateView):
    """待表决 for a committee member; 待形成投资决议 for the fund's managers."""

    template_name = "funds/queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("投决待办"),
            to_vote=votes_awaiting(self.request.user),
            to_decide=decisions_awaiting(self.request.user),
            **kwargs,
        )


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
            _("行业"),
            _("注册地区划"),
            _("拟投金额（万元）"),
            _("阶段"),
        ]
        return headers, [
            [
                d.fund.name,
                d.company,
                d.credit_code,
                f"{industry_label(d.industry)}（{d.industry}）",
                f"{division_label(d.division)}（{d.division}）",
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
        return super().get_context_data(
            title=_("项目库"),
            columns=columns,
            funds=funds,
            industry_choices=industry_choices(),
            division_choices=division_choices(),
            **kwargs,
        )

    def post(self, request):
        form = DealForm(request.POST, funds=funds_visible_to(request.user))
        try:
            deal = services.deal_create(actor=request.user, **parse(form))
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("funds:deals")
        messages.success(request, _("项目已登记为线索。"))
        return redirect(deal)


def _move(request, deal, data) -> str:
    services.deal_move(actor=request.user, deal=deal, **data)
    return _("已保存。")


def _diligence(request, deal, data) -> str:
    services.diligence_record(actor=request.user, deal=deal, **data)
    return _("已保存。")


def _schedule(request, deal, data) -> str:
    services.meeting_schedule(actor=request.user, deal=deal, **data)
    return _("已保存。")


def _vote(request, deal, data) -> str:
    services.vote_cast(member=request.user, deal=deal, **data)
    return _("已保存。")


def _reconsider(request, deal, data) -> str:
    services.meeting_reconsider(actor=request.user, deal=deal, **data)
    return _("已提请复议，项目重新列入投决会议题。")


def _decide(request, deal, data) -> str:
    decision = services.decision_record(actor=request.user, deal=deal, **data)
    return _("投决结果：%(r)s（同意 %(f)d / 委员 %(n)d）。") % {
        "r": _("通过") if decision.approved else _("未通过"),
        "f": decision.votes_for,
        "n": data["meeting"].members.count(),
    }


def _for_deal(request, deal) -> dict:
    return {"deal": deal}


class DealDetailView(StaffRequired, PostedActionView, TemplateView):
    template_name = "funds/deal_detail.html"
    actions = {
        "move": Act(DealMoveForm, _move),
        "dd": Act(DiligenceForm, _diligence),
        "meeting": Act(MeetingForm, _schedule),
        "vote": Act(VoteForm, _vote, form_kwargs=_for_deal),
        "decide": Act(DecisionForm, _decide, form_kwargs=_for_deal),
        "reconsider": Act(ReconsiderForm, _reconsider),
    }

    def deal(self):
        return get_object_or_404(
            deals_visible_to(self.request.user).select_related("fund"), pk=self.kwargs["pk"]
        )

    def get_record(self, request, **kwargs):
        return self.deal()

    def get_context_data(self, **kwargs):
        deal = self.deal()
        user = self.request.user
        done = {d.area: d for d in deal.diligence.all()}
        meetings = list(
            deal.meetings.select_related("reconsiders__meeting").prefetch_related(
                "members", "votes__member"
            )
        )
        decided = {d.meeting_id for d in deal.decisions.all()}
        for meeting in meetings:  # the user's own vote, shown beside the form that changes it
            meeting.my_vote = next(
                (v for v in meeting.votes.all() if v.deal_id == deal.pk and v.member_id == user.pk),
                None,
            )
        return super().get_context_data(
            title=deal.company,
            deal=deal,
            next_stages=[(s, DealStage(s).label) for s in DEAL_TRANSITIONS[DealStage(deal.stage)]],
            areas=[(area, label, done.get(area)) for area, label in DD_AREAS],
            meetings=meetings,
            # The vote buttons follow the rule the service applies.
            my_meetings=[m for m in meetings if sits_on_committee(user, m) and m.pk not in decided],
            decided=decided,
            # One open meeting per deal at a time (the service refuses a second).
            open_meeting=any(m.pk not in decided for m in meetings),
            rule=deal.fund.committee_rule,
            may_manage=manages_fund(user, deal.fund),
            may_reconsider=deal.stage == DealStage.DECLINED
            and bool(decided)
            and not deal.decisions.order_by("-decided_at", "-pk").first().approved,
            decisions=deal.decisions.select_related("meeting").order_by("decided_at", "pk"),
            votes=Vote.choices,
            staff=committee_candidates(),
            kpis=deal.kpis.all(),
            **kwargs,
        )
