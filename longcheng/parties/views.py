from django.db import IntegrityError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from longcheng.core.errors import PermissionRefused
from longcheng.core.models import Division
from longcheng.web.listing import Column, ListFilter, RegisterListView
from longcheng.web.records import RecordDetailView, RecordFormView, ScopedRecordMixin

from . import services
from .forms import EnterpriseForm, InstitutionForm, PersonForm, SiteForm
from .models import Enterprise, Institution, Person, Site


def _districts(user):
    return [(str(d.pk), d.name) for d in Division.objects.exclude(level="province")]


def _division_filter():
    return ListFilter("division", _("区划"), "division_id", _districts)


def _display(field):
    return lambda obj: getattr(obj, f"get_{field}_display")()


# — Enterprises —


class EnterpriseListView(RegisterListView):
    model = Enterprise
    title = _("企业")
    search_fields = ["name", "credit_code", "address", "legal_representative"]
    filters = [_division_filter()]
    default_sort = "name"
    create_url_name = "parties:enterprise_create"
    columns = [
        Column(_("企业名称"), lambda o: o.name, sort="name"),
        Column(_("统一社会信用代码"), lambda o: o.credit_code, sort="credit_code"),
        Column(_("法定代表人"), lambda o: o.legal_representative),
        Column(_("行业"), lambda o: o.industry, sort="industry"),
        Column(_("区划"), lambda o: o.division, sort="division__code"),
        Column(_("登记单位"), lambda o: o.owner_unit, sort="owner_unit__code"),
    ]

    def base_queryset(self):
        return Enterprise.objects.select_related("division", "owner_unit")


class EnterpriseDetailView(RecordDetailView):
    model = Enterprise
    edit_url_name = "parties:enterprise_edit"
    fields = [
        (_("统一社会信用代码"), lambda o: o.credit_code),
        (_("校验例外理由"), lambda o: o.credit_code_override_reason),
        (_("法定代表人"), lambda o: o.legal_representative),
        (_("行业"), lambda o: o.industry),
        (_("区划"), lambda o: o.division),
        (_("地址"), lambda o: o.address),
        (_("联系电话"), lambda o: o.contact_phone),
        (_("登记单位"), lambda o: o.owner_unit),
    ]


class EnterpriseFormView(RecordFormView):
    model = Enterprise
    form_class = EnterpriseForm
    create_service = staticmethod(services.party_create)
    update_service = staticmethod(services.party_update)


# — Institutions —


class InstitutionListView(RegisterListView):
    model = Institution
    title = _("机构")
    search_fields = ["name", "licence_number", "address"]
    filters = [
        ListFilter("grade", _("等级"), "grade", lambda u: Institution.Grade.choices),
        ListFilter("kind", _("类别"), "kind", lambda u: Institution.Kind.choices),
        _division_filter(),
    ]
    default_sort = "-grade"
    create_url_name = "parties:institution_create"
    columns = [
        Column(_("机构名称"), lambda o: o.name, sort="name"),
        Column(_("类别"), _display("kind"), sort="kind"),
        Column(_("等级"), _display("grade"), sort="grade"),
        Column(_("区划"), lambda o: o.division, sort="division__code"),
        Column(_("地址"), lambda o: o.address),
        Column(_("登记单位"), lambda o: o.owner_unit, sort="owner_unit__code"),
    ]

    def base_queryset(self):
        return Institution.objects.select_related("division", "owner_unit")


class InstitutionDetailView(RecordDetailView):
    model = Institution
    edit_url_name = "parties:institution_edit"
    fields = [
        (_("类别"), _display("kind")),
        (_("等级"), _display("grade")),
        (_("统一社会信用代码"), lambda o: o.credit_code),
        (_("执业许可证号"), lambda o: o.licence_number),
        (_("区划"), lambda o: o.division),
        (_("地址"), lambda o: o.address),
        (_("登记单位"), lambda o: o.owner_unit),
    ]


class InstitutionFormView(RecordFormView):
    model = Institution
    form_class = InstitutionForm
    create_service = staticmethod(services.party_create)
    update_service = staticmethod(services.party_update)


# — Sites —


class SiteListView(RegisterListView):
    model = Site
    title = _("场所")
    search_fields = ["name", "address", "builder__name"]
    filters = [
        ListFilter("status", _("状态"), "status", lambda u: Site.Status.choices),
        ListFilter("kind", _("类型"), "kind", lambda u: Site.Kind.choices),
        _division_filter(),
    ]
    default_sort = "name"
    create_url_name = "parties:site_create"
    columns = [
        Column(_("场所名称"), lambda o: o.name, sort="name"),
        Column(_("类型"), _display("kind"), sort="kind"),
        Column(_("状态"), _display("status"), sort="status"),
        Column(_("区划"), lambda o: o.division, sort="division__code"),
        Column(_("地址"), lambda o: o.address),
        Column(_("建设/施工单位"), lambda o: o.builder),
        Column(_("登记单位"), lambda o: o.owner_unit, sort="owner_unit__code"),
    ]

    def base_queryset(self):
        return Site.objects.select_related("division", "owner_unit", "builder")


class SiteDetailView(RecordDetailView):
    model = Site
    edit_url_name = "parties:site_edit"
    fields = [
        (_("类型"), _display("kind")),
        (_("状态"), _display("status")),
        (_("区划"), lambda o: o.division),
        (_("地址"), lambda o: o.address),
        (_("建设/施工单位"), lambda o: o.builder),
        (_("坐标"), lambda o: f"{o.latitude}, {o.longitude}" if o.latitude else ""),
        (_("登记单位"), lambda o: o.owner_unit),
    ]


class SiteFormView(RecordFormView):
    model = Site
    form_class = SiteForm
    create_service = staticmethod(services.party_create)
    update_service = staticmethod(services.party_update)

    def get_form_kwargs(self):
        from longcheng.accounts.scoping import scope_queryset

        kwargs = super().get_form_kwargs()
        kwargs["builder_queryset"] = scope_queryset(Enterprise.objects.all(), self.request.user)
        return kwargs


# — Persons —


class PersonListView(RegisterListView):
    model = Person
    title = _("自然人")
    search_fields = ["name", "tags", "address"]
    search_placeholder = _("搜索姓名、身份标签、地址…")
    filters = [_division_filter()]
    default_sort = "name"
    create_url_name = "parties:person_create"
    reveal_permission = "parties.reveal_personal_data"
    columns = [
        Column(_("姓名"), lambda o: o.name, sort="name"),
        Column(_("居民身份证号码"), lambda o: o.masked_id_number, personal=lambda o: o.id_number),
        Column(_("性别"), _display("gender"), sort="gender"),
        Column(_("手机号码"), lambda o: o.masked_phone, personal=lambda o: o.phone),
        Column(_("身份标签"), lambda o: o.tags, sort="tags"),
        Column(_("区划"), lambda o: o.division, sort="division__code"),
        Column(_("登记单位"), lambda o: o.owner_unit, sort="owner_unit__code"),
    ]

    def base_queryset(self):
        return Person.objects.select_related("division", "owner_unit")


class PersonDetailView(RecordDetailView):
    model = Person
    template_name = "parties/person_detail.html"
    edit_url_name = "parties:person_edit"
    fields = [
        (_("性别"), _display("gender")),
        (_("出生日期"), lambda o: o.birth_date),
        (_("身份标签"), lambda o: o.tags),
        (_("区划"), lambda o: o.division),
        (_("地址"), lambda o: o.address),
        (_("登记单位"), lambda o: o.owner_unit),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_reveal"] = self.request.user.has_perm("parties.reveal_personal_data")
        return context


class PersonFormView(RecordFormView):
    model = Person
    form_class = PersonForm
    create_service = staticmethod(services.party_create)
    update_service = staticmethod(services.party_update)

    def form_valid(self, form):
        duplicate = Person.objects.filter(
            owner_unit_id=self.request.user.unit_id,
            id_number=form.cleaned_data["id_number"],
        ).exclude(pk=form.instance.pk)
        if duplicate.exists():
            form.add_error("id_number", _("该身份证号码已在本单位登记，请勿重复登记。"))
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        except IntegrityError:
            form.add_error("id_number", _("该身份证号码已在本单位登记，请勿重复登记。"))
            return self.form_invalid(form)


class PersonRevealView(ScopedRecordMixin, View):
    """POST only: shows the full ID number and phone once, and records who looked."""

    model = Person

    def post(self, request, pk):
        person = self.get_object()
        try:
            data = services.person_reveal(person=person, actor=request.user)
        except PermissionRefused as refused:
            return render(
                request, "parties/partials/reveal.html", {"error": refused.message}, status=403
            )
        return render(request, "parties/partials/reveal.html", {"data": data})
