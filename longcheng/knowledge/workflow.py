"""An article's states and the moves between them, as data: the buttons of its page and the
services read the same table."""

from .models import Article

Status = Article.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN},
    # A withdrawn article may be published again (after an edit, usually).
    Status.WITHDRAWN: {Status.PUBLISHED},
}


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())
