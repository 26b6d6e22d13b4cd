"""Pure rules of inspections: no database write, no request. The publication deadline, which
columns hold a party, a stored answer as the scorer reads it, the party's signed link, the
reason every draw needs, the canonical candidate list with its digest, and the replay of a
recorded draw (by the platform, and by anyone from the public record)."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import sampling
from .models import Answer, ChecklistItem, Draw, InspectionVisit
from .scoring import ItemAnswer

# 双随机、一公开: results are published within 20 working days of being formed (the period is
# the setting LONGCHENG_INSPECTION_PUBLISH_WORKING_DAYS, default 20).
DEFAULT_PUBLISH_WITHIN_WORKING_DAYS = 20


def publish_within_working_days() -> int:
    return int(
        getattr(
            settings,
            "LONGCHENG_INSPECTION_PUBLISH_WORKING_DAYS",
            DEFAULT_PUBLISH_WITHIN_WORKING_DAYS,
        )
    )


# 文号 of the visit's document: the campaign's prefix (by default the organising unit's short
# name), a word per document and the year, e.g. 并卫监检字〔2023〕第0001号.
DOCUMENT_WORD_VISIT = "检"  # 现场检查笔录及责令改正通知书
DOCUMENT_WORD_REINSPECTION = "复查"  # 复查意见书
DOC_PREFIX_LENGTH = 10

# Art. 55 行政处罚法: inspectors show their credentials to the party.
CREDENTIALS_BASIS = "《中华人民共和国行政处罚法》第五十五条"


def document_prefix(unit) -> str:
    """The default prefix of a unit's documents: its short name, or its name, cut to fit."""
    return (unit.short_name or unit.name)[:DOC_PREFIX_LENGTH]


def document_word(visit: InspectionVisit) -> str:
    return DOCUMENT_WORD_REINSPECTION if visit.parent_id else DOCUMENT_WORD_VISIT


def document_number(prefix: str, word: str, year: int, value: int) -> str:
    return f"{prefix}{word}字〔{year}〕第{value:04d}号"


# The articles the draw's refusals name.
DRAW_BASIS = "《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号）"
PUBLISH_BASIS = "“双随机、一公开”：抽查结果 20 个工作日内向社会公示"


def party_fields(party) -> dict:
    """The party in the column of its type (institution, site or enterprise), the others empty."""
    name = type(party).__name__.lower()
    return {"institution": None, "site": None, "enterprise": None, name: party}


def to_scoring(item: ChecklistItem, answer: Answer) -> ItemAnswer:
    """A stored answer to an item, as the scoring rules read it."""
    return ItemAnswer(
        section=item.section_id,
        section_weight=item.section.weight,
        answer_type=item.answer_type,
        max_score=item.max_score,
        serious=item.serious,
        verdict=answer.verdict,
        score=answer.score,
    )


# The party reaches its rectification page by a signed link (the QR code on the order).
PARTY_SALT = "longcheng.inspections.party"


def party_token(visit: InspectionVisit) -> str:
    return signing.Signer(salt=PARTY_SALT).sign(str(visit.pk))


def draw_verify(draw: Draw) -> bool:
    """Re-run the recorded draw from its own record; True when it gives the same result."""
    result = sampling.draw(
        candidates=draw_candidates(draw),
        roster=draw.roster["users"],
        conflicts={k: set(v) for k, v in draw.roster["conflicts"].items()},
        ratio=float(draw.ratio),
        seed=draw.seed,
    )
    return result.selected == draw.selected and result.assignments == draw.assignments


def draw_reason_problem(reason: str, earlier_draws: int) -> str | None:
    """Every draw, the first included, states why it is made: the draw is recorded in full and
    the responsibility traceable (国办发〔2015〕58号, “双随机”抽查全程留痕). A re-draw states why
    the earlier result is set aside; the earlier record stays, marked superseded."""
    if reason.strip():
        return None
    if earlier_draws:
        return _(
            "已经抽取过 %(n)d 次，重新抽取须写明理由；此前的抽取记录保留并标注为已被取代"
            "（%(basis)s：“双随机”抽查全程留痕，责任可追溯）。"
        ) % {"n": earlier_draws, "basis": DRAW_BASIS}
    return _(
        "每次随机抽取都须写明理由（如依据的抽查计划）并全程留痕"
        "（%(basis)s：“双随机”抽查全程留痕，责任可追溯）。"
    ) % {"basis": DRAW_BASIS}


def candidate_rows(candidates: list[dict]) -> list[dict]:
    """The candidate list as published: key, name, stratum and weight of each party, ordered by
    key — no person, no address, no contact."""
    return sorted(
        (
            {
                "key": c["key"],
                "name": c.get("name", ""),
                "stratum": c["stratum"],
                "weight": float(c["weight"]),
            }
            for c in candidates
        ),
        key=lambda row: row["key"],
    )


def candidates_canonical(candidates: list[dict]) -> bytes:
    """The one serialisation of a candidate list: the bytes of the public download
    (`candidates.json`) and of its digest. UTF-8 JSON, keys sorted, no spaces."""
    return json.dumps(
        candidate_rows(candidates), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def candidates_digest(candidates: list[dict]) -> str:
    """SHA-256 of the canonical candidate list, as `sha256sum candidates.json` prints it."""
    return hashlib.sha256(candidates_canonical(candidates)).hexdigest()


def draw_candidates(draw: Draw) -> list[sampling.Candidate]:
    return [
        sampling.Candidate(key=c["key"], stratum=c["stratum"], weight=float(c["weight"]))
        for c in draw.candidates
    ]


REDRAW_SNIPPET = """import json, math, random

SEED = {seed!r}  # 随机种子
RATIO = {ratio}  # 抽查比例
candidates = json.load(open("candidates.json", encoding="utf-8"))

rng = random.Random(SEED)
strata = {{}}
for c in sorted(candidates, key=lambda c: c["key"]):
    strata.setdefault(c["stratum"], []).append(c)
selected = []
for stratum in sorted(strata):
    members = strata[stratum]
    keyed = [(rng.random() ** (1.0 / max(c["weight"], 1e-6)), c["key"]) for c in members]
    keyed.sort(reverse=True)
    quota = min(len(members), max(1, math.floor(len(members) * RATIO + 0.5)))
    selected += [key for _u, key in keyed[:quota]]
print(selected)
"""


def redraw_snippet(*, seed: str, ratio: Decimal) -> str:
    """A Python 3 program anyone can run beside the downloaded `candidates.json` to re-draw the
    parties: the party half of `sampling.draw`, line for line."""
    return REDRAW_SNIPPET.format(seed=seed, ratio=float(ratio))


# — On site, on a phone —

# A phone's clock may run a little ahead of the server's; a seen time this far ahead is "now".
CLOCK_SKEW = datetime.timedelta(minutes=2)


def seen_time_problem(
    found_at: datetime.datetime,
    *,
    began_at: datetime.datetime | None,
    now: datetime.datetime,
    began: str = "",
) -> str:
    """发现时间 is when the problem was seen on site: not in the future, not before the visit
    (or patrol) began. Returns the reason it is refused, or ""."""
    if found_at > now + CLOCK_SKEW:
        return _("发现时间 %(t)s 晚于现在，请填写现场看到问题的时间。") % {"t": _local(found_at)}
    if began_at is not None and found_at < began_at - CLOCK_SKEW:
        return _("发现时间 %(t)s 早于%(what)s %(b)s。") % {
            "t": _local(found_at),
            "what": began or _("检查开始时间"),
            "b": _local(began_at),
        }
    return ""


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def parse_seen_time(value) -> datetime.datetime | None:
    """A time the phone sent (ISO 8601, with or without offset; without one it is local time),
    or None when it is missing or unreadable."""
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
