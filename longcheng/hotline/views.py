"""The 12345 workbench (接线工作台): the call intake with the caller's history, 即时办结 and the
category's questions; the dispatch centre's intake questions; the answer templates and the
picker the matter page's answer, progress and return forms use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import manages_answer_templates, runs_hotline
from longcheng.accounts.roles import Role
from longcheng.core.errors import LongchengError
from longcheng.core.masking import mask_phone
from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import AnswerTemplate, Category, CategoryQuestion, Matter
from longcheng.loop.selectors import caller_history, caller_open_similar, matters_visible_to
from longcheng.loop.views import BusinessRequired
from longcheng.loop.workflow import OPEN
from longcheng.web.actions import parse
from longcheng.web.forms import PageForm
from longcheng.web.home import NavItem

from . import selectors, services
from .forms import (
    AnswerTemplateForm,
    CallerForm,
    CategoryForm,
    CategoryQuestionForm,
    ExpectedForm,
    FollowForm,
    QuestionsForm,
    StageForm,
    WorkbenchForm,
)


class HotlineRequired(LoginRequiredMixin):
    """The dispatch centre's operators only (403 for anyone else signed in)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not runs_hotline(request.user):
            raise PermissionDenied(_("接线工作台仅供派单中心（12345热线）使用。"))
        return super().dispatch(request, *args, **kwargs)


def hotline_nav_items(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    if runs_hotline(user):
        return [
            NavItem(str(_("接线工作台")), reverse("hotline:workbench"), "headset"),
            NavItem(str(_("受理补充问题")), reverse("hotline:questions"), "ui-checks"),
            NavItem(str(_("答复模板")), reverse("hotline:templates"), "card-text"),
        ]
    if user.role == Role.LEADER and user.unit_id:
        return [NavItem(str(_("答复模板")), reverse("hotline:templates"), "card-text")]
    return []


# — The workbench —


class WorkbenchView(HotlineRequired, FormView):
    template_name = "hotline/workbench.html"
    form_class = WorkbenchForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("12345接线工作台"),
            question_names=[f"q_{q.pk}" for q in context["form"].questions],
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        draft = MatterDraft(
            title=data["title"],
            description=data["description"],
            channel=data["channel"],
            kind=data["kind"],
            urgency=data["urgency"],
            category=data["category"],
            division=data["division"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            anonymous=data["anonymous"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            intake_answers=form.intake_answers(),
        )
        try:
            if data["mode"] == "on_call":
                matter = loop.matter_answer_on_call(
                    draft,
                    actor=self.request.user,
                    text=data["answer_text"],
                    knowledge_article=data["knowledge_article"],
                    personal_data_checked=data["personal_data_checked"],
                )
                said = _("已即时办结，事项编号 %(n)s：已答复诉求人，待回访评价。")
            else:
                matter = loop.matter_receive(draft, actor=self.request.user)
                said = _("已受理，事项编号 %(n)s。")
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, said % {"n": matter.number})
        return redirect(matter.get_absolute_url())


class CallerHistoryView(HotlineRequired, View):
    """The caller's earlier matters (an HTML fragment for the workbench), through the phone's
    blind index; the phone stays masked."""

    def get(self, request):
        form = CallerForm(request.GET)
        if not form.is_valid():
            return render(
                request,
                "hotline/_history.html",
                {"error": _("请输入 11 位手机号码后查询来电记录。")},
                status=400,
            )
        data = form.cleaned_data
        history = caller_history(data["phone"])
        category = (
            Category.objects.filter(pk=data["category"]).first() if data["category"] else None
        )
        similar = caller_open_similar(
            history,
            text=f"{data['title']}{data['description']}",
            category=category,
        )
        similar_pks = {m.pk for m, _reason in similar}
        return render(
            request,
            "hotline/_history.html",
            {
                "masked": mask_phone(data["phone"]),
                "history": history,
                "similar": similar,
                "similar_pks": similar_pks,
                "open_states": OPEN,
                "follow_form": FollowForm(),
                "limit": len(history),
            },
        )


class FollowView(HotlineRequired, View):
    """跟进此件: the caller's words on the open matter's timeline; no new matter."""

    def post(self, request):
        form = FollowForm(request.POST)
        try:
            data = parse(form)
            matter = get_object_or_404(Matter, pk=data["matter"])
            loop.matter_caller_follow(matter=matter, actor=request.user, words=data["words"])
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("hotline:workbench")
        messages.success(
            request,
            _("已记入事项 %(n)s 的办理过程，并告知主办单位；未新建工单。") % {"n": matter.number},
        )
        return redirect(matter.get_absolute_url())


class QuestionsView(HotlineRequired, View):
    """The chosen category's questions as form fields (a fragment)."""

    def get(self, request):
        form = QuestionsForm(category=CategoryForm(request.GET).chosen())
        return render(
            request,
            "hotline/_questions.html",
            {"fields": [form[f"q_{q.pk}"] for q in form.questions]},
        )


# — Answer templates: the picker's data —


def _templates_json(matter: Matter, stage: str) -> JsonResponse:
    found = selectors.templates_for(matter, stage)
    return JsonResponse(
        {
            "templates": [
                {
                    "id": t.pk,
                    "title": t.title,
                    "scope": t.unit.name if t.unit_id else _("全市通用"),
                    "text": selectors.fill(t.text, matter),
                }
                for t in found
            ]
        }
    )


class MatterTemplatesView(BusinessRequired, View):
    """GET ?stage=answer|progress|return: the templates for this matter, filled in."""

    def get(self, request, pk):
        matter = get_object_or_404(
            matters_visible_to(request.user).select_related("category", "lead_unit"), pk=pk
        )
        form = StageForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"templates": []}, status=400)
        return _templates_json(matter, form.cleaned_data["stage"])


class CallTemplatesView(HotlineRequired, View):
    """GET ?category=: the 即时答复 templates for the call being taken (no matter yet)."""

    def get(self, request):
        category = CategoryForm(request.GET).chosen()
        sketch = Matter(
            number=_("（受理后生成）"),
            title="",
            category=category,
            received_at=timezone.now(),
            anonymous=True,
        )
        return _templates_json(sketch, AnswerTemplate.Stage.ON_CALL)


# — Intake questions (the dispatch centre's) —


class QuestionListView(HotlineRequired, TemplateView):
    template_name = "hotline/questions.html"

    def get_context_data(self, **kwargs):
        questions = CategoryQuestion.objects.select_related("category").order_by(
            "category__path", "sort_order", "pk"
        )
        page = Paginator(questions, 50).get_page(PageForm(self.request.GET).number())
        return super().get_context_data(title=_("受理补充问题"), page=page, **kwargs)


class QuestionFormView(HotlineRequired, TemplateView):
    template_name = "hotline/question_form.html"

    def get_question(self) -> CategoryQuestion | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(CategoryQuestion, pk=pk) if pk else None

    def get_context_data(self, **kwargs):
        question = self.get_question()
        if "form" not in kwargs:
            initial = {"is_active": True, "sort_order": 100}
            if question is not None:
                initial = {
                    "category": question.category_id,
                    "label": question.label,
                    "help_text": question.help_text,
                    "kind": question.kind,
                    "options": question.options,
                    "required": question.required,
                    "sort_order": question.sort_order,
                    "is_active": question.is_active,
                    "expected": selectors.fingerprint(question),
                }
            kwargs["form"] = CategoryQuestionForm(initial=initial)
        title = _("修改补充问题") if question else _("新增补充问题")
        return super().get_context_data(title=title, question=question, **kwargs)

    def post(self, request, *args, **kwargs):
        question = self.get_question()
        form = CategoryQuestionForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("expected")
            try:
                saved = services.category_question_save(
                    actor=request.user, question=question, expected=expected, **data
                )
            except LongchengError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存：%(q)s") % {"q": saved})
                return redirect("hotline:questions")
        return self.render_to_response(self.get_context_data(form=form))


class QuestionDeleteView(HotlineRequired, View):
    def post(self, request, pk):
        question = get_object_or_404(CategoryQuestion, pk=pk)
        text = str(question)
        try:
            data = parse(ExpectedForm(request.POST))
            services.category_question_delete(
                actor=request.user, question=question, expected=data["expected"]
            )
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("hotline:question", pk=pk)
        messages.success(request, _("已删除：%(q)s") % {"q": text})
        return redirect("hotline:questions")


# — Answer templates (the dispatch centre's city-wide ones, a unit leader's own) —


class TemplateManagerRequired(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            runs_hotline(user) or (user.role == Role.LEADER and user.unit_id)
        ):
            raise PermissionDenied(_("答复模板由派单中心和各单位负责人维护。"))
        return super().dispatch(request, *args, **kwargs)

    def managed_units(self):
        from longcheng.core.models import Unit

        user = self.request.user
        if user.role == Role.LEADER and user.unit_id:
            return Unit.objects.filter(path__startswith=user.unit.path).order_by("path")
        return Unit.objects.none()

    def managed(self):
        return selectors.templates_managed_by(
            self.request.user,
            city=runs_hotline(self.request.user),
            unit_ids=list(self.managed_units().values_list("pk", flat=True)),
        )


class TemplateListView(TemplateManagerRequired, TemplateView):
    template_name = "hotline/templates.html"

    def get_context_data(self, **kwargs):
        templates = self.managed().order_by("unit__path", "category__path", "stage", "title")
        page = Paginator(templates, 50).get_page(PageForm(self.request.GET).number())
        return super().get_context_data(title=_("答复模板"), page=page, **kwargs)


class TemplateFormView(TemplateManagerRequired, TemplateView):
    template_name = "hotline/template_form.html"

    def get_template_record(self) -> AnswerTemplate | None:
        pk = self.kwargs.get("pk")
        if not pk:
            return None
        template = get_object_or_404(self.managed(), pk=pk)
        if not manages_answer_templates(self.request.user, template.unit):
            raise PermissionDenied(_("您不能修改这条模板。"))
        return template

    def make_form(self, *args, **kwargs):
        return AnswerTemplateForm(
            *args, units=self.managed_units(), city=runs_hotline(self.request.user), **kwargs
        )

    def get_context_data(self, **kwargs):
        template = self.get_template_record()
        if "form" not in kwargs:
            initial: dict = {"is_active": True}
            if template is not None:
                initial = {
                    "category": template.category_id,
                    "stage": template.stage,
                    "unit": template.unit_id,
                    "title": template.title,
                    "text": template.text,
                    "is_active": template.is_active,
                    "expected": selectors.fingerprint(template),
                }
            elif self.request.user.role == Role.LEADER:
                initial["unit"] = self.request.user.unit_id
            kwargs["form"] = self.make_form(initial=initial)
        title = _("修改答复模板") if template else _("新增答复模板")
        return super().get_context_data(title=title, record=template, **kwargs)

    def post(self, request, *args, **kwargs):
        template = self.get_template_record()
        form = self.make_form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("expected")
            try:
                saved = services.answer_template_save(
                    actor=request.user, template=template, expected=expected, **data
                )
            except LongchengError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存：%(t)s") % {"t": saved.title})
                return redirect("hotline:templates")
        return self.render_to_response(self.get_context_data(form=form))


class TemplateDeleteView(TemplateManagerRequired, View):
    def post(self, request, pk):
        template = get_object_or_404(self.managed(), pk=pk)
        title = template.title
        try:
            data = parse(ExpectedForm(request.POST))
            services.answer_template_delete(
                actor=request.user, template=template, expected=data["expected"]
            )
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("hotline:template", pk=pk)
        messages.success(request, _("已删除：%(t)s") % {"t": title})
        return redirect("hotline:templates")
