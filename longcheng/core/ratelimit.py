"""Fixed-window rate limits kept in the cache (Redis in production, so they hold across web
workers). No captcha: a flood gets a polite refusal."""

import hashlib
import time

from django.core.cache import cache


def _parse(rule: str) -> tuple[int, int]:
    count, seconds = rule.split("/")
    return int(count), int(seconds)


def hit(scope: str, ident: str, rule: str) -> bool:
    """Count one request; False when the limit for this window is already used up."""
    if not ident:
        return True
    limit, seconds = _parse(rule)
    window = int(time.time() // seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    key = f"rl:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 5)
        count = 1
    return count <= limit
