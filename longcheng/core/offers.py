"""Public forms take back only the references they offered (issue 23, item 1).

When a public page proposes records to a visitor (a similar matter to follow, for example),
it keeps the proposal in the visitor's session; the answer is accepted only when it names one
of them. A visitor who types another id gets nothing, and nothing is said about whether that
id exists.
"""

PREFIX = "offer:"


def offer(request, purpose: str, ids) -> None:
    """Remember what this visitor was offered for `purpose` (the last offer replaces any)."""
    request.session[PREFIX + purpose] = sorted({int(pk) for pk in ids})


def taken(request, purpose: str, raw) -> int | None:
    """The offered id the visitor chose, or None (not offered, not an id, or no offer)."""
    try:
        chosen = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return chosen if chosen in request.session.get(PREFIX + purpose, []) else None


def withdraw(request, purpose: str) -> None:
    request.session.pop(PREFIX + purpose, None)
