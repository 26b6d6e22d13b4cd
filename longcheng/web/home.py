"""The home page is assembled from cards that each app registers in its AppConfig.ready(),
so the web layer never imports the domain apps that sit above it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class StatCard:
    label: str
    count: int
    url: str
    icon: str = "folder"


# Each provider takes the user and returns the cards that user should see.
_providers: list[Callable[[object], list[StatCard]]] = []


def register_home_cards(provider: Callable[[object], list[StatCard]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def home_cards(user) -> list[StatCard]:
    return [card for provider in _providers for card in provider(user)]
