"""Retention of personal data per category (PIPL art. 19: no longer than needed).

Each app that keeps personal data lists its categories in its own `retention.py` as
`CATEGORIES`; each category knows its period (a setting) and how to clear what is older.
Clearing keeps the record and its figures (a matter stays in the statistics, a volunteer's
hours stay counted) and removes only what identifies the person. One daily task runs them all;
each run that clears anything leaves one audit record per category (`ops.retention` runs them:
it sits above every app and the audit log).
"""

import dataclasses
import datetime
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise


@dataclasses.dataclass(frozen=True)
class Category:
    name: str | Promise  # shown to the operator and kept in the audit record (translated)
    setting: str  # the number of days, from settings
    # Clear what became older than `before`; with dry_run, only count. Returns the count.
    purge: Callable[[datetime.datetime, bool], int]

    @property
    def days(self) -> int:
        return getattr(settings, self.setting)


def categories() -> list[Category]:
    found: list[Category] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.retention"
        if config.name.startswith("longcheng.") and find_spec(module_name) is not None:
            found.extend(import_module(module_name).CATEGORIES)
    return found
