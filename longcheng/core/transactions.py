"""`@service`: a write of the platform is one transaction, whoever calls it.

Views, tasks, imports and other services call a service without wrapping it; a service called
inside another joins the outer transaction (a savepoint), so either everything it wrote stays or
nothing does. Side effects that leave the database (SMS, e-mail, background jobs) are queued
with `transaction.on_commit` so a refused or rolled-back write sends nothing."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")

SERVICE_MARK = "__longcheng_service__"


def service(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            return func(*args, **kwargs)

    setattr(run, SERVICE_MARK, True)
    return run


def is_service(func) -> bool:
    return getattr(func, SERVICE_MARK, False)
