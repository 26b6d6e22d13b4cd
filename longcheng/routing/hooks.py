"""What the apps above routing add to a hot spot: a button each (设为每月一题 from projects).
Routing names no app above it; a provider registered here answers for one user and hot spot
with (label, url, icon) or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HotSpotAction:
    label: str
    url: str
    icon: str = "flag"


_providers: list[Callable[..., HotSpotAction | None]] = []


def register_hotspot_action(provider: Callable[..., HotSpotAction | None]) -> None:
    """`provider(user, report, index, cluster)` → a button, or None where it does not apply."""
    if provider not in _providers:
        _providers.append(provider)


def hotspot_actions(user, report, index: int, cluster: dict) -> list[HotSpotAction]:
    found = (provider(user, report, index, cluster) for provider in _providers)
    return [action for action in found if action is not None]
