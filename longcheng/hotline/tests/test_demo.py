"""The workbench's demo: the questions of 供水, 供暖 and 燃气, templates, and callers whose
history the workbench shows (one with a heating complaint still open)."""

import pytest

from conftest import UserFactory
from longcheng.core import demo as core_demo
from longcheng.core.models import Unit
from longcheng.hotline import demo
from longcheng.loop import demo as loop_demo
from longcheng.loop.models import AnswerTemplate, CategoryQuestion
from longcheng.loop.selectors import caller_history, caller_open_similar
from longcheng.loop.workflow import Status

pytestmark = pytest.mark.django_db


def test_demo_callers_have_a_history(db):
    core_demo.seed(lambda _line: None)
    categories = loop_demo._catalogue()
    UserFactory(username="dispatcher", role="dispatcher", unit=Unit.objects.get(code="ty-12345"))
    UserFactory(username="gr", role="clerk", unit=Unit.objects.get(code="ty-grb"))
    demo.seed(lambda _line: None)
    demo.seed(lambda _line: None)  # idempotent
    labels = set(CategoryQuestion.objects.values_list("category__code", "label"))
    assert {
        ("water", "水表户号"),
        ("heating", "楼层/户号"),
        ("heating-cold", "室温（℃）"),
    } <= labels
    assert AnswerTemplate.objects.filter(stage="on_call").exists()
    history = caller_history("13903510021")
    assert history[0].title == "暖气又不热了，卧室十五度"
    assert len(history) == 3
    assert any(m.answered_on_call and m.status == Status.CLOSED for m in history)
    assert history[-1].status == Status.CLOSED and history[-1].rating == "satisfied"
    similar = caller_open_similar(history, text="暖气不热", category=categories["heating-cold"])
    assert [m.title for m, _reason in similar] == ["暖气又不热了，卧室十五度"]
