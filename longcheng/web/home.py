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


# Each provider takes the user and returns the cards that user should see; lower `order`
# comes first (the day's work before the registers). Only providers registered `external`
# are asked for the cards of people from outside (a judge's queue).
_providers: list[tuple[int, Callable[[object], list[StatCard]], bool]] = []


def register_home_cards(
    provider: Callable[[object], list[StatCard]], order: int = 100, external: bool = False
) -> None:
    if all(p is not provider for _o, p, _e in _providers):
        _providers.append((order, provider, external))
        _providers.sort(key=lambda entry: entry[0])


def home_cards(user, *, external_user: bool = False) -> list[StatCard]:
    return [
        card
        for _order, provider, external in _providers
        if external or not external_user
        for card in provider(user)
    ]


@dataclass
class NavItem:
    label: str
    url: str
    icon: str
    badge: int = 0


# (position, provider): the business apps' entries first, the registers and administration last.
_nav_providers: list[tuple[int, Callable[[object], list[NavItem]]]] = []
NAV_BUSINESS, NAV_REGISTERS, NAV_ADMINISTRATION = 50, 80, 90


def register_nav_items(
    provider: Callable[[object], list[NavItem]], *, position: int = NAV_BUSINESS
) -> None:
    """Apps above `web` add their sidebar entries (only for users who may use them)."""
    if all(p is not provider for _pos, p in _nav_providers):
        _nav_providers.append((position, provider))
        _nav_providers.sort(key=lambda entry: entry[0])  # stable: same position, app order


def nav_items(user) -> list[NavItem]:
    return [item for _pos, provider in _nav_providers for item in provider(user)]


@dataclass
class HomeAlert:
    """Something a role must act on soon, shown at the top of its home page."""

    text: str
    url: str
    action: str


_alert_providers: list[Callable[[object], list[HomeAlert]]] = []


def register_home_alerts(provider: Callable[[object], list[HomeAlert]]) -> None:
    if provider not in _alert_providers:
        _alert_providers.append(provider)


def home_alerts(user) -> list[HomeAlert]:
    return [alert for provider in _alert_providers for alert in provider(user)]
