from collections import Counter

import pytest

from longcheng.inspections import rules, sampling, selectors, services
from longcheng.inspections.models import Draw, InspectionVisit, InspectorConflict
from longcheng.inspections.sampling import Candidate, DrawRefused


def candidates(n=20, strata=("140105", "140110"), heavy=()):
    return [
        Candidate(key=f"site:{i}", stratum=strata[i % len(strata)], weight=5.0 if i in heavy else 1)
        for i in range(n)
    ]


def test_same_seed_same_result_and_another_seed_another():
    args = {"candidates": candidates(), "roster": [1, 2, 3, 4], "conflicts": {}, "ratio": 0.3}
    first = sampling.draw(seed="a1b2", **args)
    assert sampling.draw(seed="a1b2", **args) == first
    others = {tuple(sampling.draw(seed=f"s{n}", **args).selected) for n in range(10)}
    assert len(others) > 1


def test_each_stratum_gets_its_share():
    result = sampling.draw(
        candidates=candidates(20), roster=[1, 2], conflicts={}, ratio=0.3, seed="x"
    )
    strata = Counter(int(k.split(":")[1]) % 2 for k in result.selected)
    assert strata == {0: 3, 1: 3}  # 30 % of 10 in each stratum
    # A small stratum still gets one.
    assert sampling.stratum_quota(2, 0.1) == 1
    assert sampling.stratum_quota(0, 0.5) == 0


def test_parties_with_a_bad_record_are_drawn_more_often():
    heavy = {0, 1}
    counts = Counter()
    for n in range(300):
        result = sampling.draw(
            candidates=candidates(10, strata=("",), heavy=heavy),
            roster=[1, 2],
            conflicts={},
            ratio=0.2,
            seed=f"seed-{n}",
        )
        counts.update(result.selected)
    heavy_rate = (counts["site:0"] + counts["site:1"]) / 600
    light_rate = sum(counts[f"site:{i}"] for i in range(2, 10)) / 2400
    assert heavy_rate > 2 * light_rate


def test_two_inspectors_per_party_none_of_them_linked():
    conflicts = {"site:3": {1, 2}}
    for n in range(50):
        result = sampling.draw(
            candidates=candidates(8, strata=("",)),
            roster=[1, 2, 3, 4],
            conflicts=conflicts,
            ratio=1,
            seed=str(n),
        )
        for key, team in result.assignments.items():
            assert len(set(team)) == 2
        assert not set(result.assignments["site:3"]) & {1, 2}


def test_not_enough_unlinked_inspectors_is_refused_naming_the_party():
    with pytest.raises(DrawRefused) as error:
        sampling.draw(
            candidates=[Candidate("site:1", "", 1)],
            roster=[1, 2, 3],
            conflicts={"site:1": {1, 2}},
            ratio=1,
            seed="s",
            names={"site:1": "龙湖天樾项目"},
        )
    assert "龙湖天樾项目" in error.value.message


def test_a_recorded_draw_can_be_redrawn_by_anyone(sampling_campaign, inspectors, records):
    InspectorConflict.objects.create(user=inspectors.a, site=records.site1, reason="亲属任项目经理")
    draw = services.campaign_draw(
        actor=inspectors.leader, campaign=sampling_campaign, reason="年度抽查计划"
    )
    # 50 % by district, rounded half up: 3 of the 5 sites in 小店区, the 1 in 晋源区.
    assert draw.seed and len(draw.selected) == 4
    assert rules.draw_verify(draw)
    visits = InspectionVisit.objects.filter(campaign=sampling_campaign)
    assert visits.count() == 4
    for visit in visits:
        assert visit.inspectors.count() == 2
        if visit.site_id == records.site1.pk:
            assert inspectors.a not in visit.inspectors.all()
    # Tampering with the published record is detected.
    draw.selected = draw.selected[1:]
    assert not rules.draw_verify(draw)


def test_a_redraw_needs_a_reason_and_keeps_the_first(sampling_campaign, inspectors):
    first = services.campaign_draw(
        actor=inspectors.leader, campaign=sampling_campaign, reason="年度抽查计划"
    )
    with pytest.raises(services.InspectionRefused) as error:
        services.campaign_draw(actor=inspectors.leader, campaign=sampling_campaign, reason=" ")
    assert "理由" in error.value.message
    second = services.campaign_draw(
        actor=inspectors.leader, campaign=sampling_campaign, reason="名录中一名人员调离"
    )
    assert list(Draw.objects.filter(campaign=sampling_campaign)) == [first, second]
    first.refresh_from_db()
    assert first.superseded_by == second and not second.superseded
    assert second.number == 2 and second.reason == "名录中一名人员调离"
    assert InspectionVisit.objects.filter(campaign=sampling_campaign).count() == len(
        second.selected
    )


def test_no_redraw_once_a_drawn_visit_has_begun(sampling_campaign, inspectors):
    services.campaign_draw(actor=inspectors.leader, campaign=sampling_campaign, reason="计划")
    visit = InspectionVisit.objects.filter(campaign=sampling_campaign).first()
    inspector = visit.inspectors.first()
    item = selectors.visit_items(visit)[0]
    services.visit_answer(actor=inspector, visit=visit, item=item, verdict="pass")
    with pytest.raises(services.InspectionRefused):
        services.campaign_draw(
            actor=inspectors.leader, campaign=sampling_campaign, reason="重新抽取"
        )


def test_only_the_organising_unit_draws(sampling_campaign, inspectors):
    with pytest.raises(services.PermissionRefused):
        services.campaign_draw(actor=inspectors.a, campaign=sampling_campaign, reason="计划")
