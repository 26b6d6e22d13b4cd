"""The knowledge base at 100,000 articles (issue 29): the list's word search and the
suggestions while an operator types a complaint, through the bigram vectors of
knowledge.search, against a plain `icontains` scan. Not a test: it prints figures for
docs/benchmarks.md. Targets: search p95 ≤ 50 ms, suggestions p95 ≤ 100 ms.

    psql -h 127.0.0.1 -U root -d postgres -c "CREATE DATABASE longcheng_kb_bench"
    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_kb_bench \
        .venv/bin/python bench/bench_knowledge.py --articles 100000

Builds (or reuses) N articles owned by the demo's units: a tenth are the everyday 12345
answers of the demo (heating, water, gas, property, garbage, hukou …) repeated per district and
year with their wording varied; the rest take the subject of one of the 936 citizens' messages
of ../shared/data/appeals-routing/train.csv as their title and answer text made of other
messages' sentences (so the bigrams are those of real Chinese complaints, skewed as they are).
A tenth are drafts or withdrawn, some expired. Then, warm, p50/p95 of:

- search: the list's query as the dispatch centre runs it (first page of 25 read tier by tier,
  `search.Ranked`, and the capped count), for words from very common to absent; and the same
  by `icontains`;
- suggestion: `selectors.suggestions` for 200 complaint texts of 20–200 characters cut from
  the messages (subject and detail), and the whole GET /knowledge/suggest/ response; and the
  same ranking over an `icontains` scan (the SQLite path), fewer runs.
"""

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("LONGCHENG_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

MESSAGES = ROOT.parent / "shared" / "data" / "appeals-routing" / "train.csv"
DISTRICTS = "小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区 清徐县 阳曲县 娄烦县 古交市".split()
WORDS = [
    ("小区", "very common word"),
    ("供暖", "common word"),
    ("物业 收费", "two words"),
    ("燃气", "frequent word"),
    ("户籍", "less frequent word"),
    ("垃圾分类", "four characters"),
    ("办", "one character"),
    ("地铁站漏水", "absent phrase"),
]


def messages() -> list[dict]:
    with MESSAGES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build(total: int, rng: random.Random) -> None:
    from django.core.management import call_command

    from longcheng.accounts import demo as accounts_demo
    from longcheng.accounts.models import User
    from longcheng.core import demo as core_demo
    from longcheng.core.models import Unit
    from longcheng.knowledge import demo as knowledge_demo
    from longcheng.knowledge.models import Article
    from longcheng.loop.models import Category

    call_command("migrate", verbosity=0)
    existing = Article.objects.count()
    if existing >= total:
        print(f"reusing {existing:,} articles")
        return
    if not Unit.objects.exists():
        core_demo.seed(lambda *_: None)
        accounts_demo.seed(lambda *_: None)
    author = User.objects.get(username="dispatcher")
    units = list(Unit.objects.values_list("pk", flat=True))
    categories = [None, *Category.objects.values_list("pk", flat=True)]
    rows = messages()
    sentences = [
        s for r in rows for s in r["detail"].replace("\n", "").split("。") if 8 <= len(s) <= 80
    ]
    everyday = knowledge_demo.ARTICLES
    today = datetime.date(2025, 1, 1)
    started = time.perf_counter()
    batch: list[Article] = []
    for n in range(existing, total):
        district = DISTRICTS[n % len(DISTRICTS)]
        if n % 10 == 0:
            base = everyday[n // 10 % len(everyday)]
            title = f"{base['title']}（{district}，{2016 + n % 9}年）"
            body = base["body"] + "。".join(rng.sample(sentences, 2))
            keywords, summary = base["keywords"], base.get("summary", "")
        else:
            row = rows[n % len(rows)]
            title = f"{row['subject'][:60]}的答复口径"
            body = "。".join(rng.sample(sentences, rng.randint(3, 8))) + "。"
            subject = row["subject"].replace("A市", "")
            starts = [rng.randrange(max(1, len(subject) - 3)) for _ in range(2)]
            keywords = ",".join(subject[i : i + rng.randint(2, 3)] for i in starts)
            summary = f"{district}{row['subject'][:30]}"
        roll = rng.random()
        status = "published" if roll < 0.9 else ("draft" if roll < 0.95 else "withdrawn")
        until = (
            None if rng.random() < 0.6 else today + datetime.timedelta(days=rng.randint(-400, 900))
        )
        batch.append(
            Article(
                title=title[:200],
                summary=summary[:300],
                body=body,
                keywords=keywords[:300],
                kind=rng.choice(["policy", "guide", "answer", "contact"]),
                category_id=rng.choice(categories),
                unit_id=rng.choice(units),
                valid_from=datetime.date(2016, 1, 1),
                valid_until=until,
                status=status,
                number=1 if status != "draft" else 0,
                created_by=author,
            )
        )
        if len(batch) == 5000:
            Article.objects.bulk_create(batch)
            batch = []
            print(f"  {n + 1:,} articles, {time.perf_counter() - started:.0f} s", flush=True)
    if batch:
        Article.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledge_article")
    print(f"built {total - existing:,} articles in {time.perf_counter() - started:.0f} s")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def figures(times: list[float]) -> str:
    return f"p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms"


def dispatcher():
    from longcheng.accounts.models import User

    return User.objects.get(username="dispatcher")


def timed_search(q: str, runs: int) -> tuple[list[float], int]:
    from longcheng.knowledge import search
    from longcheng.knowledge.selectors import articles_visible_to

    user = dispatcher()
    times, count = [], 0
    for _ in range(runs + 1):
        started = time.perf_counter()
        # What the list does (views.ArticleListView): the page read tier by tier.
        found = search.Ranked(search.search(articles_visible_to(user), q), q)
        page = found[0:25]
        count = found.count()
        times.append((time.perf_counter() - started) * 1000)
        assert len(page) <= 25
    return times[1:], count


def timed_scan(q: str, runs: int) -> list[float]:
    """The same words by `icontains` over the four columns, newest first."""
    from longcheng.core.counting import capped_count
    from longcheng.knowledge.selectors import articles_visible_to

    user = dispatcher()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        found = articles_visible_to(user)
        for word in q.split():
            found = found.filter(
                Q(title__icontains=word)
                | Q(keywords__icontains=word)
                | Q(summary__icontains=word)
                | Q(body__icontains=word)
            )
        list(found.order_by("-updated_at")[:25])
        capped_count(found)
        times.append((time.perf_counter() - started) * 1000)
    return times


def complaints(rng: random.Random, n: int) -> list[str]:
    rows = messages()
    texts = []
    for row in rng.sample(rows, n):
        text = (row["subject"] + "。" + row["detail"]).replace("\n", "")
        texts.append(text[: rng.randint(20, 200)])
    return texts


def timed_suggestions(texts: list[str]) -> tuple[list[float], float]:
    from longcheng.knowledge.selectors import suggestions

    suggestions(texts[0])  # warm
    times, found = [], 0
    for text in texts:
        started = time.perf_counter()
        articles = suggestions(text)
        times.append((time.perf_counter() - started) * 1000)
        found += bool(articles)
    return times, found / len(texts)


def timed_endpoint(texts: list[str]) -> list[float]:
    from longcheng.accounts.demo import ready_for_sign_in
    from longcheng.accounts.testing import sign_in_verified

    ready_for_sign_in(lambda *_: None)
    client = Client()
    sign_in_verified(client, dispatcher())
    client.get("/knowledge/suggest/", {"q": texts[0]})
    times = []
    for text in texts:
        started = time.perf_counter()
        response = client.get("/knowledge/suggest/", {"q": text})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def timed_suggest_scan(texts: list[str]) -> list[float]:
    from longcheng.knowledge import search
    from longcheng.knowledge.models import today

    times = []
    for text in texts:
        started = time.perf_counter()
        telling = search.telling_bigrams(text, "default")
        if telling.grams:
            search._suggest_scan(telling, today(), [], 5, "default")
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--complaints", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL to a database of your own.")
    rng = random.Random(29)
    build(args.articles, rng)
    from longcheng.knowledge.models import Article
    from longcheng.knowledge.search import forget_statistics

    forget_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('knowledge_article'))")
        table = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('knowledge_words_idx')),"
            " pg_size_pretty(pg_relation_size('knowledge_head_idx'))"
        )
        words_idx, head_idx = cursor.fetchone()
    print(
        f"{Article.objects.count():,} articles; table {table}, "
        f"words index {words_idx}, head index {head_idx}"
    )
    print(f"\nsearch (first page of 25 tier by tier + capped count), {args.runs} runs each")
    for q, what in WORDS:
        times, count = timed_search(q, args.runs)
        scan = timed_scan(q, max(3, args.runs // 10))
        print(
            f"  {q:<8} {what:<20} {count:>6} hits  index {figures(times)}"
            f"  | icontains {figures(scan)}"
        )
    texts = complaints(rng, args.complaints)
    lengths = [len(t) for t in texts]
    print(
        f"\nsuggestions for {len(texts)} complaints of {min(lengths)}–{max(lengths)} characters"
        f" (median {statistics.median(lengths):.0f})"
    )
    times, share = timed_suggestions(texts)
    print(f"  selectors.suggestions   {figures(times)}  (an article offered for {share:.0%})")
    print(f"  GET /knowledge/suggest/ {figures(timed_endpoint(texts))}")
    scan = timed_suggest_scan(texts[:20])
    print(f"  icontains scan (20)     {figures(scan)}")


if __name__ == "__main__":
    main()
