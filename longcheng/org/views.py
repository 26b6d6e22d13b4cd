from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts import services as account_services
from longcheng.accounts.models import RoleRequest, RoleRequestStatus
from longcheng.accounts.passwords import profile as password_profile
from longcheng.accounts.roles import EXTERNAL_ROLES, Role
from longcheng.accounts.second_factor import reset_devices
from longcheng.accounts.selectors import account_security_rows
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.models import Division, Unit
from longcheng.web.exports import TableExportMixin
from longcheng.web.listing import Column, ListFilter, RegisterListView

from .forms import (
    AccountSecurityActionForm,
    BoundariesQueryForm,
    GrantForm,
    InitialPasswordForm,
    RoleDecisionForm,
    StaffCreateForm,
    StaffRoleForm,
)

User = get_user_model()


def _unit_choices(user):
    return [(str(u.pk), "　" * (u.depth - 1) + u.name) for u in Unit.objects.order_by("path")]


class DirectoryReader(LoginRequiredMixin):
    """The organisation and its staff are for the administration's own people: special
    supervisors and external judges do not browse the staff directory."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in EXTERNAL_ROLES:
            raise PermissionDenied(_("工作人员名录仅供本系统工作人员查看。"))
        return super().dispatch(request, *args, **kwargs)


class UnitTreeView(DirectoryReader, TableExportMixin, TemplateView):
    """The whole organisation; a directory every member of staff may read."""

    template_name = "org/unit_tree.html"
    export_title = gettext_lazy("组织机构")
    export_object_type = "core.unit"

    def export_table(self):
        # The same columns as the units import template: an export can be edited and imported.
        units = {u.pk: u for u in Unit.objects.select_related("division").order_by("path")}
        by_path = {u.path: u for u in units.values()}
        headers = ["单位编码", "单位名称", "类型", "上级单位编码", "所在区划代码", "值班电话"]
        rows = []
        for u in units.values():
            parent = by_path.get(u.path[: -Unit.steplen]) if u.depth > 1 else None
            rows.append(
                [
                    u.code,
                    u.name,
                    u.get_kind_display(),
                    parent.code if parent else "",
                    u.division.code if u.division else "",
                    u.phone,
                ]
            )
        return headers, rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = list(Unit.objects.select_related("division").order_by("path"))
        counts = dict(
            User.objects.filter(is_active=True, unit__isnull=False)
            .values("unit")
            .annotate(n=Count("id"))
            .values_list("unit", "n")
        )
        for unit in units:
            unit.staff_count = counts.get(unit.pk, 0)
        context["tree"] = _nest(units)
        context["title"] = _("组织机构")
        return context


def _nest(units):
    """Turn the path-ordered list into [(unit, children)] for the template."""
    roots, stack = [], []
    for unit in units:
        node = (unit, [])
        while stack and stack[-1][0].depth >= unit.depth:
            stack.pop()
        (stack[-1][1] if stack else roots).append(node)
        stack.append(node)
    return roots


class UnitDetailView(DirectoryReader, TemplateView):
    template_name = "org/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(Unit.objects.select_related("division"), pk=self.kwargs["pk"])
        context.update(
            unit=unit,
            title=unit.name,
            ancestors=Unit.objects.get_ancestors(unit),
            children=Unit.objects.get_children(unit),
            staff=unit.staff.filter(is_active=True).order_by("role", "full_name"),
        )
        return context


class StaffListView(DirectoryReader, RegisterListView):
    model = User
    title = gettext_lazy("工作人员")
    unit_field = None
    search_fields = ["full_name", "username", "position", "unit__name"]
    search_placeholder = gettext_lazy("搜索姓名、用户名、职务、单位…")
    filters = [
        ListFilter("unit", gettext_lazy("单位"), "unit_id", _unit_choices),
        ListFilter("role", gettext_lazy("角色"), "role", lambda u: Role.choices),
    ]
    default_sort = "unit__path"
    columns = [
        Column(gettext_lazy("姓名"), lambda o: o.full_name, sort="full_name"),
        Column(gettext_lazy("用户名"), lambda o: o.username, sort="username"),
        Column(gettext_lazy("单位"), lambda o: o.unit, sort="unit__path"),
        Column(gettext_lazy("职务"), lambda o: o.position, sort="position"),
        Column(gettext_lazy("角色"), lambda o: o.get_role_display(), sort="role"),
        Column(gettext_lazy("状态"), lambda o: _("待审批") if o.awaiting_approval else _("可登录")),
        Column(gettext_lazy("手机号码"), lambda o: o.masked_phone),
    ]

    def base_queryset(self):
        return User.objects.filter(is_active=True).select_related("unit")

    def row_url(self, obj) -> str:
        if self.request.user.role == Role.SYSADMIN:
            return reverse("org:staff_role", args=[obj.pk])
        return reverse("org:unit_detail", args=[obj.unit_id]) if obj.unit_id else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.role == Role.SYSADMIN:
            context["create_url_name"] = "org:staff_create"
        return context


class SysadminRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.role == Role.SYSADMIN


class StaffCreateView(SysadminRequired, FormView):
    template_name = "web/form.html"
    form_class = StaffCreateForm
    extra_context = {"title": gettext_lazy("新建账号"), "cancel_url": "/org/staff/"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            account_services.user_create(
                actor=self.request.user,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                unit=data["unit"],
                position=data["position"],
                phone=data["phone"],
                password=data["password"],
            )
        except PermissionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("账号 %(u)s 已创建，待安全管理员审批角色后方可登录。") % {"u": data["username"]},
        )
        return redirect("org:staff_list")


class StaffRoleView(SysadminRequired, FormView):
    template_name = "web/form.html"
    form_class = StaffRoleForm

    def get_target(self):
        return get_object_or_404(User, pk=self.kwargs["pk"], is_active=True)

    def get_initial(self):
        target = self.get_target()
        return {"role": target.role, "unit": target.unit, "position": target.position}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("调整角色：%(name)s") % {"name": self.get_target()}
        context["cancel_url"] = "/org/staff/"
        context["links"] = [
            {
                "url": reverse("org:staff_password", args=[self.kwargs["pk"]]),
                "label": _("重设初始密码"),
            }
        ]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            pending = account_services.user_change_role(
                actor=self.request.user,
                user=self.get_target(),
                role=data["role"],
                unit=data["unit"],
                position=data["position"],
            )
        except LongchengError as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if pending is None:
            messages.success(self.request, _("已调整，已记入审计日志。"))
        else:
            messages.success(
                self.request, _("角色调整已提交，安全管理员批准后生效（已记入审计日志）。")
            )
        return redirect("org:staff_list")


class StaffPasswordView(SysadminRequired, FormView):
    """Activate an account without a password (imported staff) or one whose owner forgot it."""

    template_name = "web/form.html"
    form_class = InitialPasswordForm

    def get_target(self):
        return get_object_or_404(User, pk=self.kwargs["pk"], is_active=True)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.get_target()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("重设初始密码：%(name)s") % {"name": self.get_target()}
        context["cancel_url"] = "/org/staff/"
        return context

    def form_valid(self, form):
        target = self.get_target()
        try:
            account_services.user_set_initial_password(
                actor=self.request.user, user=target, password=form.cleaned_data["password"]
            )
        except PermissionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已为 %(n)s 设置初始密码，请当面或经加密渠道告知；首次登录须修改密码并绑定验证器。")
            % {"n": target},
        )
        return redirect("org:staff_list")


class AccountSecurityView(LoginRequiredMixin, UserPassesTestMixin, TableExportMixin, TemplateView):
    """Security administrator: every account's second factor, password age and lockout, with
    the two remedies (reset the authenticator of a lost phone, lift a lockout)."""

    template_name = "org/account_security.html"
    export_title = gettext_lazy("账号安全状态")
    export_object_type = "accounts.user"

    def test_func(self):
        return self.request.user.role == Role.SECADMIN

    def export_table(self):
        headers = [
            _("姓名"),
            _("用户名"),
            _("角色"),
            _("单位"),
            _("双因素认证"),
            _("密码设置时间"),
            _("密码到期"),
            _("登录失败次数"),
        ]
        return headers, [
            [
                row.user.full_name,
                row.user.username,
                row.user.get_role_display(),
                str(row.user.unit or ""),
                _("已绑定") if row.has_device else _("未绑定"),
                row.user.password_changed_at,
                row.expires_at,
                row.failures,
            ]
            for row in account_security_rows()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("账号安全")
        context["rows"] = account_security_rows()
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["profile"] = password_profile()
        return context


class AccountSecurityActionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        target = get_object_or_404(User, pk=pk, is_active=True)
        form = AccountSecurityActionForm(request.POST)
        action = form.cleaned_data["action"] if form.is_valid() else None
        try:
            if action == "reset_otp":
                reset_devices(actor=request.user, user=target)
                messages.success(
                    request, _("已重置 %(n)s 的验证器，下次登录时重新绑定。") % {"n": target}
                )
            elif action == "enrolment_code":
                code = account_services.user_issue_enrolment_code(actor=request.user, user=target)
                messages.warning(
                    request,
                    _(
                        "%(n)s 的验证器绑定码：%(code)s（72 小时内有效，仅显示这一次，"
                        "请当面交给本人，不要交给设置初始密码的系统管理员）。"
                    )
                    % {"n": target, "code": code},
                )
            elif action == "unlock":
                account_services.user_unlock(actor=request.user, user=target)
                messages.success(request, _("已解除 %(n)s 的登录锁定。") % {"n": target})
        except PermissionRefused as refused:
            messages.error(request, refused.message)
        return redirect("org:account_security")


class RoleRequestListView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """Security administrator: roles the system administrator gave or changed, waiting for the
    second person; the last decisions below them."""

    template_name = "org/role_requests.html"

    def test_func(self):
        return self.request.user.role in (Role.SECADMIN, Role.SYSADMIN)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        related = RoleRequest.objects.select_related(
            "user", "unit", "before_unit", "requested_by", "decided_by"
        )
        context["title"] = _("角色审批")
        context["pending"] = related.filter(status=RoleRequestStatus.PENDING).order_by(
            "requested_at"
        )
        context["decided"] = related.exclude(status=RoleRequestStatus.PENDING).order_by(
            "-decided_at"
        )[:50]
        context["may_decide"] = self.request.user.role == Role.SECADMIN
        context["form"] = RoleDecisionForm()
        return context


class RoleRequestDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        role_request = get_object_or_404(RoleRequest, pk=pk)
        form = RoleDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择批准或驳回。"))
            return redirect("org:role_requests")
        approve = form.cleaned_data["decision"] == "approve"
        try:
            account_services.role_request_decide(
                actor=request.user,
                request=role_request,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except LongchengError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                (_("已批准：%(r)s。") if approve else _("已驳回：%(r)s。")) % {"r": role_request},
            )
        return redirect("org:role_requests")


class GrantListView(LoginRequiredMixin, UserPassesTestMixin, TableExportMixin, TemplateView):
    """Security administrator: who may reveal personal data."""

    template_name = "org/grants.html"
    export_title = gettext_lazy("权限授予：查看完整个人信息")
    export_object_type = "accounts.user"

    def export_table(self):
        rows = self.get_context_data()["rows"]
        headers = [_("单位"), _("姓名"), _("用户名"), _("角色"), _("可查看完整个人信息")]
        return headers, [
            [
                str(u.unit or ""),
                u.full_name,
                u.username,
                u.get_role_display(),
                _("是") if granted else _("否"),
            ]
            for u, granted in rows
        ]

    def test_func(self):
        return self.request.user.role == Role.SECADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = (
            User.objects.filter(is_active=True, role__in=[Role.CLERK, Role.LEADER, Role.DISPATCHER])
            .select_related("unit")
            .prefetch_related("user_permissions")
            .order_by("unit__path")
        )
        context["title"] = _("权限授予：查看完整个人信息")
        context["rows"] = [
            (u, any(p.codename == "reveal_personal_data" for p in u.user_permissions.all()))
            for u in staff
        ]
        return context


class GrantToggleView(LoginRequiredMixin, View):
    def post(self, request, pk):
        target = get_object_or_404(User, pk=pk, is_active=True)
        form = GrantForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择授予或收回。"))
            return redirect("org:grant_list")
        granted = form.cleaned_data["granted"]
        try:
            account_services.user_set_reveal_permission(
                actor=request.user, user=target, granted=granted
            )
        except PermissionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                (
                    _("已授予 %(n)s 查看完整个人信息的权限。")
                    if granted
                    else _("已收回 %(n)s 查看完整个人信息的权限。")
                )
                % {"n": target},
            )
        return redirect("org:grant_list")


class DivisionListView(RegisterListView):
    model = Division
    template_name = "org/division_list.html"
    title = gettext_lazy("行政区划")
    unit_field = None
    search_fields = ["name", "code"]
    search_placeholder = gettext_lazy("搜索名称或区划代码…")
    filters = [ListFilter("level", gettext_lazy("层级"), "level", lambda u: Division.Level.choices)]
    default_sort = "code"
    columns = [
        Column(gettext_lazy("区划代码"), lambda o: o.code, sort="code"),
        Column(gettext_lazy("名称"), lambda o: o.name, sort="name"),
        Column(gettext_lazy("层级"), lambda o: o.get_level_display(), sort="level"),
        Column(gettext_lazy("上级区划"), lambda o: o.parent),
    ]

    def base_queryset(self):
        return Division.objects.select_related("parent")


class BoundariesView(View):
    """The divisions' boundaries as GeoJSON (WGS-84) for every map, public: a boundary is
    published information, and the citizens' map draws them too."""

    def get(self, request):
        form = BoundariesQueryForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=400)
        divisions = Division.objects.filter(level__in=form.levels()).exclude(boundary=None)
        if form.cleaned_data["within"]:
            divisions = divisions.filter(parent__code=form.cleaned_data["within"])
        features = [
            {
                "type": "Feature",
                "geometry": d.boundary,
                "properties": {
                    "code": d.code,
                    "name": d.name,
                    "level": d.level,
                    "approximate": d.boundary_approximate,
                    "population": d.population,
                    "label": [d.label_lat, d.label_lng],
                },
            }
            for d in divisions.only(
                "code",
                "name",
                "level",
                "boundary",
                "boundary_approximate",
                "population",
                "label_lat",
                "label_lng",
            )
        ]
        response = JsonResponse({"type": "FeatureCollection", "features": features})
        response["Cache-Control"] = "public, max-age=300"
        return response
