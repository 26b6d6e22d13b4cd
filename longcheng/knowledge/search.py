"""Finding knowledge articles by words, and suggesting them for what a caller says (ADR 0022's
character bigrams, as in `loop.search`).

On PostgreSQL a trigger (migration 0002) keeps three bigram vectors of every article:
`title_bigrams` (the title), `head_bigrams` (title, keywords and summary: what an article is
about) and `words_bigrams` (all of it, the answer text too), each `longcheng_bigrams(...)`.

- **Search** (the list's box): every word must be in the article. The GIN index on
  `words_bigrams` finds the articles holding all bigrams of the words, a `strpos` keeps those
  holding each word itself, and they rank by where the words are: title above keywords above
  summary above the answer text.
- **Suggestion** (while the operator types a complaint of a few sentences): any of the text's
  telling bigrams may match. The text's bigrams are weighed by how rare they are among the
  articles (the statistics PostgreSQL keeps on `head_bigrams`, as `loop.search.is_common`
  reads them; those in more than `COMMON_SHARE` of the articles are dropped), the rarest
  `MAX_SUGGEST_BIGRAMS` are looked up in the GIN index on
  `head_bigrams` (published articles only), and each candidate scores the weights of the
  bigrams its head holds, three times over for those in its title. Only articles published
  and within their dates are offered.

SQLite, the embedded default, scans with `icontains` and scores in Python: a city's knowledge
base is a few thousand articles.
"""

import datetime
import math
import re
import time
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from longcheng.core.counting import capped_count

from .models import Article

MAX_WORDS = 6
# A search lists its best matches first; past a thousand hits the operator narrows the words
# rather than page on, and counting 10,000 cost more than the page (docs/benchmarks.md).
SEARCH_COUNT_CAP = 1_000
MAX_SUGGEST_BIGRAMS = 16
SUGGEST_LIMIT = 5
# A bigram in more than this share of the articles tells nothing (我们, 反映, 问题).
COMMON_SHARE = 0.05
# How much more a bigram weighs in the title than in the keywords or summary.
TITLE_FACTOR = 2.0

# What search and suggestion read of an article (the same text the trigger indexes).
# Qualified: the list joins the unit and the category (which has keywords too).
T = "knowledge_article."
ALL_TEXT = f"{T}title || ' ' || {T}keywords || ' ' || {T}summary || ' ' || {T}body"

# A run of characters a word is made of: letters and digits of any script (CJK included).
WORD_RUN = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    """The words of a search, lower case, at most MAX_WORDS."""
    return [w for w in text.lower().split() if w][:MAX_WORDS]


def bigrams(word: str) -> list[str]:
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


def text_bigrams(text: str) -> list[str]:
    """The distinct bigrams of a typed text in their order: whitespace is dropped (as the index
    drops it), punctuation splits (a bigram with a comma tells nothing)."""
    compact = re.sub(r"\s+", "", text.lower())
    seen: dict[str, None] = {}
    for run in WORD_RUN.findall(compact):
        if len(run) == 1:
            continue
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    return list(seen)


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_all(words: list[str]) -> str:
    """Every bigram of every word; a one-character word is a prefix."""
    terms: list[str] = []
    for word in words:
        grams = bigrams(word)
        terms += [_lexeme(g) for g in grams] if grams else [_lexeme(word) + ":*"]
    return " & ".join(terms)


def is_postgresql(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def current_filter(day: datetime.date) -> Q:
    """Published and within its dates on `day`: what an operator is offered."""
    return (
        Q(status=Article.Status.PUBLISHED)
        & Q(valid_from__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    )


# — Search: every word, title hits first —

# The tiers of a search, best first (the list's order; `rank` holds the tier's number):
# every word in the title, some word in the title, every word in the title, keywords or summary
# (the head), some word in the head, only in the answer text. Within a tier the newest first.
# Each tier is a question of its own (LIMIT), so the first page reads a few rows of each,
# however many articles hold a common word, and nothing is scored over every hit.
TIER_TITLE_ALL, TIER_TITLE_SOME, TIER_HEAD_ALL, TIER_HEAD_SOME, TIER_BODY = 5, 4, 3, 2, 1


def _tiers(words: list[str]) -> list[int]:
    """The tiers a search of `words` has (with one word, "some" is "every")."""
    if len(words) == 1:
        return [TIER_TITLE_ALL, TIER_HEAD_ALL, TIER_BODY]
    return [TIER_TITLE_ALL, TIER_TITLE_SOME, TIER_HEAD_ALL, TIER_HEAD_SOME, TIER_BODY]


def _in_title_q(word: str) -> Q:
    return Q(title__icontains=word)


def _in_head_q(word: str) -> Q:
    return Q(title__icontains=word) | Q(keywords__icontains=word) | Q(summary__icontains=word)


def _tier_q(tier: int, words: list[str]) -> Q:
    """SQLite: the condition that puts an article in `tier` or a better one."""
    if tier in (TIER_TITLE_ALL, TIER_HEAD_ALL):
        part = _in_title_q if tier == TIER_TITLE_ALL else _in_head_q
        return reduce(and_, [part(w) for w in words])
    part = _in_title_q if tier == TIER_TITLE_SOME else _in_head_q
    return reduce(or_, [part(w) for w in words])


def _rank_sqlite(words: list[str]) -> Any:
    return Case(
        *[When(_tier_q(t, words), then=Value(t)) for t in _tiers(words)[:-1]],
        default=Value(TIER_BODY),
        output_field=IntegerField(),
    )


HEAD_TEXT = f"{T}title || ' ' || {T}keywords || ' ' || {T}summary"


def _in_sql(vector: str, text: str, word: str) -> tuple[str, list[str]]:
    """PostgreSQL: `word` is in the column whose vector is `vector`: its bigrams by the
    vector (an index can answer), a longer word itself by strpos on the (short) text."""
    sql = f"{T}{vector} @@ %s::tsquery"
    params = [tsquery_all([word])]
    if len(word) > 2:
        sql += f" AND strpos(lower({text}), %s) > 0"
        params.append(word)
    return f"({sql})", params


def _tier_sql(tier: int, words: list[str]) -> tuple[str, list[str]]:
    """PostgreSQL: the condition that puts an article in `tier` or a better one."""
    title = tier in (TIER_TITLE_ALL, TIER_TITLE_SOME)
    vector, text = ("title_bigrams", f"{T}title") if title else ("head_bigrams", HEAD_TEXT)
    if tier in (TIER_TITLE_ALL, TIER_HEAD_ALL) and all(len(w) <= 2 for w in words):
        # Every word's bigrams at once: one look-up in the vector's index.
        return f"({T}{vector} @@ %s::tsquery)", [tsquery_all(words)]
    parts = [_in_sql(vector, text, w) for w in words]
    joiner = " AND " if tier in (TIER_TITLE_ALL, TIER_HEAD_ALL) else " OR "
    return "(" + joiner.join(p for p, _ in parts) + ")", [x for _, ps in parts for x in ps]


def _rank_sql(words: list[str]) -> tuple[str, list[str]]:
    whens: list[str] = []
    params: list[str] = []
    for tier in _tiers(words)[:-1]:
        sql, ps = _tier_sql(tier, words)
        whens.append(f"WHEN coalesce({sql}, false) THEN {tier}")
        params += ps
    return "CASE " + " ".join(whens) + f" ELSE {TIER_BODY} END", params


def search(queryset: QuerySet[Article], text: str) -> QuerySet[Article]:
    """The articles of `queryset` holding every word of `text`, annotated with `rank`, the
    number of their tier (higher: the words are in the title, then in the keywords or summary,
    see TIER_*). Ordered by `-rank, -updated_at, -pk` this is the order of `page_ids`, which
    reads it tier by tier."""
    words = words_of(text)
    if not words:
        return queryset.annotate(rank=Value(0, output_field=IntegerField()))
    if not is_postgresql(queryset.db):
        fields = ("title", "keywords", "summary", "body")
        found = queryset.filter(
            reduce(
                and_,
                [reduce(or_, [Q(**{f"{f}__icontains": w}) for f in fields]) for w in words],
            )
        )
        return found.annotate(rank=_rank_sqlite(words))
    # Constant SQL; the words travel as parameters. The index finds the articles holding every
    # bigram, the strpos keeps those holding the longer words themselves.
    found = queryset.filter(
        RawSQL("words_bigrams @@ %s::tsquery", [tsquery_all(words)], output_field=BooleanField())
    )
    for word in words:
        # A word of one or two characters is its bigram (or their prefix): the index's answer
        # is exact, and the check would read every hit's answer text.
        if len(word) > 2:
            found = found.filter(
                RawSQL(  # noqa: S611
                    f"strpos(lower({ALL_TEXT}), %s) > 0", [word], output_field=BooleanField()
                )
            )
    rank_sql, rank_params = _rank_sql(words)
    return found.annotate(
        rank=RawSQL(rank_sql, rank_params, output_field=IntegerField())  # noqa: S611
    )


ORDER = ("-rank", "-updated_at", "-pk")


def page_ids(found: QuerySet[Article], text: str, start: int, stop: int) -> list[int]:
    """The ids of rows `start` to `stop` of `search(queryset, text)` in the order ORDER,
    read tier by tier on PostgreSQL: each tier's newest `stop - found so far` rows (an index
    finds the tier: the title's for the first ones; or a walk newest first stops early), so a
    common word or a single character never ranks all its hits."""
    words = words_of(text)
    if not words or not is_postgresql(found.db):
        return list(found.order_by(*ORDER).values_list("pk", flat=True)[start:stop])
    ids: list[int] = []
    better: list[tuple[str, list[str]]] = []
    for tier in _tiers(words):
        in_tier = found
        if tier != TIER_BODY:
            # The tier's own condition, plainly, so that the planner may use its index.
            sql, params = _tier_sql(tier, words)
            in_tier = in_tier.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
        for sql, params in better:
            # Not in a better tier (the vectors are never null: the trigger fills them). As
            # plain conditions the planner estimates how many rows pass, and walks a large
            # tier newest first until the page is full.
            in_tier = in_tier.filter(
                RawSQL(f"NOT {sql}", params, output_field=BooleanField())  # noqa: S611
            )
        if tier != TIER_BODY:
            better.append(_tier_sql(tier, words))
        ids += in_tier.order_by("-updated_at", "-pk").values_list("pk", flat=True)[
            : stop - len(ids)
        ]
        if len(ids) >= stop:
            break
    return ids[start:stop]


def capped_hits(found: QuerySet[Article]) -> int:
    """The list's capped count of a search's hits, found through the bigram index: counting
    stops at SEARCH_COUNT_CAP + 1, and without this a common word's count is planned as a scan
    of the table that stops early, which reads every article's vector (200 ms for one
    character)."""
    if not is_postgresql(found.db):
        return capped_count(found, SEARCH_COUNT_CAP)
    with transaction.atomic(using=found.db), connections[found.db].cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        count = capped_count(found, SEARCH_COUNT_CAP)
        cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")
    return count


class Ranked:
    """The list's rows of a search in ORDER for Django's paginator: a page is read by
    `page_ids`, not by ranking every hit; the count is the list's capped count."""

    def __init__(self, found: QuerySet[Article], text: str):
        self.found = found.order_by()
        self.text = text

    def count(self) -> int:
        return capped_hits(self.found)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Article]:
        if not isinstance(index, slice):
            raise TypeError("Ranked is read a page at a time")
        start, stop = index.start or 0, index.stop
        ids = page_ids(self.found, self.text, start, stop)
        rows = self.found.in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


# — Suggestion: the telling bigrams of a complaint —

# How common each bigram of the articles' heads is, from PostgreSQL's statistics on the column
# (pg_stats.most_common_elems), read once in a while: they change with ANALYZE.
_STATS_TTL = 600.0
_stats: dict[str, tuple[float, dict[str, float], float]] = {}


def _head_stats(alias: str) -> tuple[dict[str, float], float]:
    """(share of articles per common bigram, the smallest share listed); ({}, 0) unknown."""
    cached = _stats.get(alias)
    if cached and time.monotonic() - cached[0] < _STATS_TTL:
        return cached[1], cached[2]
    shares: dict[str, float] = {}
    floor = 0.0
    if is_postgresql(alias):
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE tablename = 'knowledge_article' AND attname = 'head_bigrams'"
            )
            row = cursor.fetchone()
        if row and row[0]:
            elements, freqs = row[0], row[1]
            shares = dict(zip(elements, freqs[: len(elements)], strict=True))
            floor = freqs[len(elements)]
    _stats[alias] = (time.monotonic(), shares, floor)
    return shares, floor


def forget_statistics() -> None:
    """After ANALYZE (tests, the benchmark): read the statistics afresh."""
    _stats.clear()


@dataclass(frozen=True)
class Telling:
    """The bigrams of a typed text worth looking up, with their weights."""

    grams: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def least_matches(self) -> int:
        # One matching bigram is chance once the text has a few: ask for two.
        return 1 if len(self.grams) <= 2 else 2


def telling_bigrams(text: str, alias: str) -> Telling:
    """The text's bigrams weighed by rarity (-log of their share of articles), the common
    ones dropped, the rarest MAX_SUGGEST_BIGRAMS kept (first typed first among equals)."""
    grams = text_bigrams(text)
    shares, floor = _head_stats(alias)
    weighed: list[tuple[float, int, str]] = []
    for order, gram in enumerate(grams):
        share = shares.get(gram)
        if share is None:
            # Unlisted: rarer than the rarest listed; without statistics all weigh the same.
            share = floor / 2 if floor else 0.01
        if share > COMMON_SHARE:
            continue
        weighed.append((share, order, gram))
    # Without statistics (a small or new knowledge base) nothing tells which are rare: all are
    # looked up, which a small table answers at once.
    kept = sorted(weighed)[: MAX_SUGGEST_BIGRAMS if shares else 4 * MAX_SUGGEST_BIGRAMS]
    kept.sort(key=lambda item: item[1])
    return Telling(
        grams=tuple(g for _s, _o, g in kept),
        weights=tuple(round(-math.log(max(s, 1e-6)), 3) for s, _o, _g in kept),
    )


def suggest_ids(
    text: str,
    *,
    day: datetime.date,
    category_ids: list[int] | None = None,
    limit: int = SUGGEST_LIMIT,
    alias: str = "default",
) -> list[int]:
    """The ids of the articles most relevant to a typed text, best first: published, within
    their dates on `day`; those of the given categories count a little more."""
    telling = telling_bigrams(text, alias)
    if not telling.grams:
        return []
    if is_postgresql(alias):
        return _suggest_postgresql(telling, day, category_ids or [], limit, alias)
    return _suggest_scan(telling, day, category_ids or [], limit, alias)


def _category_bonus(telling: Telling) -> float:
    """An article of the category the operator chose counts as much as one and a half of the
    text's rarest bigrams in its title."""
    return 1.5 * (1 + TITLE_FACTOR) * max(telling.weights) if telling.weights else 0.0


_SUGGEST_REST = (
    "AS matched, updated_at FROM knowledge_article"
    " WHERE status = 'published' AND head_bigrams @@ %s::tsquery"
    " AND valid_from <= %s AND (valid_until IS NULL OR valid_until >= %s)) AS c"
    " WHERE matched >= %s ORDER BY score DESC, updated_at DESC, id DESC LIMIT %s"
)


def _suggest_postgresql(
    telling: Telling, day: datetime.date, category_ids: list[int], limit: int, alias: str
) -> list[int]:
    head_terms: list[str] = []
    title_terms: list[str] = []
    count_terms: list[str] = []
    lexemes: list[str] = []
    for gram, weight in zip(telling.grams, telling.weights, strict=True):
        lexemes.append(_lexeme(gram))
        head_terms.append(f"(head_bigrams @@ %s::tsquery)::int * {weight:.3f}")
        title_terms.append(f"(title_bigrams @@ %s::tsquery)::int * {weight * TITLE_FACTOR:.3f}")
        count_terms.append("(head_bigrams @@ %s::tsquery)::int")
    any_of = " | ".join(_lexeme(g) for g in telling.grams)
    bonus = _category_bonus(telling)
    # The SQL's shape depends only on how many bigrams there are; they travel as parameters.
    score = " + ".join(
        [*head_terms, *title_terms, f"coalesce(category_id = ANY(%s), false)::int * {bonus:.3f}"]
    )
    sql = " ".join(
        ["SELECT id FROM (SELECT id,", score, "AS score,", " + ".join(count_terms), _SUGGEST_REST]
    )
    params: list[Any] = [*lexemes, *lexemes, category_ids, *lexemes]
    params += [any_of, day, day, telling.least_matches, limit]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _suggest_scan(
    telling: Telling, day: datetime.date, category_ids: list[int], limit: int, alias: str
) -> list[int]:
    any_gram = reduce(
        or_,
        [
            Q(title__icontains=g) | Q(keywords__icontains=g) | Q(summary__icontains=g)
            for g in telling.grams
        ],
    )
    rows = (
        Article.objects.using(alias)
        .filter(current_filter(day) & any_gram)
        .annotate(changed=F("updated_at"))
        .values_list("id", "title", "keywords", "summary", "category_id", "changed")[:2000]
    )
    bonus = _category_bonus(telling)
    scored = []
    for pk, title, keywords, summary, category_id, changed in rows:
        head = f"{title} {keywords} {summary}".lower()
        title = title.lower()
        score, matched = 0.0, 0
        for gram, weight in zip(telling.grams, telling.weights, strict=True):
            if gram in head:
                matched += 1
                score += weight
            if gram in title:
                score += weight * TITLE_FACTOR
        if matched < telling.least_matches:
            continue
        if category_id in category_ids:
            score += bonus
        scored.append((score, changed, pk))
    scored.sort(reverse=True)
    return [pk for _s, _c, pk in scored[:limit]]
