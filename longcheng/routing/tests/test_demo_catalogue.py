"""The demo's 12345 catalogue routes everyday complaints to the unit a dispatcher would pick:
a dug-up pavement goes to the municipal facilities centre, not to the business-environment
committee (issue 27)."""

import pytest

from longcheng.core import demo as core_demo
from longcheng.loop import demo as loop_demo
from longcheng.loop.models import Category
from longcheng.routing import classifier
from longcheng.routing.suggesting import keyword_suggestions

pytestmark = pytest.mark.django_db

PAVEMENT = "人行道被挖开没有恢复"

EVERYDAY = [
    (PAVEMENT, "太原市市政设施管理中心"),
    ("小区门口井盖丢失，晚上很危险", "太原市市政设施管理中心"),
    ("家里暖气不热，室温才十五度", "太原市供热管理办公室"),
    ("楼道里有燃气味，担心泄漏", "太原市燃气公司"),
    ("出租车司机拒载", "太原市交通运输局"),
    ("物业不打扫卫生还涨物业费", "太原市住房和城乡建设局"),
    ("营业执照在窗口办不成", "小店区政务服务中心"),
]


@pytest.fixture
def demo_catalogue(db):
    core_demo.seed(lambda _line: None)
    return loop_demo._catalogue()


def test_every_existing_category_code_is_kept(demo_catalogue):
    kept = ["biz", "biz-hall", "biz-inspect", "urban", "urban-noise", "urban-dust", "health"]
    kept += ["health-service", "traffic", "project", "volunteer"]
    assert set(kept) <= set(Category.objects.values_list("code", flat=True))
    # Two levels, every category with a lead unit; every leaf has subjects for the demo.
    assert max(c.depth for c in Category.objects.all()) == 2
    assert not Category.objects.filter(default_lead_unit__isnull=True).exists()
    leaves = {c.code for c in Category.objects.all() if c.is_leaf()}
    assert leaves == set(loop_demo.SUBJECTS)


def test_the_keyword_rules_send_a_pavement_to_the_municipal_facilities_centre(demo_catalogue):
    top = keyword_suggestions(PAVEMENT)[0]
    assert top.category.code == "municipal-road"
    assert top.lead_unit.name == "太原市市政设施管理中心"
    for text, unit in EVERYDAY:
        assert keyword_suggestions(text)[0].lead_unit.name == unit, text


def test_a_model_trained_on_the_demos_subjects_agrees(demo_catalogue):
    # What the demo's routing model learns from (its replayed matters repeat these subjects).
    pairs, labels = [], []
    for code, subjects in loop_demo.SUBJECTS.items():
        for subject in subjects:
            for _copy in range(2):
                pairs.append((subject, f"{subject}。群众反映情况属实，请尽快核查处理。"))
                labels.append(code)
    model = classifier.train(pairs, labels)
    units = {c.code: c.default_lead_unit.name for c in Category.objects.all()}
    predicted = classifier.top_k(model, [(text, text) for text, _unit in EVERYDAY], k=1)
    assert predicted[0][0][0] == "municipal-road"
    assert [units[r[0][0]] for r in predicted] == [unit for _text, unit in EVERYDAY]
