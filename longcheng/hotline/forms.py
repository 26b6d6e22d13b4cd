from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Unit
from longcheng.core.validators import validate_mobile
from longcheng.loop.forms import CategoryChoiceField, ReceiveForm, UnitChoiceField
from longcheng.loop.models import AnswerTemplate, Category, CategoryQuestion
from longcheng.loop.workflow import Channel
from longcheng.web.forms import BootstrapFormMixin

from .selectors import question_options, questions_for

NUMBER_MAX = Decimal("9999999999")
ID_MAX = 2**31 - 1


def question_field(question: CategoryQuestion) -> forms.Field:
    """The form field for one intake question, its errors naming the question."""
    label = question.label
    common = {
        "label": label,
        "required": question.required,
        "help_text": question.help_text,
        "error_messages": {"required": gettext("请填写“%(q)s”。") % {"q": label}},
    }
    if question.kind == CategoryQuestion.Kind.NUMBER:
        field: forms.Field = forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=0,
            max_value=NUMBER_MAX,
            **common,
        )
        field.error_messages.update(
            invalid=gettext("“%(q)s”须填写数字。") % {"q": label},
            min_value=gettext("“%(q)s”不能小于 0。") % {"q": label},
            max_value=gettext("“%(q)s”的数字过大。") % {"q": label},
            max_digits=gettext("“%(q)s”的数字过长。") % {"q": label},
            max_decimal_places=gettext("“%(q)s”最多两位小数。") % {"q": label},
        )
        field.widget.attrs["inputmode"] = "decimal"
        return field
    if question.kind == CategoryQuestion.Kind.CHOICE:
        options = question_options(question)
        field = forms.ChoiceField(choices=[("", "——"), *[(o, o) for o in options]], **common)
        field.error_messages["invalid_choice"] = gettext("“%(q)s”请从选项中选择。") % {"q": label}
        return field
    field = forms.CharField(max_length=200, **common)
    field.error_messages["max_length"] = gettext("“%(q)s”最多 200 个字。") % {"q": label}
    return field


class QuestionsMixin:
    """Adds the chosen category's intake questions as fields named q_<id>."""

    def add_questions(self, category: Category | None) -> None:
        self.questions = questions_for(category)
        for question in self.questions:
            field = question_field(question)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
            field.widget.attrs["data-question"] = "1"
            self.fields[f"q_{question.pk}"] = field

    def intake_answers(self) -> dict:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.pk}")
            if value in (None, ""):
                continue
            if isinstance(value, Decimal):
                value = format(value.normalize(), "f")
            answers[str(question.pk)] = {"label": question.label, "value": str(value)}
        return answers


def _category_of(data) -> Category | None:
    raw = (data or {}).get("category") or ""
    if not str(raw).isdigit() or int(raw) > ID_MAX:
        return None
    return Category.objects.filter(pk=int(raw), is_active=True).first()


class WorkbenchForm(QuestionsMixin, ReceiveForm):
    """The loop's 受理 form, preset to the hotline, with the category's questions and what
    即时办结 needs (the answer given on the call, the knowledge article it came from)."""

    MODES = [("receive", _("受理")), ("on_call", _("即时办结"))]

    mode = forms.ChoiceField(choices=MODES, initial="receive", widget=forms.HiddenInput)
    answer_text = forms.CharField(
        label=_("通话中答复内容"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("咨询类可在通话中直接答复办结：可从右侧知识库插入答复，再按来电情况修改"),
    )
    knowledge_article = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )
    personal_data_checked = forms.BooleanField(label=_("已核对答复中的个人信息"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("channel", Channel.HOTLINE)
        super().__init__(*args, **kwargs)
        self.fields.pop("files", None)  # a call brings no files
        self.add_questions(_category_of(self.data) if self.is_bound else None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == "on_call":
            if cleaned.get("kind") != "consultation":
                self.add_error("kind", gettext("只有咨询类诉求可以即时办结，其他诉求请受理派单。"))
            if len((cleaned.get("answer_text") or "").strip()) < 5:
                self.add_error("answer_text", gettext("即时办结须填写答复内容（不少于 5 个字）。"))
        return cleaned


class CategoryForm(forms.Form):
    """?category= (a catalogue node, or none)."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False
    )

    def chosen(self) -> Category | None:
        return self.cleaned_data.get("category") if self.is_valid() else None


class QuestionsForm(QuestionsMixin, forms.Form):
    """The question fields alone (unbound: no errors before the operator has typed), for the
    fragment the workbench loads on a category change."""

    def __init__(self, *args, category: Category | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questions(category)


class CallerForm(forms.Form):
    """?phone= (and what the operator has typed so far) for the caller's history."""

    phone = forms.CharField(max_length=20)
    title = forms.CharField(max_length=200, required=False)
    description = forms.CharField(max_length=4000, required=False)
    category = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)

    def clean_phone(self):
        return validate_mobile(self.cleaned_data["phone"])


class FollowForm(BootstrapFormMixin, forms.Form):
    matter = forms.IntegerField(min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)
    words = forms.CharField(
        label=_("来电人这次反映的内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请记录来电人这次反映的内容。")},
    )


class ExpectedForm(forms.Form):
    """What the record said when its page was shown (selectors.fingerprint)."""

    expected = forms.CharField(required=False, max_length=32)


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=AnswerTemplate.Stage.choices)


class CategoryQuestionForm(BootstrapFormMixin, forms.Form):
    category = CategoryChoiceField(
        label=_("派单目录"),
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        help_text=_("问题也会在该目录的各级子目录受理时出现"),
        widget=forms.Select(attrs={"data-searchable": _("输入目录名称筛选")}),
    )
    label = forms.CharField(label=_("问题"), max_length=100)
    help_text = forms.CharField(label=_("提示"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=CategoryQuestion.Kind.choices)
    options = forms.CharField(
        label=_("选项（每行一个，仅选项类）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(label=_("必答"), required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=10_000, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    expected = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == CategoryQuestion.Kind.CHOICE:
            options = [o for o in (cleaned.get("options") or "").splitlines() if o.strip()]
            if len(options) < 2:
                self.add_error("options", gettext("选项类问题至少要有两个选项，每行一个。"))
        return cleaned


class AnswerTemplateForm(BootstrapFormMixin, forms.Form):
    category = CategoryChoiceField(
        label=_("派单目录"),
        required=False,
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        help_text=_("留空则各类事项通用；也适用于该目录的各级子目录"),
        widget=forms.Select(attrs={"data-searchable": _("输入目录名称筛选")}),
    )
    stage = forms.ChoiceField(label=_("环节"), choices=AnswerTemplate.Stage.choices)
    unit = UnitChoiceField(
        label=_("适用单位"),
        required=False,
        queryset=Unit.objects.none(),
        help_text=_("留空则全市通用（派单中心维护）"),
    )
    title = forms.CharField(label=_("名称"), max_length=100)
    text = forms.CharField(
        label=_("模板内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("可用占位符：{编号} {标题} {诉求人称呼} {办理单位} {派单目录} {受理日期}"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    expected = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args, units=None, city: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units if units is not None else Unit.objects.none()
        field.required = not city
        if not city:
            field.help_text = _("本单位或下级单位")

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text.strip()) < 5:
            raise ValidationError(gettext("模板内容过短，请写出完整的答复文字。"))
        return text
