"""The classifier on small data the tests make: trains, predicts, versions, promotes, rolls
back; the keyword rules answer when there is no model; duplicates and hot spots."""

import datetime

import pytest

from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.duplicates import similar_open_matters
from longcheng.loop.models import Category, Matter
from longcheng.loop.workflow import Channel, Kind, Status, Urgency
from longcheng.routing import services, suggesting, training
from longcheng.routing.hotspots import hotspots_compute
from longcheng.routing.models import RoutingModel
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

NOISE = [
    "工地夜间施工噪音扰民，凌晨还在打桩",
    "晚上十一点后工地仍在浇筑混凝土噪音很大",
    "建筑工地夜间施工影响休息",
    "半夜工地机械轰鸣无法入睡",
    "夜间打桩声音太大扰民",
    "工地深夜施工噪声严重",
]
DUST = [
    "渣土车未苫盖沿路遗撒扬尘",
    "工地裸土没有覆盖风一吹全是灰",
    "运输车辆出工地不冲洗带泥上路",
    "道路扬尘严重洒水不到位",
    "渣土车夜间拉运尘土飞扬",
    "施工现场扬尘大未湿法作业",
]


@pytest.fixture
def dust(catalogue, org):
    root = catalogue["root"]
    return Category.objects.add_child(
        root,
        {
            "code": "dust",
            "name": "渣土扬尘",
            "default_lead_unit": org.brigade2,
            "keywords": "渣土,扬尘,苫盖",
        },
    )


def _history(users, org, catalogue, dust):
    for texts, category, unit in (
        (NOISE, catalogue["noise"], org.brigade1),
        (DUST, dust, org.brigade2),
    ):
        for text in texts:
            matter = loop.matter_receive(
                MatterDraft(
                    title=text[:12],
                    description=text,
                    channel=Channel.HOTLINE,
                    kind=Kind.COMPLAINT,
                    urgency=Urgency.NORMAL,
                    reporter_phone="13900000000",
                ),
                actor=users.committee_clerk,
            )
            loop.matter_dispatch(
                matter=matter, actor=users.dispatcher, lead_unit=unit, category=category
            )


def _hotline_complaint(users, title, description):
    return loop.matter_receive(
        MatterDraft(
            title=title,
            description=description,
            channel="hotline",
            kind="complaint",
            urgency="normal",
            reporter_phone="13900000001",
        ),
        actor=users.committee_clerk,
    )


def test_train_predict_promote_and_roll_back(users, org, catalogue, dust):
    with pytest.raises(services.RoutingError):
        training.routing_train()  # nothing categorised yet
    _history(users, org, catalogue, dust)
    first = training.routing_train(actor=users.sysadmin)
    assert first.version == 1 and first.trained_on == 12
    assert set(first.evaluation) >= {"accuracy", "macro_f1", "top3", "per_class", "confusion"}
    assert first.state == RoutingModel.State.CANDIDATE

    new = _hotline_complaint(users, "夜里工地很吵", "工地夜间施工噪音扰民，打桩到凌晨")
    assert suggesting.suggest(new).source == "rules"  # no active model yet
    services.routing_promote(record=first, actor=users.sysadmin)
    suggestions = suggesting.suggest(new)
    assert suggestions.source == "model" and suggestions.version == 1
    assert suggestions.items[0].category == catalogue["noise"]
    assert suggestions.items[0].lead_unit == org.brigade1
    assert 0 < suggestions.items[0].confidence <= 1

    second = training.routing_train(actor=users.sysadmin)
    services.routing_promote(record=second, actor=users.sysadmin)
    assert RoutingModel.objects.get(pk=first.pk).state == RoutingModel.State.RETIRED
    services.routing_promote(record=first, actor=users.sysadmin)  # roll back
    assert RoutingModel.objects.get(state=RoutingModel.State.ACTIVE).version == 1
    with pytest.raises(Exception, match="系统管理员"):
        services.routing_promote(record=second, actor=users.dispatcher)


def test_keyword_rules_answer_when_there_is_no_model(users, org, catalogue, dust):
    matter = _hotline_complaint(users, "渣土车", "渣土车没有苫盖，扬尘很大")
    suggestions = suggesting.suggest(matter)
    assert suggestions.source == "rules"
    assert suggestions.items[0].category == dust


def test_the_dispatcher_takes_a_suggestion_with_one_click(login, users, org, catalogue, dust):
    matter = _hotline_complaint(users, "渣土车", "渣土车没有苫盖，扬尘很大")
    client = login(users.dispatcher)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert 'data-testid="routing-panel"' in page and "关键词规则" in page
    client.post(
        f"/routing/matters/{matter.pk}/take/", {"category": dust.pk, "version": matter.version}
    )
    matter.refresh_from_db()
    assert (matter.status, matter.category, matter.lead_unit) == (
        Status.DISPATCHED,
        dust,
        org.brigade2,
    )


def test_a_duplicate_is_found_and_merged(login, users, org, catalogue, clock, receive):
    first = receive(
        title="富力壹品夜间施工",
        division=org.xiaodian,
        description="富力壹品工地夜间施工噪音扰民，凌晨还在打桩",
    )
    loop.matter_dispatch(matter=first, actor=users.dispatcher, lead_unit=org.brigade1)
    clock.to(at(2023, 9, 27, 9, 0))
    second = receive(
        title="富力壹品工地太吵",
        division=org.xiaodian,
        description="富力壹品工地夜间施工噪音扰民，凌晨打桩",
        reporter_phone="13900000002",
    )
    found = similar_open_matters(
        text=f"{second.title}{second.description}",
        category=second.category,
        division=second.division,
        exclude_pk=second.pk,
    )
    assert [f.matter.pk for f in found] == [first.pk]
    assert "同一类别" in found[0].reason and "文字相似度" in found[0].reason
    unrelated = similar_open_matters(
        text="公交车站牌损坏需要维修", category=second.category, exclude_pk=second.pk
    )
    assert unrelated == []
    client = login(users.dispatcher)
    page = client.get(second.get_absolute_url()).content.decode()
    assert first.number in page and "并单建议" in page
    client.post(f"/loop/matters/{second.pk}/act/merge/", {"merge-master_number": first.number})
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.master == first


def test_hot_spots_group_what_many_people_raised(users, org, catalogue, dust):
    for text in NOISE[:5]:
        loop.matter_receive(
            MatterDraft(
                title=text[:10],
                description=text + "，富力壹品工地",
                channel="hotline",
                kind="complaint",
                urgency="normal",
                category=catalogue["noise"],
                division=org.xiaodian,
                reporter_phone="13900000001",
            ),
            actor=users.committee_clerk,
        )
    loop.matter_receive(
        MatterDraft(
            title="公交站牌",
            description="站牌损坏",
            channel="hotline",
            kind="complaint",
            urgency="normal",
            category=dust,
            reporter_phone="13900000001",
        ),
        actor=users.committee_clerk,
    )
    report = hotspots_compute(start=at(2023, 9, 20), end=at(2023, 9, 27))
    assert report.matters == 6
    assert len(report.clusters) == 1
    hot = report.clusters[0]
    assert hot["count"] >= 3 and hot["category"] == "夜间施工噪音"
    assert any("小店区" in p for p in hot["places"])


def test_the_models_page_trains_and_promotes(login, users, org, catalogue, dust):
    _history(users, org, catalogue, dust)
    client = login(users.sysadmin)
    client.post("/routing/models/", {"train": "1"})
    record = RoutingModel.objects.get()
    page = client.get("/routing/models/").content.decode()
    assert "v1" in page and "混淆矩阵" in page
    client.post("/routing/models/", {"promote": record.pk})
    assert RoutingModel.objects.get().state == RoutingModel.State.ACTIVE
    assert login(users.dispatcher).get("/routing/models/").status_code == 403


def test_the_routing_train_command(users, org, catalogue, dust, capsys):
    from django.core.management import call_command

    _history(users, org, catalogue, dust)
    call_command("routing_train", "--promote")
    assert "v1" in capsys.readouterr().out
    assert RoutingModel.objects.get().state == RoutingModel.State.ACTIVE


def test_an_old_matter_is_no_duplicate(users, org, catalogue, clock):
    old = loop.matter_receive(
        MatterDraft(
            title="夜间施工",
            description="工地夜间施工噪音扰民",
            channel="hotline",
            kind="complaint",
            urgency="normal",
            category=catalogue["noise"],
            reporter_phone="13900000001",
        ),
        actor=users.committee_clerk,
    )
    clock.to(at(2023, 9, 25, 9, 0) + datetime.timedelta(days=30))
    assert (
        similar_open_matters(
            text="工地夜间施工噪音扰民", category=catalogue["noise"], exclude_pk=None
        )
        == []
    )
    assert Matter.objects.filter(pk=old.pk).exists()


def test_training_learns_from_the_latest_window_only(settings, users, org, catalogue, dust):
    """A city's history grows for years; a new model learns from the latest dispatches."""
    _history(users, org, catalogue, dust)  # six noise matters, then six dust matters
    settings.LONGCHENG_ROUTING_TRAINING_LIMIT = 11
    assert training.category_counts() == {catalogue["noise"].code: 5, "dust": 6}
    record = training.routing_train()
    assert record.trained_on == 11
    assert record.evaluation["method"] == "cv5"


def test_a_large_history_is_checked_on_a_held_out_fifth(monkeypatch, users, org, catalogue, dust):
    _history(users, org, catalogue, dust)
    monkeypatch.setattr(training, "HOLD_OUT_FROM", 10)
    record = training.routing_train()
    assert record.evaluation["method"] == "holdout"
    # three of the twelve were kept out of training and predicted (not all twelve, as in CV)
    assert sum(map(sum, record.evaluation["confusion"])) == 3


def test_with_workers_the_page_trains_in_the_background(
    settings, login, users, org, catalogue, dust
):
    from config.celery import app
    from longcheng.audit.models import AuditRecord

    _history(users, org, catalogue, dust)
    settings.LONGCHENG_TIMERS = "celery"
    app.conf.task_always_eager = True  # the task runs here instead of on a worker
    try:
        response = login(users.sysadmin).post("/routing/models/", {"train": "1"}, follow=True)
    finally:
        app.conf.task_always_eager = False
    assert "已在后台开始训练" in response.content.decode()
    record = RoutingModel.objects.get()
    audit = AuditRecord.objects.get(object_type="routing.routingmodel", object_id=str(record.pk))
    assert audit.actor == users.sysadmin


def test_a_lost_model_file_leaves_the_keyword_rules_answering(login, users, org, catalogue, dust):
    _history(users, org, catalogue, dust)
    record = training.routing_train(actor=users.sysadmin)
    services.routing_promote(record=record, actor=users.sysadmin)
    record.file.storage.delete(record.file.name)
    suggesting.forget_loaded_models()
    matter = _hotline_complaint(users, "渣土车", "渣土车没有苫盖，扬尘很大")
    assert suggesting.suggest(matter).source == "rules"
    page = login(users.dispatcher).get(matter.get_absolute_url())
    assert page.status_code == 200
    assert "关键词规则" in page.content.decode()


def test_a_hot_spot_shows_a_unit_only_its_own_matters(login, users, org, catalogue, dust):
    """Issue 23, item 8: the dispatch centre sees the city's clusters; a unit's leader sees a
    cluster only when it holds one of the unit's matters, and quoted from such a matter."""
    made = [
        loop.matter_receive(
            MatterDraft(
                title=f"噪音{i}",
                description=text + "，富力壹品工地",
                channel="hotline",
                kind="complaint",
                urgency="normal",
                category=catalogue["noise"],
                division=org.xiaodian,
                reporter_phone="13900000001",
            ),
            actor=users.committee_clerk,
        )
        for i, text in enumerate(NOISE[:5])
    ]
    hotspots_compute(start=at(2023, 9, 20), end=at(2023, 9, 27))
    assert "噪音" in login(users.dispatcher).get("/routing/hotspots/").content.decode()
    leader_page = login(users.leader).get("/routing/hotspots/").content.decode()
    assert 'data-testid="hotspot"' not in leader_page

    Matter.objects.filter(pk=made[3].pk).update(lead_unit=org.brigade1)
    leader_page = login(users.leader).get("/routing/hotspots/").content.decode()
    assert leader_page.count('data-testid="hotspot"') == 1
    assert "其中本单位 1 件" in leader_page and "噪音3" in leader_page
    assert not any(f"噪音{i}：" in leader_page for i in (0, 1, 2, 4))


# Complaints about one building site: well inside the hot spot radius of one another.
SITE = [
    "富力壹品工地夜间施工噪音扰民，凌晨还在打桩",
    "富力壹品工地夜间施工噪音很大，影响休息",
    "富力壹品工地夜里施工噪音扰民",
    "富力壹品工地夜间打桩噪音扰民",
    "富力壹品工地夜间施工噪音，无法入睡",
    "富力壹品工地晚上施工噪音扰民",
]


def _noise(users, org, catalogue, text, title="工地噪音"):
    return loop.matter_receive(
        MatterDraft(
            title=title,
            description=text,
            channel="hotline",
            kind="complaint",
            urgency="normal",
            category=catalogue["noise"],
            division=org.xiaodian,
            reporter_phone="13900000001",
        ),
        actor=users.committee_clerk,
    )


def test_a_hot_spot_opens_its_matters_and_compares_with_last_week(
    login, users, org, catalogue, dust, clock
):
    # The week before: two complaints about the same site, and an unrelated one.
    clock.to(at(2023, 9, 15, 10, 0))
    earlier = [_noise(users, org, catalogue, t) for t in SITE[4:6]]
    _noise(users, org, catalogue, "站牌损坏，玻璃碎了一地", title="公交站牌")
    clock.to(at(2023, 9, 25, 9, 0))
    made = [_noise(users, org, catalogue, t) for t in SITE[:5]]
    other = _hotline_complaint(users, "渣土车", "渣土车没有苫盖，扬尘很大")
    report = hotspots_compute(start=at(2023, 9, 20), end=at(2023, 9, 27))
    [hot] = report.clusters
    assert (hot["count"], hot["previous"]) == (5, 2)

    client = login(users.dispatcher)
    page = client.get("/routing/hotspots/").content.decode()
    assert "较上周 +150%（2 件）" in page and "bi-arrow-up" in page
    url = f"/routing/hotspots/{report.pk}/0/"
    assert url in page and "查看 5 件事项" in page
    listed = client.get(url).content.decode()
    assert all(m.number in listed for m in made)
    assert not any(m.number in listed for m in [*earlier, other])
    assert "共 5 条" in listed and "热点诉求 · 夜间施工噪音" in listed

    # A unit's leader opens only the hot spot's matters of their units.
    Matter.objects.filter(pk=made[3].pk).update(lead_unit=org.brigade1)
    leader = login(users.leader)
    assert "查看本单位 1 件事项" in leader.get("/routing/hotspots/").content.decode()
    own = leader.get(url).content.decode()
    assert made[3].number in own and "共 1 条" in own
    assert not any(m.number in own for m in made[:3] + made[4:])
    # No such hot spot, or an address typed by hand: not found rather than an error.
    assert client.get(f"/routing/hotspots/{report.pk}/7/").status_code == 404
    assert client.get(f"/routing/hotspots/{report.pk + 99}/0/").status_code == 404


def test_a_hot_spot_that_fell_shows_the_fall_and_an_old_report_shows_none(
    login, users, org, catalogue, dust, clock
):
    from longcheng.routing.models import HotSpotReport

    clock.to(at(2023, 9, 14, 10, 0))
    for text in SITE:
        _noise(users, org, catalogue, text)
    clock.to(at(2023, 9, 25, 9, 0))
    for text in SITE[:3]:
        _noise(users, org, catalogue, text)
    report = hotspots_compute(start=at(2023, 9, 20), end=at(2023, 9, 27))
    assert [(c["count"], c["previous"]) for c in report.clusters] == [(3, 6)]
    client = login(users.dispatcher)
    assert "较上周 -50%（6 件）" in client.get("/routing/hotspots/").content.decode()
    # A report computed before the counts were kept says nothing of a change.
    HotSpotReport.objects.filter(pk=report.pk).update(
        clusters=[{k: v for k, v in c.items() if k != "previous"} for c in report.clusters]
    )
    page = client.get("/routing/hotspots/").content.decode()
    assert "较上周" not in page and 'data-testid="hotspot"' in page


def test_the_models_page_shows_each_categorys_figures_and_the_confusion_matrix(
    login, users, org, catalogue, dust
):
    import re

    _history(users, org, catalogue, dust)
    record = training.routing_train(actor=users.sysadmin)
    assert record.evaluation["names"] == {"noise": "夜间施工噪音", "dust": "渣土扬尘"}
    page = login(users.sysadmin).get("/routing/models/").content.decode()
    figures = page[page.index('data-testid="figures-v1"') :]
    assert "夜间施工噪音" in figures and "渣土扬尘" in figures and "宏平均" in figures
    supports = [int(n) for n in re.findall(r'data-testid="support">(\d+)<', figures)]
    rows = re.findall(r'<tr data-testid="matrix-row" data-name="([^"]+)">(.*?)</tr>', figures)
    assert [name for name, _cells in rows] == ["渣土扬尘", "夜间施工噪音"]  # by code
    assert supports == [6, 6]
    for (name, cells), support in zip(rows, supports, strict=True):
        counts = [int(n) for n in re.findall(r'data-testid="cell">(\d+)<', cells)]
        assert len(counts) == 2 and sum(counts) == support, name
        assert f'data-testid="row-total">{support}<' in cells
    # The matrix holds every cross-validated prediction: twelve matters, twelve counts.
    assert sum(map(sum, record.evaluation["confusion"])) == 12


def test_a_version_trained_before_the_figures_were_kept_says_so(login, users, org, catalogue, dust):
    _history(users, org, catalogue, dust)
    record = training.routing_train(actor=users.sysadmin)
    RoutingModel.objects.filter(pk=record.pk).update(
        evaluation={"accuracy": 0.9, "macro_f1": 0.9, "top3": 1.0, "method": "cv5"}
    )
    page = login(users.sysadmin).get("/routing/models/").content.decode()
    assert "v1 训练于平台开始保存分类别指标和混淆矩阵之前" in page
    assert 'data-testid="matrix-row"' not in page
    # A version that kept the figures but not the names reads the categories' names today.
    evaluation = record.evaluation
    evaluation.pop("names")
    RoutingModel.objects.filter(pk=record.pk).update(evaluation=evaluation)
    page = login(users.sysadmin).get("/routing/models/").content.decode()
    assert 'data-name="夜间施工噪音"' in page and "类别名称为现名" in page
