from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.core import clock
from longcheng.core.bounds import FIRST_YEAR, LAST_YEAR
from longcheng.parties.models import Enterprise, Person, Site
from longcheng.web.forms import BootstrapFormMixin
from longcheng.web.inputs import DayField, MoneyField, RecordIdField
from longcheng.web.listing import ListQueryForm

from .models import Case, Evidence, Finding, LegalProvision, Patrol
from .workflow import Challenge, Circumstance, ClosedHearing, Outcome, Signature, StatementReview

User = get_user_model()

# Free text a step records (reasons, statements, minutes); the service checks the minimum.
TEXT = 4000


def _officers_of(user):
    """Credentialed officers of the user's enforcement body (all its brigades)."""
    from longcheng.core.errors import LongchengError

    from .selectors import body_for

    queryset = User.objects.filter(officer__isnull=False, is_active=True)
    if user is None or not user.unit_id:
        return queryset.none()
    try:
        root = body_for(user.unit).unit.path
    except LongchengError:
        root = user.unit.path
    return queryset.filter(unit__path__startswith=root).order_by("unit__path", "username")


class LeadForm(BootstrapFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("案件来源"), choices=Case.Source.choices)
    enterprise = forms.ModelChoiceField(
        label=_("当事单位"), queryset=Enterprise.objects.all(), required=False
    )
    person = forms.ModelChoiceField(
        label=_("当事人（个人）"), queryset=Person.objects.all(), required=False
    )
    site = forms.ModelChoiceField(label=_("涉案场所"), queryset=Site.objects.all(), required=False)
    provision = forms.ModelChoiceField(
        label=_("涉嫌违法行为及依据"),
        queryset=LegalProvision.objects.filter(is_active=True),
        required=False,
    )
    facts = forms.CharField(label=_("简要案情"), widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(
        label=_("违法行为发生日"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source_note = forms.CharField(label=_("来源说明"), max_length=300, required=False)
    continuing = forms.BooleanField(label=_("违法行为有连续或者继续状态"), required=False)
    act_ended_on = DayField(
        label=_("违法行为终了日"),
        required=False,
        help_text=_("连续或者继续状态的违法行为，追诉时效自终了之日起计算；仍在继续的留空。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("enterprise") or data.get("person") or data.get("site")):
            self.add_error("enterprise", _("请选择当事单位、当事人或涉案场所。"))
        return data


class PatrolForm(BootstrapFormMixin, forms.ModelForm):
    started_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label=_("结束时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        required=False,
    )

    class Meta:
        model = Patrol
        fields = ["shift", "started_at", "ended_at", "officers", "sites", "route_notes"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = _officers_of(user)
        self.fields["officers"].label_from_instance = lambda u: (
            f"{u.full_name}（{u.officer.credential_number}）"
        )
        self.fields["sites"].queryset = Site.objects.filter(status="active")


class FindingForm(BootstrapFormMixin, forms.Form):
    site = forms.ModelChoiceField(label=_("场所"), queryset=Site.objects.all(), required=False)
    enterprise = forms.ModelChoiceField(
        label=_("当事单位（不选则为场所的建设/施工单位）"),
        queryset=Enterprise.objects.all(),
        required=False,
    )
    description = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 2}))
    found_at = forms.DateTimeField(
        label=_("发现时间"),
        required=False,
        help_text=_("现场看到问题的时间，默认为现在；不能晚于现在，也不能早于巡查开始"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("发现时间格式有误，请重新选择。")},
    )
    outcome = forms.ChoiceField(label=_("处理方式"), choices=Finding.Outcome.choices)
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    provision = forms.ModelChoiceField(
        label=_("违法行为及依据"),
        queryset=LegalProvision.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("found_at", timezone.localtime(clock.now()))


class FileForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(label=_("承办人员"), queryset=User.objects.none())
    provision = forms.ModelChoiceField(
        label=_("违法行为及依据"), queryset=LegalProvision.objects.filter(is_active=True)
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = _officers_of(user)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("证据类型"), choices=Evidence.Kind.choices)
    description = forms.CharField(label=_("证据内容"), widget=forms.Textarea(attrs={"rows": 2}))
    officers = forms.ModelMultipleChoiceField(label=_("同时取证人员"), queryset=User.objects.none())
    video_ref = forms.CharField(label=_("执法记录仪视频编号"), max_length=100, required=False)
    file = forms.FileField(label=_("附件"), required=False)
    credentials_shown = forms.BooleanField(label=_("已向当事人出示执法证件"), required=False)
    # The phone's position when the file was chosen (filled by the page's script, checked by
    # `core.positions.photo_position`: a value that is no place on Earth is dropped).
    latitude = forms.CharField(required=False, max_length=40)
    longitude = forms.CharField(required=False, max_length=40)
    accuracy = forms.CharField(required=False, max_length=40)
    # 先行登记保存: the approving head (the service checks that they lead the unit).
    approved_by = forms.ModelChoiceField(
        label=_("批准人"), queryset=User.objects.all(), required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["officers"].queryset = User.objects.filter(
                pk__in=case.case_officers.values("user")
            )


class NotifyForm(forms.Form):
    circumstance = forms.ChoiceField(label=_("情节"), choices=Circumstance.choices)
    fine = MoneyField(label=_("拟罚款（元）"), required=False, min_value=0, max_digits=12)
    warning = forms.BooleanField(label=_("警告"), required=False)
    stop_work = forms.BooleanField(label=_("责令停工停业"), required=False)
    discretion_reason = forms.CharField(
        label=_("超出裁量基准的理由"), required=False, max_length=TEXT
    )
    major = forms.BooleanField(label=_("重大案件"), required=False)
    complex_case = forms.BooleanField(label=_("情节复杂"), required=False)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=Outcome.choices)
    education = forms.CharField(
        label=_("对当事人的教育（不予处罚时）"), required=False, max_length=TEXT
    )
    # The case's version the page showed (absent: the case as it is now).
    version = forms.IntegerField(label=_("版本"), required=False, min_value=0, max_value=2**31 - 1)


# — The other steps of a case (each posts to its own step address) —


def _text(label, max_length: int = TEXT) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length)


class ReasonForm(forms.Form):
    """不予立案, 撤回公示: a reason."""

    reason = _text(_("理由"))


class UntilForm(forms.Form):
    """延长办案期限, 暂缓缴纳: a date and the reason."""

    until = DayField(label=_("延至"))
    reason = _text(_("理由"))


class PreservationForm(forms.Form):
    evidence = RecordIdField(label=_("证据"))
    decision = _text(_("处理决定"), 200)


class ReleaseForm(forms.Form):
    evidence = RecordIdField(label=_("证据"))
    note = _text(_("返还情况"), 150)


class NoticeReceiptForm(forms.Form):
    received_on = DayField(label=_("当事人收到告知书日期"))


class HearingWaiverForm(forms.Form):
    record = _text(_("书面放弃听证的记录"), 200)


class StatementForm(forms.Form):
    statement = _text(_("陈述申辩"))
    waived = forms.BooleanField(label=_("明确放弃"), required=False)


class StatementReviewForm(forms.Form):
    result = forms.ChoiceField(
        label=_("复核结论"), required=False, choices=[("", ""), *StatementReview.choices]
    )
    opinion = _text(_("复核意见"))
    fine = MoneyField(label=_("复核后罚款（元）"), required=False, min_value=0, max_digits=12)


class ScheduleHearingForm(forms.Form):
    chair = RecordIdField(label=_("听证主持人"))
    hearing_at = forms.DateTimeField(label=_("听证时间"))
    public = forms.ChoiceField(
        label=_("是否公开"),
        required=False,
        choices=[("1", _("公开举行")), ("0", _("不公开举行"))],
    )
    closed_reason = forms.ChoiceField(
        label=_("不公开的理由"), required=False, choices=[("", ""), *ClosedHearing.choices]
    )

    def clean_hearing_at(self):
        moment = self.cleaned_data["hearing_at"]
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("日期须在 %(a)d 年至 %(b)d 年之间。") % {"a": FIRST_YEAR, "b": LAST_YEAR}
            )
        return moment


class HearingRecordForm(forms.Form):
    record = _text(_("听证笔录"))
    signature = forms.ChoiceField(
        label=_("当事人签字"), required=False, choices=[("", ""), *Signature.choices]
    )
    refusal_note = _text(_("拒绝签字的情况"), 200)


class DemandForm(forms.Form):
    served_on = DayField(label=_("催告书送达日期（已送达时填写）"), required=False)


class DemandServedForm(forms.Form):
    served_on = DayField(label=_("催告书送达日期"))


class ChallengeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("救济途径"), required=False, choices=[("", ""), *Challenge.choices]
    )
    filed_on = DayField(label=_("申请/起诉日期"))
    body = _text(_("复议机关/法院"), 100)


class ChallengeEndForm(forms.Form):
    challenge = RecordIdField(label=_("复议或诉讼"))
    ended_on = DayField(label=_("审结日期"))
    upheld = forms.ChoiceField(
        label=_("结果"),
        choices=[("1", _("维持原决定")), ("0", _("撤销或变更原决定"))],
    )
    result = _text(_("复议决定或判决（文号及内容）"), 300)


class RevocationForm(forms.Form):
    revoked_on = DayField(label=_("变更或撤销日期"))
    revocation = _text(_("变更或撤销的机关、文号和内容"), 300)


class WithdrawForm(forms.Form):
    reason = _text(_("撤回理由（公示页面显示）"), 300)
    late_reason = _text(_("迟延撤回的原因"), 300)


class LateReasonForm(forms.Form):
    """备案, 公示: taken late, the step says why."""

    late_reason = _text(_("迟延的原因"), 300)


class ReviewForm(forms.Form):
    passed = forms.ChoiceField(
        label=_("审核结论"),
        required=False,
        choices=[("", ""), ("1", _("通过")), ("0", _("不通过"))],
    )
    opinion = _text(_("审核意见"))


class DiscussForm(forms.Form):
    minutes = _text(_("集体讨论记录"))


class ServeForm(forms.Form):
    method = _text(_("送达方式"), 50)
    served_on = DayField(label=_("送达日期"))
    late_reason = forms.CharField(label=_("迟延送达的原因"), max_length=300, required=False)
    electronic_confirmed = forms.BooleanField(
        label=_("当事人已同意并签订电子送达确认书"), required=False
    )


class PaymentForm(forms.Form):
    amount = MoneyField(label=_("缴款金额"), max_digits=12)
    paid_on = DayField(label=_("缴款日期"))


class CaseQueryForm(ListQueryForm):
    """The case list's address: `?late=1` shows decisions overdue for publication."""

    late = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1")])


class SummaryForm(BootstrapFormMixin, forms.Form):
    """简易程序: decided and handed over on the spot."""

    enterprise = forms.ModelChoiceField(
        label=_("当事单位"), queryset=Enterprise.objects.all(), required=False
    )
    person = forms.ModelChoiceField(
        label=_("当事人（个人）"), queryset=Person.objects.all(), required=False
    )
    site = forms.ModelChoiceField(label=_("地点/场所"), queryset=Site.objects.all(), required=False)
    provision = forms.ModelChoiceField(
        label=_("违法行为及依据"), queryset=LegalProvision.objects.filter(is_active=True)
    )
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 2}))
    warning = forms.BooleanField(label=_("警告"), required=False)
    fine = forms.DecimalField(
        label=_("罚款（元）"),
        required=False,
        min_value=0,
        help_text=_("当场罚款：个人不超过 200 元，单位不超过 3000 元"),
    )
    partner = forms.ModelChoiceField(label=_("同行执法人员"), queryset=User.objects.none())
    place = forms.CharField(label=_("当场处罚地点"), max_length=200)
    statement = forms.CharField(
        label=_("当事人的陈述申辩（没有则留空）"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    party_signature = forms.ChoiceField(label=_("当事人签收"), choices=Signature.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _officers_of(user).exclude(pk=user.pk)

    def clean(self):
        data = super().clean()
        if bool(data.get("enterprise")) == bool(data.get("person")):
            self.add_error("enterprise", _("请选择一个当事单位或一名当事人。"))
        return data


class SitesMapForm(forms.Form):
    """The sites map's filters (`?district=&status=&situation=`), each bounded."""

    district = forms.ModelChoiceField(
        label=_("区县"),
        queryset=None,
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": _("没有这个区县")},
    )
    status = forms.ChoiceField(
        label=_("工地状态"),
        choices=[("", _("全部")), *Site.Status.choices],
        required=False,
        error_messages={"invalid_choice": _("没有这个工地状态")},
    )
    situation = forms.ChoiceField(
        label=_("案件与巡查"),
        required=False,
        error_messages={"invalid_choice": _("没有这个选项")},
    )

    def __init__(self, *args, **kwargs):
        from longcheng.core.models import Division

        from .selectors import SiteSituation

        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Division.objects.filter(
            level__in=("district", "county", "county_city")
        )
        self.fields["situation"].choices = [("", _("全部")), *SiteSituation.CHOICES]

    def values(self) -> dict:
        """The valid filters; a wrong one is dropped (the page says which and why)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}
