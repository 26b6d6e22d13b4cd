"""factory_boy factories built on the services: a record made here is made the way a user's
action makes it (checks, events, audit), never by writing rows around the rules. Each factory
takes the records it hangs from (an actor, a fund, a campaign's template) and fills the rest
with plausible Taiyuan values; tests override what they are about.

    MatterFactory(actor=users.dispatcher, category=catalogue["noise"])
    CaseFactory(actor=officers.a, enterprise=records.enterprise, provision=waste_rule)
    CampaignFactory(actor=inspectors.leader, template=template, inspectors=[...])
    ApplicationFactory(campaign=forum.campaign, preferences=[forum.service])
    DealFactory(actor=users.clerk1, fund=fund)
"""

import datetime
from decimal import Decimal

import factory
from django.utils.module_loading import import_string
from stdnum.cn import ric, uscc

from longcheng.enforcement.models import Case
from longcheng.funds.models import Deal
from longcheng.inspections.models import Campaign
from longcheng.inspections.workflow import Mode
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel, Kind, Urgency
from longcheng.volunteers.models import Application


class ServiceFactory(factory.Factory):
    """`_create` calls the service at `_service_path` with the declared values (imported when a
    record is made, so that this module loads before the apps' services)."""

    class Meta:
        abstract = True

    _service_path = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return import_string(cls._service_path)(**kwargs)


class MatterFactory(ServiceFactory):
    """受理 through loop.services.matter_receive."""

    class Meta:
        model = Matter

    actor = None
    title = factory.Sequence(lambda n: f"富力壹品工地夜间施工噪音扰民（{n}）")
    description = "晚上11点后仍在施工，影响休息。"
    channel = Channel.SUPERVISOR
    kind = Kind.COMPLAINT
    urgency = Urgency.NORMAL
    category = None
    reporter_name = "贺文静"
    reporter_phone = "13912340001"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from longcheng.loop import services
        from longcheng.loop.drafts import MatterDraft

        received = {name: kwargs.pop(name) for name in ("actor", "at", "files") if name in kwargs}
        return services.matter_receive(MatterDraft(**kwargs), **received)


class CaseFactory(ServiceFactory):
    """案源登记 through enforcement.services.case_register_lead."""

    class Meta:
        model = Case

    actor = None
    source = "patrol"
    facts = "夜间使用未经核准车辆运输建筑垃圾"
    occurred_on = datetime.date(2023, 9, 24)

    _service_path = "longcheng.enforcement.services.case_register_lead"


class CampaignFactory(ServiceFactory):
    """A full-coverage inspection of active construction sites (inspections.campaign_create)."""

    class Meta:
        model = Campaign

    actor = None
    template = None
    name = factory.Sequence(lambda n: f"建筑工地扬尘专项检查（{n}）")
    mode = Mode.FULL_COVERAGE
    scope = factory.LazyFunction(
        lambda: {"party_type": "site", "site_kinds": ["construction"], "site_statuses": ["active"]}
    )
    start_date = datetime.date(2023, 9, 25)
    end_date = datetime.date(2023, 10, 31)
    inspectors = ()
    rectification_days = 5

    _service_path = "longcheng.inspections.services.campaign_create"


def _id_number(n: int, birth=datetime.date(2002, 5, 1)) -> str:
    body = f"140105{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body)


class ApplicationFactory(ServiceFactory):
    """报名 from the phone form (volunteers.application_submit), available the first five days."""

    class Meta:
        model = Application

    campaign = None
    full_name = factory.Sequence(lambda n: f"志愿者{n}")
    id_number = factory.Sequence(_id_number)
    phone = "13912345678"
    organisation = "太原理工大学"
    languages = ()
    available_dates = factory.LazyAttribute(
        lambda o: [o.campaign.service_from + datetime.timedelta(days=i) for i in range(5)]
    )
    preferences = ()
    consent = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["languages"] = list(kwargs["languages"])
        kwargs["preferences"] = list(kwargs["preferences"])
        return super()._create(model_class, *args, **kwargs)

    _service_path = "longcheng.volunteers.services.application_submit"


def _credit_code(n: int) -> str:
    body = f"91140100MA0K{n % 10000:04d}3"[:17]
    return body + uscc.calc_check_digit(body)


class DealFactory(ServiceFactory):
    """A lead (线索) in a fund's pipeline (funds.deal_create)."""

    class Meta:
        model = Deal

    actor = None
    fund = None
    company = factory.Sequence(lambda n: f"太原某半导体科技有限公司（{n}）")
    credit_code = factory.Sequence(_credit_code)
    industry = "C3973"
    division = "140105"
    amount = Decimal(5000)

    _service_path = "longcheng.funds.services.deal_create"
