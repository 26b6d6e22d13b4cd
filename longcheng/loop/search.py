"""Finding a matter from the one search box in the header: by its number, a tracking code, the
reporter's phone, or words of its title, content and address (ADR 0022).

Identifiers are tried first, each through a unique or blind index; only when none of them finds
a matter are the words searched. Chinese has no spaces between words, so on PostgreSQL the words
are found through an index of character bigrams: `longcheng_bigrams(text)` (migration loop 0013)
turns "夜间施工噪音" into the lexemes 夜间 间施 施工 工噪 噪音, a GIN index holds them, and a word
of the query matches the rows that hold all of its bigrams; a plain substring test of each word
then keeps only the rows that hold the word itself (two bigrams may occur apart). A one-character
word matches the bigrams starting with it. SQLite, the embedded default, scans with `icontains`.
"""

import math
import re
import time
from collections.abc import Callable
from functools import reduce
from operator import and_

from django.db import connections
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Matter

MAX_WORDS = 6

# The document the index holds; the same expression as the index's in migration loop 0013, so
# that PostgreSQL uses it.
WORDS_TEXT = "title || ' ' || description || ' ' || address"
WORDS_DOCUMENT = f"longcheng_bigrams({WORDS_TEXT})"

NUMBER = re.compile(r"LC\d{8,13}")
PHONE = re.compile(r"\+?(?:86)?(1\d{10}|0\d{9,11})")

# Other apps know identifiers of their own (appeals: the citizen's tracking code). Each finder
# takes the search text and returns a condition on Matter, or None when the text is not one.
IdentifierFinder = Callable[[str], Q | None]
_identifier_finders: list[IdentifierFinder] = []

# How a search found its matters: by an identifier of one matter (the page opens it), by the
# caller's phone (all of the caller's matters), or by words.
UNIQUE, PHONE_NUMBER, WORDS = "unique", "phone", "words"


def register_identifier_finder(finder: IdentifierFinder) -> None:
    """A finder of an identifier that names one matter."""
    if finder not in _identifier_finders:
        _identifier_finders.append(finder)


def _number(text: str) -> Q | None:
    compact = text.upper()
    return Q(number=compact) if NUMBER.fullmatch(compact) else None


def _phone(text: str) -> Q | None:
    digits = re.sub(r"[\s-]", "", text)
    found = PHONE.fullmatch(digits)
    return Q(reporter_phone=found.group(1)) if found else None


def identifier_condition(text: str) -> tuple[Q, str] | None:
    """The condition of the first identifier the text is and how it finds, or None: words."""
    for finder, how in (
        (_number, UNIQUE),
        (_phone, PHONE_NUMBER),
        *((f, UNIQUE) for f in _identifier_finders),
    ):
        condition = finder(text)
        if condition is not None:
            return condition, how
    return None


def words_of(text: str) -> list[str]:
    """The words of a query, lower case, at most MAX_WORDS (a query is a few words)."""
    return [w for w in text.lower().split() if w][:MAX_WORDS]


def bigrams(word: str) -> list[str]:
    return sorted({word[i : i + 2] for i in range(len(word) - 1)})


def _lexeme(text: str) -> str:
    # tsquery quoting: inside single quotes, a quote is doubled and a backslash escaped.
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_of(words: list[str]) -> str:
    """Every bigram of every word must be present; a one-character word is a prefix."""
    terms: list[str] = []
    for word in words:
        grams = bigrams(word)
        terms += [_lexeme(g) for g in grams] if grams else [_lexeme(word) + ":*"]
    return " & ".join(terms)


def _contains(word: str) -> Q:
    return Q(title__icontains=word) | Q(description__icontains=word) | Q(address__icontains=word)


def words_filter(queryset: QuerySet[Matter], text: str) -> QuerySet[Matter]:
    words = words_of(text)
    if not words:
        return queryset
    every_word = reduce(and_, [_contains(w) for w in words])
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(every_word)
    if not is_common(words, queryset.db):
        # Rarer words: the bigram index finds the few rows, which are then sorted. The exact
        # check is an ILIKE, which the planner takes for very selective — rightly here: with
        # a `strpos` it could walk matters newest first computing each one's bigrams (a rare
        # character's prefix query looks costly to it: 2 s at 10 M instead of 0.1 s).
        return queryset.filter(
            RawSQL(  # noqa: S611
                f"{WORDS_DOCUMENT} @@ %s::tsquery", [tsquery_of(words)], output_field=BooleanField()
            ),
            every_word,
        )
    # Common words: newest first, PostgreSQL walks matter_received_idx and keeps the rows
    # holding the words: for a word in one matter of a few hundred, a page is a few thousand
    # rows. Constant SQL (the index's expression and its text); the words travel as parameters.
    # The exact check is a strpos: cheap per row, and estimated as unselective (an ILIKE would
    # be taken for very selective and the walk never chosen).
    for word in words:
        queryset = queryset.filter(
            RawSQL(  # noqa: S611
                f"strpos(lower({WORDS_TEXT}), %s) > 0", [word], output_field=BooleanField()
            )
        )
    return queryset


# How common a bigram is, from the statistics PostgreSQL keeps on the index's expression
# (pg_stats.most_common_elems: the bigrams above a frequency, with their share of matters),
# read once in a while: they change with ANALYZE, not with every matter.
_STATS_TTL = 600.0
_stats: dict[str, tuple[float, dict[str, float], float, int]] = {}


def _bigram_stats(alias: str) -> tuple[dict[str, float], float, int]:
    """(share of matters per common bigram, the smallest share listed, matters in all)."""
    cached = _stats.get(alias)
    if cached and time.monotonic() - cached[0] < _STATS_TTL:
        return cached[1], cached[2], cached[3]
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs,"
            " (SELECT reltuples FROM pg_class WHERE relname = 'loop_matter')"
            " FROM pg_stats WHERE tablename = 'matter_words_idx'"
        )
        row = cursor.fetchone()
    shares: dict[str, float] = {}
    floor, rows = 1.0, 0
    if row and row[0]:
        elements, freqs, rows = row[0], row[1], int(row[2] or 0)
        shares = dict(zip(elements, freqs[: len(elements)], strict=True))
        floor = freqs[len(elements)]  # the list's smallest share: any other bigram is rarer
    _stats[alias] = (time.monotonic(), shares, floor, rows)
    return shares, floor, rows


# How many of the newest matters a one-character word is looked for in, to tell its share.
RECENT_SAMPLE = 2_000
_recent: dict[tuple[str, str], tuple[float, float]] = {}


def recent_share(character: str, alias: str) -> float:
    """The share of the newest RECENT_SAMPLE matters holding the character: the matters a
    newest-first walk meets first. A character's statistics are spread over every bigram it
    starts, most of them too rare to be listed (漏水 渗漏 漏雨 漏气 …: each under the floor,
    0.7 % of matters together), so their sum misjudges it; a few milliseconds of counting do
    not."""
    cached = _recent.get((alias, character))
    if cached and time.monotonic() - cached[0] < _STATS_TTL:
        return cached[1]
    newest = Matter.objects.using(alias).order_by("-received_at").values("pk")[:RECENT_SAMPLE]
    counted = (
        Matter.objects.using(alias)
        .filter(pk__in=newest)
        .aggregate(sampled=Count("pk"), holding=Count("pk", filter=_contains(character)))
    )
    share = counted["holding"] / counted["sampled"] if counted["sampled"] else 0.0
    _recent[(alias, character)] = (time.monotonic(), share)
    return share


def is_common(words: list[str], alias: str) -> bool:
    """Whether walking matters newest first finds a page sooner than the bigram index: the
    words' share of matters (at most that of their rarest bigram) against √(20 / matters),
    where the rows walked for a page (20 / share) equal the rows the index returns."""
    shares, floor, rows = _bigram_stats(alias)
    if rows < 10_000 or not shares:
        return False  # small or never analysed: the index is always fine
    share = 1.0
    for word in words:
        grams = bigrams(word)
        if grams:
            share = min([share, *(shares.get(g, 0.0) for g in grams)])
        else:  # one character: the bigrams starting with it, or its share of the newest
            listed = sum(f for g, f in shares.items() if g.startswith(word))
            share = min(share, max(listed, recent_share(word, alias)))
    return share >= max(floor, math.sqrt(20 / rows))


def matter_search(queryset: QuerySet[Matter], text: str) -> tuple[QuerySet[Matter], str]:
    """The matters of `queryset` the text finds, and how (UNIQUE, PHONE_NUMBER or WORDS)."""
    text = text.strip()
    identified = identifier_condition(text)
    if identified is not None:
        condition, how = identified
        found = queryset.filter(condition)
        if found.exists():
            return found, how
    return words_filter(queryset, text), WORDS
