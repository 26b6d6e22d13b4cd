"""Writes of the knowledge base, each one audited transaction: create, edit, publish, withdraw
an article, and the daily reminder before articles expire.

The owning unit's clerks and leaders keep its articles, the dispatch centre keeps all
(`accounts.policies.keeps_articles_of`). Every published text is kept as an ArticleVersion;
an edit of a published article is a new version at once. Two people editing the same article
never overwrite each other: each save names the version it started from."""

import datetime

from django.db.models import F, Q
from django.utils.translation import gettext as _

from longcheng.accounts.models import User
from longcheng.accounts.policies import require_keeps_article
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import ConcurrentEditError, LongchengError
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop.models import Notification
from longcheng.loop.notifications import notifications_resolve, notify, staff_of

from .models import Article, ArticleVersion, today
from .selectors import REMIND_DAYS
from .workflow import may_move

Status = Article.Status
EDITABLE = (
    "title",
    "summary",
    "body",
    "kind",
    "category",
    "unit",
    "valid_from",
    "valid_until",
    "keywords",
)


class ArticleRefused(LongchengError):
    """A change the article's state or dates do not allow; nothing was changed."""


def _check(fields: dict) -> None:
    if not (fields.get("title") or "").strip():
        raise ArticleRefused(_("“标题”不能为空。"))
    if not (fields.get("body") or "").strip():
        raise ArticleRefused(_("“答复口径”不能为空：话务员要读给来电人的文字写在这里。"))
    start, end = fields.get("valid_from"), fields.get("valid_until")
    if start and end and end < start:
        raise ArticleRefused(
            _("“失效日期”（%(e)s）早于“生效日期”（%(s)s），请检查。") % {"e": end, "s": start}
        )


def _snapshot(article: Article) -> dict:
    return {
        "title": article.title,
        "kind": article.kind,
        "status": article.status,
        "unit": article.unit_id,
        "category": article.category_id,
        "valid_from": str(article.valid_from),
        "valid_until": str(article.valid_until) if article.valid_until else None,
        "number": article.number,
    }


def _keep_version(article: Article, actor, note: str) -> ArticleVersion:
    article.number += 1
    return ArticleVersion.objects.create(
        article=article,
        number=article.number,
        title=article.title,
        summary=article.summary,
        body=article.body,
        kind=article.kind,
        valid_from=article.valid_from,
        valid_until=article.valid_until,
        editor=actor,
        at=clock.now(),
        note=note[:300],
    )


def _lock(article: Article, expected_version: int | None) -> Article:
    locked = Article.objects.select_for_update().select_related("unit").get(pk=article.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _(
                "知识条目“%(t)s”在您打开后已被他人修改（您打开的是第 %(v)s 次保存的内容，"
                "现在已是第 %(now)s 次）。请刷新页面，看过最新内容后再修改。"
            )
            % {"t": locked.title, "v": expected_version, "now": locked.version}
        )
    return locked


def _renewed(article: Article) -> None:
    """The article no longer needs its expiry reminders: they leave the unread counts."""
    notifications_resolve(kinds=[Notification.Kind.KNOWLEDGE], subject=article.subject)


@service
def article_create(
    *,
    actor,
    title: str,
    body: str,
    unit,
    kind: str = Article.Kind.ANSWER,
    category=None,
    summary: str = "",
    keywords: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    publish: bool = False,
    note: str = "",
) -> Article:
    """A new article of `unit`, as a draft or published at once (its first version)."""
    require_keeps_article(actor, unit)
    fields = {
        "title": title.strip(),
        "body": body.strip(),
        "unit": unit,
        "kind": kind,
        "category": category,
        "summary": summary.strip(),
        "keywords": keywords.strip(),
        "valid_from": valid_from or today(),
        "valid_until": valid_until,
    }
    _check(fields)
    article = Article.objects.create(created_by=actor, **fields)
    audit_record(actor=actor, action=AuditAction.CREATE, target=article, after=_snapshot(article))
    if publish:
        return article_publish(
            article=article, actor=actor, expected_version=article.version, note=note
        )
    return article


@service
def article_edit(
    *, article: Article, actor, expected_version: int | None, note: str = "", **changes
) -> Article:
    """Change an article's text, dates, category or owner. A published article's change is
    published at once as its next version; a later end of validity ends the reminders."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = _lock(article, expected_version)
    require_keeps_article(actor, locked.unit)
    if "unit" in changes and changes["unit"] != locked.unit:
        require_keeps_article(actor, changes["unit"])
    before = _snapshot(locked)
    old_until = locked.valid_until
    changed = []
    for name in EDITABLE:
        if name not in changes:
            continue
        value = changes[name]
        value = value.strip() if isinstance(value, str) else value
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    _check({name: getattr(locked, name) for name in EDITABLE})
    if not changed:
        return locked
    fields = list(changed)
    if locked.status == Status.PUBLISHED:
        _keep_version(locked, actor, note or _("修改"))
        fields.append("number")
    save_versioned(locked, expected_version=locked.version, fields=fields)
    if locked.valid_until != old_until and (
        locked.valid_until is None or old_until is None or locked.valid_until > old_until
    ):
        _renewed(locked)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=locked,
        before=before,
        after=_snapshot(locked),
        detail={"note": note[:300], "fields": changed},
    )
    return locked


@service
def article_publish(
    *, article: Article, actor, expected_version: int | None, note: str = ""
) -> Article:
    """A draft or withdrawn article goes out to operators: its text is kept as a version."""
    locked = _lock(article, expected_version)
    require_keeps_article(actor, locked.unit)
    if not may_move(locked.status, Status.PUBLISHED):
        raise ArticleRefused(
            _("这条知识当前为“%(s)s”，不能发布。") % {"s": locked.get_status_display()}
        )
    if locked.is_expired:
        raise ArticleRefused(
            _("这条知识已于 %(d)s 失效：请先修改“失效日期”再发布。") % {"d": locked.valid_until}
        )
    before = _snapshot(locked)
    locked.status = Status.PUBLISHED
    locked.published_at = clock.now()
    locked.withdrawn_at = None
    locked.withdraw_reason = ""
    _keep_version(locked, actor, note or _("发布"))
    save_versioned(
        locked,
        expected_version=locked.version,
        fields=["status", "published_at", "withdrawn_at", "withdraw_reason", "number"],
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=locked,
        before=before,
        after=_snapshot(locked),
        detail={"note": note[:300]},
    )
    return locked


@service
def article_withdraw(
    *, article: Article, actor, expected_version: int | None, reason: str
) -> Article:
    """Operators are no longer offered the article (its versions stay)."""
    locked = _lock(article, expected_version)
    require_keeps_article(actor, locked.unit)
    reason = reason.strip()
    if len(reason) < 2:
        raise ArticleRefused(_("请填写“撤回原因”，说明这条知识为什么不再使用。"))
    if not may_move(locked.status, Status.WITHDRAWN):
        raise ArticleRefused(
            _("这条知识当前为“%(s)s”，不能撤回。") % {"s": locked.get_status_display()}
        )
    before = _snapshot(locked)
    locked.status = Status.WITHDRAWN
    locked.withdrawn_at = clock.now()
    locked.withdraw_reason = reason[:300]
    save_versioned(
        locked,
        expected_version=locked.version,
        fields=["status", "withdrawn_at", "withdraw_reason"],
    )
    _renewed(locked)
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=locked,
        before=before,
        after=_snapshot(locked),
        detail={"reason": reason[:300]},
    )
    return locked


def _keepers(article: Article):
    """Who is reminded: the owning unit's staff, else (nobody there) the dispatch centre."""
    staff = list(staff_of(article.unit))
    if staff:
        return staff
    return list(User.objects.filter(role=Role.DISPATCHER, is_active=True))


@service
def knowledge_expiry_sweep(*, day: datetime.date | None = None) -> int:
    """Daily and idempotent: 30 days and again 7 days before a published article's validity
    ends, its keepers are told once each (a renewal with a new date starts over). Returns
    the number of articles reminded."""
    day = day or today()
    far, near = REMIND_DAYS
    due = (
        Article.objects.select_for_update()
        .select_related("unit")
        .filter(
            status=Status.PUBLISHED,
            valid_until__gte=day,
            valid_until__lte=day + datetime.timedelta(days=far),
        )
        .filter(
            Q(reminded_30_for__isnull=True)
            | ~Q(reminded_30_for=F("valid_until"))
            | (
                Q(valid_until__lte=day + datetime.timedelta(days=near))
                & (Q(reminded_7_for__isnull=True) | ~Q(reminded_7_for=F("valid_until")))
            )
        )
        .order_by("valid_until", "pk")
    )
    reminded = 0
    for article in due:
        if article.valid_until is None:  # the filter leaves none; for the type checker
            continue
        left = (article.valid_until - day).days
        stage = near if left <= near else far
        if stage == near and article.reminded_7_for == article.valid_until:
            continue
        if stage == far and article.reminded_30_for == article.valid_until:
            continue
        notify(
            _keepers(article),
            title=_("知识“%(t)s”将于 %(d)s 失效（还有 %(n)s 天）")
            % {"t": article.title[:60], "d": article.valid_until, "n": left},
            body=_(
                "请核实内容是否仍然适用：需要继续使用的，修改“失效日期”后保存；不再适用的，撤回。"
            ),
            url=article.get_absolute_url(),
            kind=Notification.Kind.KNOWLEDGE,
            subject=article.subject,
        )
        # Within 7 days the 30-day reminder is moot: both are marked as sent.
        article.reminded_30_for = article.valid_until
        if stage == near:
            article.reminded_7_for = article.valid_until
        Article.objects.filter(pk=article.pk).update(
            reminded_30_for=article.reminded_30_for, reminded_7_for=article.reminded_7_for
        )
        audit_record(
            actor=None,
            actor_repr="system",
            action=AuditAction.UPDATE,
            target=article,
            detail={"expiry_reminder": stage, "valid_until": str(article.valid_until)},
        )
        reminded += 1
    return reminded
