"""Panels other apps add to the matter page (routing suggestions, merge suggestions …): the
loop shows them without importing the apps above it."""

from collections.abc import Callable

# provider(request, matter) -> rendered HTML string or "".
_providers: list[Callable] = []


def register_matter_panel(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def matter_panels(request, matter) -> list[str]:
    return [html for provider in _providers if (html := provider(request, matter))]
