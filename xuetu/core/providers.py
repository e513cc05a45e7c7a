"""Facts a lower app needs from a higher one, without importing it.

A lower app declares a `Hook` (in its `hooks.py`) and asks it; an app above registers a
provider for it in its `AppConfig.ready()`. The lower app never learns who answered: with no
provider registered a hook answers nothing, so each app works on its own and the layers hold
(docs/architecture.md).

    PRIOR_SUBSIDIES = hook("programmes.prior_subsidies", "(occupation code, level) pairs …")
    PRIOR_SUBSIDIES.answers(person)          # programmes asks
    PRIOR_SUBSIDIES.register(paid_levels)    # subsidies answers, in its ready()
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

Answer = TypeVar("Answer")


class Hook(Generic[Answer]):
    """One named question and the providers that answer it, in the order they registered."""

    def __init__(self, name: str, doc: str) -> None:
        self.name, self.doc = name, doc
        self._providers: list[Callable[..., Answer]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._providers)} provider(s)>"

    @property
    def providers(self) -> tuple[Callable[..., Answer], ...]:
        return tuple(self._providers)

    def register(self, provider: Callable[..., Answer]) -> Callable[..., Answer]:
        """Adds a provider (once, however often `ready()` runs); usable as a decorator."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def unregister(self, provider: Callable[..., Answer]) -> None:
        if provider in self._providers:
            self._providers.remove(provider)

    def answers(self, *args: Any, **kwargs: Any) -> list[Answer]:
        """Every provider's answer, in registration order; [] when nobody provides."""
        return [provider(*args, **kwargs) for provider in self._providers]

    @contextmanager
    def providing(self, provider: Callable[..., Answer]) -> Iterator[None]:
        """A provider registered for the length of a `with` block (tests stand in for an app
        that does not exist yet this way)."""
        self.register(provider)
        try:
            yield
        finally:
            self.unregister(provider)


_HOOKS: dict[str, Hook[Any]] = {}


def hook(name: str, doc: str) -> Hook[Any]:
    """Declares the hook `name` (a module imported twice gets the same hook back)."""
    if name not in _HOOKS:
        _HOOKS[name] = Hook(name, doc)
    return _HOOKS[name]


def hooks() -> list[Hook[Any]]:
    """Every declared hook, by name: what lower apps ask and who answers."""
    return [_HOOKS[name] for name in sorted(_HOOKS)]
