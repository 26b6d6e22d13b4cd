"""Reads of the knowledge base: who sees which articles, what is about to expire, what to
suggest for a caller's words, and the difference an edit made."""

import datetime
import difflib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.accounts.policies import keeps_articles_of, kept_articles_filter
from longcheng.accounts.roles import Role
from longcheng.core.models import Unit
from longcheng.loop.models import Category
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem

from . import search
from .models import Article, ArticleVersion, today

# The reminders before an article's end of validity, in days (services.knowledge_expiry_sweep).
REMIND_DAYS = (30, 7)
EXPIRING_DAYS = REMIND_DAYS[0]


def articles_visible_to(user) -> QuerySet[Article]:
    """Every member of staff reads the published articles; drafts and withdrawn ones only
    those who keep them (the owning unit, the dispatch centre)."""
    return Article.objects.filter(
        Q(status=Article.Status.PUBLISHED) | kept_articles_filter(user, "unit")
    )


def current_articles(day: datetime.date | None = None) -> QuerySet[Article]:
    """Published and within their dates: what operators are offered."""
    return Article.objects.filter(search.current_filter(day or today()))


def expiring_filter(day: datetime.date, days: int = EXPIRING_DAYS) -> Q:
    """Published articles whose validity ends within `days` (即将到期), not yet ended."""
    return Q(
        status=Article.Status.PUBLISHED,
        valid_until__gte=day,
        valid_until__lte=day + datetime.timedelta(days=days),
    )


def validity_filter(choice: str, day: datetime.date) -> Q:
    """The list's 有效期 filter."""
    if choice == "current":
        return search.current_filter(day)
    if choice == "expiring":
        return expiring_filter(day)
    if choice == "expired":
        return Q(valid_until__lt=day)
    if choice == "pending":
        return Q(valid_from__gt=day)
    return Q()


VALIDITY_CHOICES = [
    ("current", gettext_lazy("现行有效")),
    ("expiring", gettext_lazy("即将到期（30 天内）")),
    ("expired", gettext_lazy("已过期")),
    ("pending", gettext_lazy("尚未生效")),
]


def units_kept_by(user) -> QuerySet[Unit]:
    """The units whose articles the user may keep (the edit form's choices)."""
    units = Unit.objects.filter(is_active=True)
    if getattr(user, "role", None) == Role.DISPATCHER:
        return units.order_by("path")
    own = getattr(user, "unit", None)
    if own is None:
        return Unit.objects.none()
    if user.role == Role.LEADER:
        return units.filter(path__startswith=own.path).order_by("path")
    return units.filter(pk=own.pk)


def may_create(user) -> bool:
    own = getattr(user, "unit", None)
    return own is not None and keeps_articles_of(user, own)


def category_subtree_ids(category_id: int | None) -> list[int]:
    """The category and those below it (a suggestion in 供暖 also favours 室温不达标)."""
    if not category_id:
        return []
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        return []
    return list(
        Category.objects.filter(path__startswith=category.path).values_list("pk", flat=True)
    )


def suggestions(
    text: str, *, category_id: int | None = None, limit: int = search.SUGGEST_LIMIT
) -> list[Article]:
    """The articles to offer beside a complaint being typed, best first (the contract of
    GET /knowledge/suggest/)."""
    ids = search.suggest_ids(
        text, day=today(), category_ids=category_subtree_ids(category_id), limit=limit
    )
    if not ids:
        return []
    found = Article.objects.select_related("unit", "category").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def suggestion_json(article: Article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "kind": article.get_kind_display(),
        "category": article.category.name if article.category is not None else None,
        "unit": article.unit.short_name or article.unit.name,
        "answer": article.body,
        "url": reverse("knowledge:detail", args=[article.pk]),
        "valid_until": article.valid_until.isoformat() if article.valid_until else None,
    }


def versions_of(article: Article) -> list[ArticleVersion]:
    return list(article.versions.select_related("editor").order_by("-number"))


@dataclass
class Piece:
    """A run of text of a diff: kept ("="), added ("+") or removed ("-")."""

    op: str
    text: str


@dataclass
class FieldDiff:
    label: str
    pieces: list[Piece]


def _pieces(before: str, after: str) -> list[Piece]:
    # Character by character: Chinese has no spaces to split words at.
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("=", before[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("-", before[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("+", after[j1:j2]))
    return pieces


def last_change(versions: list[ArticleVersion]) -> list[FieldDiff]:
    """What the latest published version changed against the one before (empty if none)."""
    if len(versions) < 2:
        return []
    new, old = versions[0], versions[1]
    diffs = []
    for label, before, after in (
        (_("标题"), old.title, new.title),
        (_("摘要"), old.summary, new.summary),
        (_("答复口径"), old.body, new.body),
        (_("类型"), old.get_kind_display(), new.get_kind_display()),
        (_("生效日期"), str(old.valid_from), str(new.valid_from)),
        (_("失效日期"), str(old.valid_until or "—"), str(new.valid_until or "—")),
    ):
        if before != after:
            diffs.append(FieldDiff(str(label), _pieces(before, after)))
    return diffs


def expiring_for(user) -> QuerySet[Article]:
    """The articles the user keeps that are about to expire (a home alert's count)."""
    return Article.objects.filter(expiring_filter(today()) & kept_articles_filter(user, "unit"))


def knowledge_nav_items(user) -> list[NavItem]:
    """知识库 in the sidebar of the dispatch centre and the units' staff; the badge counts the
    articles the user keeps that expire within 30 days."""
    if not is_business_staff(user):
        return []
    return [
        NavItem(
            str(_("知识库")),
            reverse("knowledge:list"),
            "journal-bookmark",
            badge=expiring_for(user).count(),
        )
    ]
