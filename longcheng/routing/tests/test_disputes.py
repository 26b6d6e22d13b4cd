"""Dispatch disputes (派单争议): raised when a unit returns a matter twice or two units each
return it; ruled by the dispatch centre, which redispatches the matter, may change the
catalogue (lead unit, keywords, area rule) with a record of before and after, and teaches the
routing model."""

import pytest

from longcheng.audit.models import AuditRecord
from longcheng.core.errors import PermissionRefused
from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Category, MatterEvent, Notification
from longcheng.loop.workflow import Status
from longcheng.routing import selectors, services, suggesting, training
from longcheng.routing.models import AreaRule, CatalogueChange, DispatchDispute

pytestmark = pytest.mark.django_db

E = MatterEvent.Kind
Change = DispatchDispute.Change


@pytest.fixture
def returning(django_capture_on_commit_callbacks):
    """A unit's clerk returns the matter; the commit's callbacks run (the loop's signal)."""

    def _return(matter, clerk, reason="经核实不属于本单位职责范围"):
        with django_capture_on_commit_callbacks(execute=True):
            return loop.matter_return(matter=matter, actor=clerk, reason=reason)

    return _return


def _redispatch(matter, users, unit):
    return loop.matter_dispatch(
        matter=matter, actor=users.dispatcher, lead_unit=unit, redispatch=True
    )


@pytest.fixture
def disputed(dispatched, returning, users, org):
    """直属一大队 returns, the matter goes to 直属二大队, which returns it too."""
    matter = dispatched()
    matter = returning(matter, users.clerk1, "夜间施工噪音应由生态环境部门处理")
    matter = _redispatch(matter, users, org.brigade2)
    matter = returning(matter, users.clerk2, "该工地不在本大队辖区")
    return DispatchDispute.objects.get(matter=matter)


def test_a_second_return_by_the_same_unit_raises_one_dispute(dispatched, returning, users, org):
    matter = returning(dispatched(), users.clerk1)
    assert not DispatchDispute.objects.exists()  # one return is an ordinary return
    matter = returning(_redispatch(matter, users, org.brigade1), users.clerk1, "仍不属于本单位")

    dispute = DispatchDispute.objects.get()
    assert dispute.matter == matter and dispute.status == DispatchDispute.Status.OPEN
    assert list(dispute.units.all()) == [org.brigade1]
    assert [r["reason"] for r in dispute.returns] == [
        "经核实不属于本单位职责范围",
        "仍不属于本单位",
    ]
    raised = matter.events.get(kind=E.DISPUTE_RAISED)
    assert "直属一大队" in raised.note
    notice = Notification.objects.get(recipient=users.dispatcher, kind=Notification.Kind.DISPUTE)
    assert notice.url == dispute.get_absolute_url() and notice.resolved_at is None
    (queue,) = selectors.dispute_work_queues(users.dispatcher)
    assert queue.count == 1 and queue.rows()[0].url == dispute.get_absolute_url()
    assert selectors.dispute_work_queues(users.clerk1) == []


def test_two_units_each_returning_raise_one_dispute_and_a_third_joins_it(
    disputed, returning, users, org
):
    assert set(disputed.units.all()) == {org.brigade1, org.brigade2}
    assert disputed.matter.events.filter(kind=E.DISPUTE_RAISED).count() == 1
    # Sent to a third unit while the dispute is open, which returns it as well: still one.
    matter = _redispatch(disputed.matter, users, org.committee)
    returning(matter, users.committee_clerk, "不属于营商环境监督事项")
    assert DispatchDispute.objects.count() == 1
    disputed.refresh_from_db()
    assert set(disputed.units.all()) == {org.brigade1, org.brigade2, org.committee}
    assert len(disputed.returns) == 3


def test_ruling_redispatches_and_changes_the_lead_unit(disputed, users, org, catalogue):
    noise = Category.objects.get(pk=catalogue["noise"].pk)
    noise.keywords = "噪音,施工"
    noise.save()
    similar = loop.matter_receive(
        MatterDraft(
            title="工地施工噪音",
            description="夜间施工噪音很大",
            channel="hotline",
            kind="complaint",
            urgency="normal",
        ),
        actor=users.dispatcher,
    )
    assert suggesting.suggest(similar).items[0].lead_unit == org.brigade1

    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade2,
        category=noise,
        reasons="工地位于二大队巡查片区，按属地由二大队主办",
        change=Change.LEAD_UNIT,
    )

    disputed.refresh_from_db()
    matter = disputed.matter
    matter.refresh_from_db()
    assert disputed.status == DispatchDispute.Status.RULED
    assert (matter.status, matter.lead_unit) == (Status.DISPATCHED, org.brigade2)
    ruled = matter.events.get(kind=E.DISPUTE_RULED)
    assert "二大队巡查片区" in ruled.note
    assert matter.events.last().kind == E.REDISPATCHED
    noise.refresh_from_db()
    assert noise.default_lead_unit == org.brigade2
    change = CatalogueChange.objects.get()
    assert (change.field, change.dispute, change.actor) == (
        CatalogueChange.Field.LEAD_UNIT,
        disputed,
        users.dispatcher,
    )
    assert change.before == {"unit": {"code": "cg1", "name": "直属一大队"}}
    assert change.after == {"unit": {"code": "cg2", "name": "直属二大队"}}
    assert disputed.changes["before"] == change.before
    assert AuditRecord.objects.filter(
        object_type="loop.category", object_id=str(noise.pk), action="update"
    ).exists()
    assert AuditRecord.objects.filter(
        object_type="routing.dispatchdispute", object_id=str(disputed.pk), action="state_change"
    ).exists()
    # The dispatch centre's notice is settled; both units hear the ruling.
    assert not Notification.objects.filter(
        kind=Notification.Kind.DISPUTE, recipient=users.dispatcher, resolved_at__isnull=True
    ).exists()
    for clerk in (users.clerk1, users.clerk2):
        assert Notification.objects.filter(
            recipient=clerk, kind=Notification.Kind.DISPUTE, title__contains="直属二大队"
        ).exists()
    assert selectors.dispute_work_queues(users.dispatcher)[0].count == 0
    # The next similar matter is suggested to the unit ruled responsible.
    assert suggesting.suggest(similar).items[0].lead_unit == org.brigade2


def test_ruling_without_a_change_leaves_the_catalogue_alone(disputed, users, org, catalogue):
    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade2,
        category=catalogue["noise"],
        reasons="个案按属地由二大队办理",
        change=Change.NONE,
    )
    assert Category.objects.get(pk=catalogue["noise"].pk).default_lead_unit == org.brigade1
    assert not CatalogueChange.objects.exists() and not AreaRule.objects.exists()
    assert DispatchDispute.objects.get().changes == {}


def test_ruling_adds_keywords_and_the_next_suggestion_follows(disputed, users, org, catalogue):
    road = Category.objects.add_child(
        catalogue["root"],
        {"code": "road", "name": "道路设施", "default_lead_unit": org.brigade2, "keywords": "路面"},
    )
    similar = loop.matter_receive(
        MatterDraft(
            title="道路开挖未回填",
            description="燃气施工开挖后一直没有回填",
            channel="hotline",
            kind="complaint",
            urgency="normal",
        ),
        actor=users.dispatcher,
    )
    assert [s.category for s in suggesting.suggest(similar).items] == []

    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade2,
        category=road,
        reasons="道路开挖修复属道路设施管理",
        change=Change.KEYWORDS,
        keywords="开挖，回填、路面",  # 路面 is there already
    )

    road.refresh_from_db()
    assert road.keywords == "路面,开挖,回填"
    change = CatalogueChange.objects.get()
    assert change.before == {"keywords": "路面"}
    assert change.after == {"keywords": "路面,开挖,回填", "added": ["开挖", "回填"]}
    assert suggesting.suggest(similar).items[0].category == road
    matter = DispatchDispute.objects.get().matter
    assert matter.category == road  # the matter is redispatched under the ruled category


def test_ruling_sets_an_area_rule_for_the_matters_district(disputed, users, org, catalogue):
    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade2,
        category=catalogue["noise"],
        reasons="小店区的工地由二大队巡查",
        change=Change.AREA_RULE,
        area=org.xiaodian,
    )
    rule = AreaRule.objects.get()
    assert (rule.division, rule.category, rule.lead_unit) == (
        org.xiaodian,
        catalogue["noise"],
        org.brigade2,
    )
    change = CatalogueChange.objects.get()
    assert change.before == {"rule": None} and change.after["rule"]["lead_unit"] == "cg2"
    assert AuditRecord.objects.filter(object_type="routing.arearule", action="create").exists()


def test_an_area_outside_the_matter_is_refused(disputed, users, org, catalogue):
    with pytest.raises(services.RoutingError, match="事项所在"):
        services.dispute_rule(
            dispute=disputed,
            actor=users.dispatcher,
            expected_version=disputed.version,
            responsible_unit=org.brigade2,
            category=catalogue["noise"],
            reasons="理由",
            change=Change.AREA_RULE,
            area=org.jinyuan,
        )
    assert not AreaRule.objects.exists()
    assert DispatchDispute.objects.get().status == DispatchDispute.Status.OPEN


def test_only_the_dispatch_centre_rules(disputed, users, org, catalogue, login):
    for user in (users.clerk1, users.leader, users.sysadmin):
        with pytest.raises(PermissionRefused):
            services.dispute_rule(
                dispute=disputed,
                actor=user,
                expected_version=disputed.version,
                responsible_unit=org.brigade1,
                category=catalogue["noise"],
                reasons="本单位办理",
                change=Change.LEAD_UNIT,
            )
    assert DispatchDispute.objects.get().status == DispatchDispute.Status.OPEN
    assert not CatalogueChange.objects.exists()
    client = login(users.clerk1)
    assert client.get("/routing/disputes/").status_code == 403
    assert client.get(disputed.get_absolute_url()).status_code == 403
    assert client.post(disputed.get_absolute_url(), {"reasons": "x"}).status_code == 403


def test_a_return_after_the_ruling_starts_anew(disputed, returning, users, org, catalogue):
    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade1,
        category=catalogue["noise"],
        reasons="职责清单明确由一大队负责",
    )
    matter = disputed.matter
    matter.refresh_from_db()
    matter = returning(matter, users.clerk1)  # one return after the ruling: no new dispute
    assert DispatchDispute.objects.count() == 1
    returning(_redispatch(matter, users, org.brigade1), users.clerk1)
    assert DispatchDispute.objects.filter(status=DispatchDispute.Status.OPEN).count() == 1


def test_training_data_holds_the_ruled_label_outside_the_window(
    disputed, users, org, catalogue, settings, monkeypatch
):
    road = Category.objects.add_child(
        catalogue["root"], {"code": "road", "name": "道路设施", "default_lead_unit": org.brigade2}
    )
    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade2,
        category=road,
        reasons="属道路设施",
    )
    matter = disputed.matter
    later = loop.matter_receive(
        MatterDraft(
            title="另一件噪音",
            description="夜间施工",
            channel="hotline",
            kind="complaint",
            urgency="normal",
        ),
        actor=users.dispatcher,
    )
    loop.matter_dispatch(matter=later, actor=users.dispatcher, lead_unit=org.brigade1)
    settings.LONGCHENG_ROUTING_TRAINING_LIMIT = 1  # the window holds the later matter only
    monkeypatch.setattr(training, "MIN_PER_CLASS", 1)

    pairs, labels, disputes = training.labelled_examples()
    assert disputes == 1
    assert (matter.title, matter.description) in pairs
    assert labels[pairs.index((matter.title, matter.description))] == "road"
    pairs, labels = training.training_data()
    assert labels.count("road") == training.DISPUTE_WEIGHT


def test_the_disputes_pages(disputed, users, org, catalogue, login):
    client = login(users.dispatcher)
    page = client.get("/routing/disputes/").content.decode()
    assert disputed.matter.number in page and "待裁定" in page
    assert "直属一大队、直属二大队" in page or "直属二大队、直属一大队" in page
    # Filters, search, a forged period: never an error.
    assert (
        disputed.matter.number not in client.get("/routing/disputes/?status=ruled").content.decode()
    )
    assert (
        disputed.matter.number
        in client.get(f"/routing/disputes/?q={disputed.matter.number}&period=7").content.decode()
    )
    assert client.get("/routing/disputes/?period=99999999999&unit=abc").status_code == 200
    export = client.get("/routing/disputes/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")

    detail = client.get(disputed.get_absolute_url()).content.decode()
    assert "该工地不在本大队辖区" in detail and "夜间施工噪音应由生态环境部门处理" in detail
    assert 'data-testid="classifier-suggestion"' in detail and 'data-testid="ruling-form"' in detail
    matter_page = client.get(disputed.matter.get_absolute_url()).content.decode()
    assert 'data-testid="dispute-panel"' in matter_page

    form = {
        "responsible_unit": org.brigade2.pk,
        "category": catalogue["noise"].pk,
        "reasons": "",
        "change": "keywords",
        "keywords": "",
        "version": disputed.version,
        "matter_version": disputed.matter.version,
    }
    refused = client.post(disputed.get_absolute_url(), form).content.decode()
    assert "请填写裁定理由" in refused and "请填写要增加的关键词" in refused
    assert DispatchDispute.objects.get().status == DispatchDispute.Status.OPEN

    form.update(reasons="工地在二大队片区", keywords="打桩")
    response = client.post(disputed.get_absolute_url(), form)
    assert response.status_code == 302
    ruled = client.get(disputed.get_absolute_url()).content.decode()
    assert 'data-testid="changes"' in ruled and "打桩" in ruled and "（无）" in ruled
    # Posting the same ruling again (a second tab) is refused in plain words.
    again = client.post(disputed.get_absolute_url(), form, follow=True).content.decode()
    assert "该争议已由他人裁定" in again
    assert CatalogueChange.objects.count() == 1


def test_a_trained_version_counts_its_dispute_labels(disputed, users, org, catalogue, login):
    road = Category.objects.add_child(
        catalogue["root"], {"code": "road", "name": "道路设施", "default_lead_unit": org.brigade2}
    )
    services.dispute_rule(
        dispute=disputed,
        actor=users.dispatcher,
        expected_version=disputed.version,
        responsible_unit=org.brigade2,
        category=road,
        reasons="属道路设施",
    )
    for index, (category, unit, text) in enumerate(
        [(catalogue["noise"], org.brigade1, "夜间施工噪音扰民")] * 5
        + [(road, org.brigade2, "人行道挖开未回填")] * 4
    ):
        matter = loop.matter_receive(
            MatterDraft(
                title=f"{text}{index}",
                description=text,
                channel="hotline",
                kind="complaint",
                urgency="normal",
            ),
            actor=users.dispatcher,
        )
        loop.matter_dispatch(
            matter=matter, actor=users.dispatcher, lead_unit=unit, category=category
        )
    record = training.routing_train(actor=users.sysadmin)
    assert record.evaluation["dispute_labels"] == 1  # 4 + the ruling make 道路设施's five
    page = login(users.sysadmin).get("/routing/models/").content.decode()
    assert "含派单争议裁定标注 1 条" in page
