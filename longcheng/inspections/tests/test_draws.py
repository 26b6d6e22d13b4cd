"""双随机 lawful by construction: nobody chooses the seed, it is recorded before the result,
every draw states its reason, anyone re-draws the published record, and a draw left unpublished
past its working days raises one supervision matter."""

import ast
import contextlib
import datetime
import hashlib
import html
import io
import json
import random
import re
import secrets
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from longcheng.core.calendar import add_working_days
from longcheng.inspections import rules, sampling, services
from longcheng.inspections.forms import DrawForm
from longcheng.inspections.models import Campaign, Draw
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from tests.fixtures.loop import at

PLAN = "依据 2023 年第四季度双随机抽查计划"


def draw(campaign, actor, reason=PLAN):
    return services.campaign_draw(actor=actor, campaign=campaign, reason=reason)


# — Nobody chooses the seed —


def test_the_draw_form_has_no_seed_and_refuses_one_posted(login, sampling_campaign, inspectors):
    assert list(DrawForm().fields) == ["reason"]
    form = DrawForm({"reason": PLAN, "seed": "20230815"})
    assert not form.is_valid()
    assert "随机种子由系统" in str(form.non_field_errors())

    url = reverse("inspections:campaign_action", args=[sampling_campaign.pk, "draw"])
    page = login(inspectors.leader).post(url, {"reason": PLAN, "seed": "20230815"}, follow=True)
    assert "随机种子由系统" in page.content.decode()
    assert not Draw.objects.filter(campaign=sampling_campaign).exists()


def test_the_service_takes_no_seed_and_draws_one_from_secrets(
    sampling_campaign, inspectors, monkeypatch
):
    with pytest.raises(TypeError):
        services.campaign_draw(
            actor=inspectors.leader, campaign=sampling_campaign, reason=PLAN, seed="20230815"
        )
    taken = []

    def token_hex(nbytes=None):
        value = "5eed" * 8
        taken.append(nbytes)
        return value

    monkeypatch.setattr(secrets, "token_hex", token_hex)
    first = draw(sampling_campaign, inspectors.leader)
    assert first.seed == "5eed" * 8 and taken == [16]  # 128 bits from the secrets module
    monkeypatch.undo()
    second = draw(sampling_campaign, inspectors.leader, reason="名录中一名人员调离")
    assert re.fullmatch(r"[0-9a-f]{32}", second.seed) and second.seed != first.seed


def test_the_seed_is_recorded_before_the_result(sampling_campaign, inspectors, monkeypatch):
    real = sampling.draw
    seen = {}

    def watching(**kwargs):
        record = Draw.objects.get(campaign=sampling_campaign, number=1)
        seen.update(
            seed=record.seed,
            selected=record.selected,
            drawn_at=record.drawn_at,
            reason=record.reason,
            digest=record.candidates_digest,
            used=kwargs["seed"],
        )
        return real(**kwargs)

    monkeypatch.setattr(sampling, "draw", watching)
    result = draw(sampling_campaign, inspectors.leader)
    # When the result was computed, the record already held seed, time, reason and digest,
    # and no result; the result was drawn from the recorded seed.
    assert seen["used"] == seen["seed"] == result.seed
    assert seen["selected"] == [] and seen["drawn_at"] == result.drawn_at
    assert seen["reason"] == PLAN
    assert seen["digest"] == rules.candidates_digest(result.candidates)
    result.refresh_from_db()
    assert result.selected and rules.draw_verify(result)


# — Every draw states its reason; a re-draw keeps the earlier record —


def test_the_first_draw_without_a_reason_is_refused_naming_the_rule(sampling_campaign, inspectors):
    with pytest.raises(services.InspectionRefused) as error:
        draw(sampling_campaign, inspectors.leader, reason="  ")
    assert "国办发〔2015〕58号" in error.value.message and "理由" in error.value.message
    assert not Draw.objects.filter(campaign=sampling_campaign).exists()


def test_a_redraw_without_a_reason_is_refused_and_the_earlier_draw_stays_superseded(
    login, sampling_campaign, inspectors
):
    first = draw(sampling_campaign, inspectors.leader)
    with pytest.raises(services.InspectionRefused) as error:
        draw(sampling_campaign, inspectors.leader, reason="")
    assert "重新抽取须写明理由" in error.value.message
    assert "国办发〔2015〕58号" in error.value.message
    first.refresh_from_db()
    assert not first.superseded

    second = draw(sampling_campaign, inspectors.leader, reason="名录中一名人员调离")
    first.refresh_from_db()
    assert first.superseded_by == second and first.selected and first.seed
    assert [d.number for d in Draw.objects.filter(campaign=sampling_campaign)] == [1, 2]

    page = login(inspectors.leader).get(sampling_campaign.get_absolute_url())
    text = page.content.decode()
    assert PLAN in text and "名录中一名人员调离" in text
    assert "已被第 2 次抽取取代" in text
    assert first.seed in text and second.seed in text


def test_a_reasonless_redraw_on_the_page_is_refused(login, sampling_campaign, inspectors):
    client = login(inspectors.leader)
    url = reverse("inspections:campaign_action", args=[sampling_campaign.pk, "draw"])
    client.post(url, {"reason": PLAN})
    again = client.post(url, {"reason": ""}, follow=True)
    assert "抽取理由" in again.content.decode()
    assert Draw.objects.filter(campaign=sampling_campaign).count() == 1


# — Anyone re-draws the published record —


def _snippet_selection(snippet: str, candidates: bytes, folder) -> list[str]:
    (folder / "candidates.json").write_bytes(candidates)
    out = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(out):
        exec(compile(snippet, "redraw.py", "exec"), {"__name__": "__main__"})
    return ast.literal_eval(out.getvalue().strip())


def test_the_public_page_lets_anyone_reproduce_the_draw(
    client, login, sampling_campaign, inspectors, tmp_path
):
    first = draw(sampling_campaign, inspectors.leader)
    second = draw(sampling_campaign, inspectors.leader, reason="名录中一名人员调离")
    public = reverse("inspections:public_campaign", args=[sampling_campaign.pk])
    assert client.get(public).status_code == 404  # not published yet
    assert client.get(public + "?candidates=1").status_code == 404

    staff_page = login(inspectors.leader).get(sampling_campaign.get_absolute_url())
    assert public not in staff_page.content.decode()
    services.draws_publish(actor=inspectors.leader, campaign=sampling_campaign)
    staff_page = login(inspectors.leader).get(sampling_campaign.get_absolute_url())
    assert f'href="{public}#draws"' in staff_page.content.decode()
    client.logout()

    page = client.get(public)
    assert page.status_code == 200
    text = page.content.decode()
    for record in (first, second):
        block = text.split(f'id="draw-{record.number}"')[1]
        seed = re.search(r'data-testid="seed">([0-9a-f]+)<', block).group(1)
        digest = re.search(r'data-testid="digest"[^>]*>([0-9a-f]{64})<', block).group(1)
        snippet = html.unescape(re.search(r'data-testid="snippet">(.*?)</pre>', block, re.S)[1])
        assert seed == record.seed
        assert record.reason in block
        download = client.get(public + f"?candidates={record.number}")
        assert download["Content-Type"].startswith("application/json")
        candidates = download.content
        # The digest on the page is of the very bytes downloaded, recorded before the draw.
        assert hashlib.sha256(candidates).hexdigest() == digest == record.candidates_digest
        assert _snippet_selection(snippet, candidates, tmp_path) == record.selected
        names = [name for name in json.loads(candidates)]
        assert all(set(row) == {"key", "name", "stratum", "weight"} for row in names)
    assert "已被第 2 次抽取取代" in text
    # No person is named: not the officer who drew, not the inspectors sent.
    for person in (inspectors.leader, inspectors.a, inspectors.b, inspectors.c):
        assert person.full_name not in text
    assert client.get(public + "?candidates=9").status_code == 404
    assert client.get(public + "?candidates=x").status_code == 404


@pytest.mark.parametrize("n", range(20))
def test_the_published_snippet_draws_what_the_platform_draws(n, tmp_path):
    rng = random.Random(n)
    rows = [
        {
            "key": f"site:{i}",
            "name": f"工地{i}",
            "stratum": rng.choice(["小店区", "晋源区", ""]),
            "weight": float(rng.choice([1, 1, 2, 3.5])),
        }
        for i in range(rng.randint(1, 40))
    ]
    seed = secrets.token_hex(16)
    ratio = rng.choice(["0.1", "0.25", "0.333", "0.5", "1"])
    platform = sampling.draw(
        candidates=[sampling.Candidate(r["key"], r["stratum"], r["weight"]) for r in rows],
        roster=[1, 2],
        conflicts={},
        ratio=float(Decimal(ratio)),
        seed=seed,
    )
    snippet = rules.redraw_snippet(seed=seed, ratio=Decimal(ratio))
    assert _snippet_selection(snippet, rules.candidates_canonical(rows), tmp_path) == (
        platform.selected
    )


# — Published within the working days, or a supervision matter —


def test_a_draw_unpublished_past_its_working_days_raises_exactly_one_matter(
    sampling_campaign, inspectors, clock, catalogue
):
    record = draw(sampling_campaign, inspectors.leader)  # Monday 2023-09-25
    due = add_working_days(datetime.date(2023, 9, 25), 20)
    # 26–28 Sep, the 调休 weekend 7–8 Oct, then three weeks: the National Day week skipped.
    assert record.publish_due == due == datetime.date(2023, 10, 27)
    clock.to(at(2023, 10, 27, 18))
    assert services.draws_publication_sweep() == 0  # the last day is still in time
    before = Matter.objects.count()
    clock.to(at(2023, 10, 28, 1))
    out = io.StringIO()
    call_command("inspections_publication", stdout=out)
    assert "新督办 1 项" in out.getvalue()
    assert services.draws_publication_sweep() == 0
    clock.to(at(2023, 11, 6, 1))
    assert services.draws_publication_sweep() == 0  # once per campaign
    assert Matter.objects.count() == before + 1
    campaign = Campaign.objects.get(pk=sampling_campaign.pk)
    matter = campaign.draw_overdue_matter
    assert matter.lead_unit == campaign.unit and matter.channel == Channel.INSPECTION
    assert "2023-10-27" in matter.description and campaign.name in matter.title


def test_a_draw_published_in_time_raises_no_matter(sampling_campaign, inspectors, clock, catalogue):
    draw(sampling_campaign, inspectors.leader)
    clock.to(at(2023, 10, 27, 16))
    assert services.draws_publish(actor=inspectors.leader, campaign=sampling_campaign) == 1
    with pytest.raises(services.InspectionRefused):
        services.draws_publish(actor=inspectors.leader, campaign=sampling_campaign)
    before = Matter.objects.count()
    clock.to(at(2023, 12, 1, 9))
    assert services.draws_publication_sweep() == 0
    assert Matter.objects.count() == before
    assert Campaign.objects.get(pk=sampling_campaign.pk).draw_overdue_matter is None


def test_the_publication_period_is_a_setting(sampling_campaign, inspectors, settings):
    settings.LONGCHENG_INSPECTION_PUBLISH_WORKING_DAYS = 5
    record = draw(sampling_campaign, inspectors.leader)
    assert record.publish_due == datetime.date(2023, 10, 8)  # 26–28 Sep, 7 and 8 Oct (调休)


def test_only_the_organising_unit_publishes_a_draw(sampling_campaign, inspectors):
    draw(sampling_campaign, inspectors.leader)
    with pytest.raises(services.PermissionRefused):
        services.draws_publish(actor=inspectors.a, campaign=sampling_campaign)
