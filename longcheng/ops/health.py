"""Liveness and readiness for the load balancer and the process supervisor.

Liveness says only that the process answers (restart it if not). Readiness says whether this
instance can serve: the database answers and carries every migration, the cache and the
attachment storage work, and — where timers run on Celery — the broker answers. Each check
reports its time; a failed one names what failed, never a password or a host's secret."""

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

_migrations_seen_complete = False


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _migrations() -> None:
    global _migrations_seen_complete
    if _migrations_seen_complete:  # once complete, a running release cannot lose them
        return
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrations_seen_complete = True


def _cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ok":
                raise RuntimeError("storage did not return what was stored")
    finally:
        default_storage.delete(name)


def _broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def checks() -> dict[str, Callable[[], None]]:
    found = {
        "database": _database,
        "migrations": _migrations,
        "cache": _cache,
        "storage": _storage,
    }
    if settings.LONGCHENG_TIMERS == "celery":
        found["broker"] = _broker
    return found


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the type says which kind
            results[name] = {"ok": False, "error": type(exc).__name__ + ": " + str(exc)[:200]}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results


def warnings() -> list[str]:
    """What an operator should act on that does not make the instance unready."""
    from django.utils import timezone

    from longcheng.core.calendar import next_year_missing

    found = []
    year = next_year_missing(timezone.localdate())
    if year:
        found.append(
            f"calendar: the official {year} holiday schedule is not in yet; deadlines into {year} "
            "are counted on the provisional calendar (enter it at /loop/calendar/)"
        )
    return found
