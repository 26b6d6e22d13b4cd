"""`@service`: a write of the platform is one transaction, whoever calls it.

Views, tasks, imports and other services call a service without wrapping it; a service called
inside another joins the outer transaction (a savepoint), so either everything it wrote stays or
nothing does. Side effects that leave the database (SMS, e-mail, background jobs) are queued
with `transaction.on_commit` so a refused or rolled-back write sends nothing.

One write must outlive a refusal: the audit record of a refused attempt (who tried to reveal,
export or act without the right). `keep_if_rolled_back` hands such a write to the outermost
service, which writes it again after its transaction has rolled back."""

import logging
import threading
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")

SERVICE_MARK = "__longcheng_service__"
logger = logging.getLogger(__name__)
_state = threading.local()


def service(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = getattr(_state, "depth", 0)
        if depth == 0:
            _state.after_rollback = []
        _state.depth = depth + 1
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except BaseException:
            if depth == 0:
                _replay(_state.after_rollback)
            raise
        finally:
            _state.depth = depth
            if depth == 0:
                _state.after_rollback = []

    setattr(run, SERVICE_MARK, True)
    return run


def _replay(writes: list[Callable[[], object]]) -> None:
    for write in writes:
        try:
            write()
        except Exception:  # the refusal itself is already on its way to the user
            logger.exception("a write kept for after the rollback failed")


def keep_if_rolled_back(write: Callable[[], object]) -> None:
    """Inside a service, `write` (already done once) is done again if the service rolls back."""
    if getattr(_state, "depth", 0):
        _state.after_rollback.append(write)


def is_service(func) -> bool:
    return getattr(func, SERVICE_MARK, False)
